package sh.antrieb.junit;

import org.junit.jupiter.api.extension.ExtensionContext;

import sh.antrieb.Cluster;

/**
 * A cluster as a value of an {@link ExtensionContext.Store}: JUnit closes it when the context that
 * holds it ends, also after a failed or aborted test or {@code @BeforeAll} method. It implements both
 * of JUnit's closing contracts so that teardown does not depend on the
 * {@code junit.jupiter.extensions.store.close.autocloseable.enabled} setting; JUnit closes it once.
 */
@SuppressWarnings("deprecation")
record StoredCluster(Cluster cluster) implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
        cluster.close();
    }
}
