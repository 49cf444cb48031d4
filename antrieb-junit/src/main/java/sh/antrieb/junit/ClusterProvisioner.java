package sh.antrieb.junit;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;

/**
 * What provisions the extension's clusters and destroys those left over when the test run ends: the
 * shared {@link sh.antrieb.Antrieb} client in normal runs. Package-private on purpose: the extension's own
 * tests substitute an in-memory provisioner (named by the configuration parameter
 * {@value SharedClient#PROVISIONER_PARAMETER}) to test the lifecycle without VMs; no class outside this
 * package can implement it.
 */
interface ClusterProvisioner extends AutoCloseable {

    /** Provisions a cluster; may block while the host's concurrency cap is reached. */
    Cluster provision(ClusterSpec spec);

    /** Releases the provisioner and destroys every cluster it still holds. */
    @Override
    void close();
}
