package sh.antrieb.internal.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import sh.antrieb.Catalog;

/** Child JVM of {@link CatalogStoreTest}: saves versions of a shared and an own runbook. */
public final class CatalogSaverChild {
    private CatalogSaverChild() {
    }

    public static void main(String[] args) throws Exception {
        save(new CatalogStore(Path.of(args[0])), args[1], Integer.parseInt(args[2]));
    }

    /** Saves {@code count} versions of {@code team/shared} and of {@code team/<who>}. */
    static Void save(CatalogStore store, String who, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            for (String name : new String[] {"shared", who}) {
                String text = who + " " + i;
                try (CatalogStore.Staging s = store.stage(Catalog.Type.RUNBOOK, "team", name)) {
                    Files.writeString(s.dir().resolve("runbook.md"), text);
                    store.commit(s, v -> Map.of("description", text));
                }
            }
        }
        return null;
    }
}
