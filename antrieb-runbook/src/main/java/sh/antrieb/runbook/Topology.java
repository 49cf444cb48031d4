package sh.antrieb.runbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;

/**
 * The cluster shape a runbook needs, from its {@code ## Topology required} section: node groups in
 * order (named {@code node1..nodeN} in that order, as {@code provision} names them), and optionally
 * declared networks and each node's NICs.
 *
 * @param nodes    node groups in order, at least one
 * @param networks declared networks in order; empty for the default network
 * @param nics     node name to its networks in NIC order ({@code eth0} first); empty for the default network
 */
public record Topology(List<NodeSpec> nodes, List<Network> networks, Map<String, List<String>> nics) {

    /**
     * A declared network: its own L2 segment and /24.
     *
     * @param name   the name NICs refer to, e.g. {@code lan}
     * @param cidr   the /24 to use, e.g. {@code 10.10.1.0/24}, or {@code null} to let the platform allocate one
     * @param egress whether the outside is reachable (through the port allowlist), or {@code null} for the
     *               platform's default
     * @param dhcp   whether the platform assigns addresses (gateway {@code .1}); when false the VMs own the addressing
     */
    public record Network(String name, String cidr, Boolean egress, boolean dhcp) {
        /** Validates the name. */
        public Network {
            Objects.requireNonNull(name, "name");
        }

        /**
         * Core's spec of this network; egress left open means core's default (on).
         *
         * @throws RunbookException when the cidr is not a /24 (e.g. a placeholder still without a value)
         */
        public NetworkSpec toNetworkSpec() {
            try {
                NetworkSpec spec = NetworkSpec.named(name).dhcp(dhcp);
                if (egress != null) {
                    spec = spec.egress(egress);
                }
                return cidr == null ? spec : spec.cidr(cidr);
            } catch (InvalidSpecException e) {
                throw new RunbookException("network '" + name + "': " + e.getMessage()
                        + (cidr != null && cidr.contains("<") ? "; supply the variable with withVariables(...)" : ""), e);
            }
        }
    }

    /** Copies the lists and map, keeping their order. */
    public Topology {
        nodes = List.copyOf(nodes);
        networks = List.copyOf(networks);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        nics.forEach((node, nets) -> copy.put(node, List.copyOf(nets)));
        nics = java.util.Collections.unmodifiableMap(copy);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a topology needs at least one node");
        }
    }

    /** The topology of {@code spec}: its node groups, on the default network. */
    public static Topology of(ClusterSpec spec) {
        return new Topology(spec.nodes(), List.of(), Map.of());
    }

    /** Number of nodes. */
    public int nodeCount() {
        return nodesOnly().nodeCount();
    }

    /** Node names in order, as a cluster of this topology names them: {@code node1}, {@code node2}, ... */
    public List<String> nodeNames() {
        return nodesOnly().nodeNames();
    }

    /** The image of each node, {@code node1} first. */
    public List<String> nodeImages() {
        return nodesOnly().nodeImages();
    }

    /** Core's view of the node groups: core expands groups into named nodes, in one place. */
    private ClusterSpec nodesOnly() {
        return nodeGroups().build();
    }

    private ClusterSpec.Builder nodeGroups() {
        ClusterSpec.Builder b = ClusterSpec.builder();
        nodes.forEach(b::node);
        return b;
    }

    /** Whether the topology declares networks (rather than using the default network). */
    public boolean declaresNetworks() {
        return !networks.isEmpty();
    }

    /**
     * The spec to provision this topology with: its node groups and, when it declares them, its networks
     * (as {@link NetworkSpec}s) and every node's NICs in order.
     *
     * @throws RunbookException when a network's cidr still holds a placeholder without a value, or core
     *                          refuses the spec
     */
    public ClusterSpec toClusterSpec() {
        ClusterSpec.Builder b = nodeGroups();
        for (Network n : networks) {
            b.network(n.toNetworkSpec());
        }
        nics.forEach(b::nics);
        try {
            return b.build();
        } catch (InvalidSpecException e) {
            throw new RunbookException("the topology cannot be provisioned: " + e.getMessage(), e);
        }
    }
}
