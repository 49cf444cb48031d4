package sh.antrieb.junit;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;

/**
 * Where the extension gets clusters from: the shared {@link sh.antrieb.Antrieb} client in normal runs.
 * Package-private on purpose: the extension's own tests substitute an in-memory source (named by the
 * configuration parameter {@value SharedClient#SOURCE_PARAMETER}) to test the lifecycle without VMs; no
 * class outside this package can implement it.
 */
interface ClusterSource extends AutoCloseable {

    /** Provisions a cluster; may block while the host's concurrency cap is reached. */
    Cluster provision(ClusterSpec spec);

    /** Releases the source and destroys every cluster it still holds. */
    @Override
    void close();
}
