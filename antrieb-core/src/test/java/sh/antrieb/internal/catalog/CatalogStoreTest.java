package sh.antrieb.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.Catalog;

/** The store on disk: versions, atomic visibility, deletes, and two processes saving at once. */
class CatalogStoreTest {
    @TempDir
    Path dir;

    @Test
    void versionsCountUpAndLatestWins() throws Exception {
        CatalogStore store = new CatalogStore(dir);
        for (int i = 1; i <= 3; i++) {
            try (CatalogStore.Staging s = store.stage(Catalog.Type.RUNBOOK, "team", "pg")) {
                Files.writeString(s.dir().resolve("runbook.md"), "body " + i);
                int expected = i;
                CatalogStore.Entry e = store.commit(s, v -> Map.of("description", "take " + expected));
                assertThat(e.version()).isEqualTo(i);
            }
        }
        CatalogStore.Entry latest = store.latest(Catalog.Type.RUNBOOK, "team", "pg").orElseThrow();
        assertThat(latest.version()).isEqualTo(3);
        assertThat(latest.get("description")).isEqualTo("take 3");
        assertThat(latest.get("fq_name")).isEqualTo("team/pg");
        assertThat(Files.readString(latest.dir().resolve("runbook.md"))).isEqualTo("body 3");
        assertThat(store.version(Catalog.Type.RUNBOOK, "team", "pg", 1).orElseThrow().get("description")).isEqualTo("take 1");
        assertThat(Files.readString(latest.dir().resolve("meta.yaml"))).contains("version: 3").contains("type: runbook");
    }

    @Test
    void anUncommittedVersionIsInvisibleAndLeavesNothing() throws Exception {
        CatalogStore store = new CatalogStore(dir);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.NETWORK, "team", "lan")) {
            Files.writeString(s.dir().resolve("half"), "x");
            assertThat(store.latest(Catalog.Type.NETWORK, "team", "lan")).isEmpty();
            assertThat(store.list(Catalog.Type.NETWORK, "team")).isEmpty();
        } // closed without commit: a failed save
        assertThat(tmpEntries()).isEmpty();
        assertThat(dir.resolve("team")).doesNotExist();
    }

    @Test
    void stagingOfADeadProcessIsRemovedOnOpen() throws Exception {
        Path stale = dir.resolve(".tmp/999999999-abc");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve("disk.qcow2"), "half a disk");
        new CatalogStore(dir);
        assertThat(stale).doesNotExist();
    }

    @Test
    void deleteRemovesEveryVersionAndIsIdempotent() throws Exception {
        CatalogStore store = new CatalogStore(dir);
        for (int i = 0; i < 2; i++) {
            try (CatalogStore.Staging s = store.stage(Catalog.Type.IMAGE, "team", "web")) {
                store.commit(s, v -> Map.of());
            }
        }
        assertThat(store.delete(Catalog.Type.IMAGE, "team", "web")).isTrue();
        assertThat(store.latest(Catalog.Type.IMAGE, "team", "web")).isEmpty();
        assertThat(store.delete(Catalog.Type.IMAGE, "team", "web")).isFalse();
        assertThat(tmpEntries()).isEmpty();
    }

    /**
     * Two processes (this JVM with two threads, and a child JVM) save versions of the same artifact and of
     * their own while a third thread deletes and re-saves another one: every version number is used once,
     * every version is whole (meta.yaml matches its file), and nothing is left in staging.
     */
    @Test
    void twoProcessesSavingAtOnceDoNotCorruptTheStore() throws Exception {
        int perSaver = 25;
        CatalogStore store = new CatalogStore(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CatalogSaverChild.class.getName(),
                dir.toString(), "child", Integer.toString(perSaver)).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
                .start();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            jobs.add(pool.submit(() -> CatalogSaverChild.save(store, "parent-a", perSaver)));
            jobs.add(pool.submit(() -> CatalogSaverChild.save(store, "parent-b", perSaver)));
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < perSaver; i++) {
                    try (CatalogStore.Staging s = store.stage(Catalog.Type.NETWORK, "team", "churn")) {
                        store.commit(s, v -> Map.of("spec", "churn"));
                    }
                    store.delete(Catalog.Type.NETWORK, "team", "churn");
                }
                return null;
            }));
            for (Future<?> f : jobs) {
                f.get(2, TimeUnit.MINUTES);
            }
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();
        } finally {
            pool.shutdownNow();
            child.destroyForcibly();
        }

        int total = 3 * perSaver;
        CatalogStore fresh = new CatalogStore(dir);
        CatalogStore.Entry shared = fresh.latest(Catalog.Type.RUNBOOK, "team", "shared").orElseThrow();
        assertThat(shared.version()).isEqualTo(total);
        List<String> writers = new ArrayList<>();
        for (int v = 1; v <= total; v++) {
            CatalogStore.Entry e = fresh.version(Catalog.Type.RUNBOOK, "team", "shared", v).orElseThrow();
            assertThat(Files.readString(e.dir().resolve("runbook.md"))).isEqualTo(e.get("description"));
            writers.add(e.get("description"));
        }
        assertThat(writers).doesNotHaveDuplicates();
        for (String own : List.of("child", "parent-a", "parent-b")) {
            assertThat(fresh.latest(Catalog.Type.RUNBOOK, "team", own).orElseThrow().version()).isEqualTo(perSaver);
            assertThat(writers.stream().filter(w -> w.startsWith(own + " "))).hasSize(perSaver);
        }
        assertThat(fresh.latest(Catalog.Type.NETWORK, "team", "churn")).isEmpty();
        assertThat(tmpEntries()).isEmpty();
        assertThat(IntStream.rangeClosed(1, total).allMatch(v -> Files.isDirectory(shared.dir().resolveSibling("v" + v)))).isTrue();
    }

    private List<Path> tmpEntries() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(".tmp"))) {
            return s.toList();
        }
    }
}
