package sh.antrieb.internal.catalog;

import java.nio.file.Path;
import java.util.List;

import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.Settings;

/**
 * Catalogs without a hypervisor, for unit tests of the catalog's rules here and of the modules above core
 * (shared through core's test-jar). Saving a node's disk and building stack images need a host; storing,
 * searching and resolving names do not.
 */
public final class OfflineCatalogs {
    private OfflineCatalogs() {
    }

    /** A catalog service storing under {@code dir}, for a client whose own namespace is {@code clientNamespace}. */
    public static CatalogService over(Path dir, String clientNamespace) {
        return new CatalogService(dir, clientNamespace, null, new ImageStore(dir.resolve("images"), null), null,
                Settings.defaults(), List::of);
    }
}
