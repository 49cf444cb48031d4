package sh.antrieb.junit;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionContext;

import sh.antrieb.Cluster;

/**
 * The clusters the extension made for one extension context (a class or a test method), in the order
 * they were made: what a failure report covers. Closing is not its job: each cluster sits in the same
 * context's store as its own {@link StoredCluster}, which JUnit closes when the context ends.
 */
final class ScopedClusters {
    private final List<Entry> entries = new ArrayList<>();

    /** One cluster and what it was injected into, e.g. {@code field FooTest.cluster}. */
    record Entry(String target, Cluster cluster) {
    }

    /** The clusters of {@code context} itself (not of its parents), creating the list on first use. */
    static ScopedClusters of(ExtensionContext context) {
        // The key carries the context's id because store look-ups also search parent stores.
        return context.getStore(AntriebExtension.NAMESPACE)
                .getOrComputeIfAbsent(key(context), k -> new ScopedClusters(), ScopedClusters.class);
    }

    /** The clusters of {@code context} itself, or {@code null} when the extension made none there. */
    static ScopedClusters find(ExtensionContext context) {
        return context.getStore(AntriebExtension.NAMESPACE).get(key(context), ScopedClusters.class);
    }

    private static String key(ExtensionContext context) {
        return ScopedClusters.class.getName() + ":" + context.getUniqueId();
    }

    synchronized void add(String target, Cluster cluster) {
        entries.add(new Entry(target, cluster));
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }
}
