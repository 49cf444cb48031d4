package sh.antrieb.mcp.internal;

import java.util.List;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;

/** Where the tools get clusters from: an {@link Antrieb} client, or a stand-in in tests that boot no VMs. */
public interface ClusterSource {
    /** The images this host can boot. */
    List<String> images();

    /** Provisions a cluster; see {@link Antrieb#provision(ClusterSpec)}. */
    Cluster provision(ClusterSpec spec);

    /** The source backed by {@code antrieb}. */
    static ClusterSource of(Antrieb antrieb) {
        return new ClusterSource() {
            @Override
            public List<String> images() {
                return antrieb.images();
            }

            @Override
            public Cluster provision(ClusterSpec spec) {
                return antrieb.provision(spec);
            }
        };
    }
}
