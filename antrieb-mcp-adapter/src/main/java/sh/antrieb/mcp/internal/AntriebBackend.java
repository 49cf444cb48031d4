package sh.antrieb.mcp.internal;

import java.util.List;

import sh.antrieb.Antrieb;
import sh.antrieb.Catalog;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.HostCapacity;
import sh.antrieb.ProvisionOptions;

/**
 * The part of an {@link Antrieb} client that the MCP tools and the dashboard call, asked on behalf of an
 * account's namespace: the host's images, provisioning, and the namespace's catalog. Backed by a real client
 * ({@link #of}), or by a stand-in in tests that boot no VMs.
 */
public interface AntriebBackend {
    /** The images this host can boot. */
    List<String> images();

    /**
     * Provisions a cluster on behalf of {@code namespace} (an account's): its saved names resolve there, and
     * names in other namespaces are refused; see {@link Antrieb#provision(ClusterSpec, ProvisionOptions)}.
     */
    Cluster provision(ClusterSpec spec, String namespace);

    /** The catalog of {@code namespace} (an account's): its saved artifacts and the built-in {@code antrieb/*} ones. */
    Catalog catalog(String namespace);

    /**
     * The capacity of the libvirt host(s) clusters are made on, and this backend's use and limits of each, for the
     * operator's dashboard page; see {@link Antrieb#capacity()}.
     *
     * @throws sh.antrieb.AntriebException when a host cannot be asked (its connection lost)
     */
    List<HostCapacity> hosts();

    /** The backend that is {@code antrieb} itself. */
    static AntriebBackend of(Antrieb antrieb) {
        return new AntriebBackend() {
            @Override
            public List<String> images() {
                return antrieb.images();
            }

            @Override
            public Cluster provision(ClusterSpec spec, String namespace) {
                return antrieb.provision(spec, ProvisionOptions.namespace(namespace));
            }

            @Override
            public Catalog catalog(String namespace) {
                return antrieb.catalog(namespace);
            }

            @Override
            public List<HostCapacity> hosts() {
                return List.of(antrieb.capacity());
            }
        };
    }
}
