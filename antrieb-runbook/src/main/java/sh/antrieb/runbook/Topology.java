package sh.antrieb.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import sh.antrieb.ClusterSpec;
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
        return nodes.stream().mapToInt(NodeSpec::count).sum();
    }

    /** Node names in order: {@code node1}, {@code node2}, ... */
    public List<String> nodeNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodeCount(); i++) {
            names.add("node" + i);
        }
        return names;
    }

    /** The image of each node, {@code node1} first. */
    public List<String> nodeImages() {
        List<String> images = new ArrayList<>();
        for (NodeSpec group : nodes) {
            for (int i = 0; i < group.count(); i++) {
                images.add(group.image());
            }
        }
        return images;
    }

    /** Whether the topology declares networks (rather than using the default network). */
    public boolean declaresNetworks() {
        return !networks.isEmpty();
    }

    /**
     * The spec to provision this topology with.
     *
     * <p>Declared networks are part of the scenario (a router runbook on the default network cannot
     * work), and this build's {@link ClusterSpec} has no way to express them; rather than provision a
     * cluster that silently lacks them, a topology with networks is refused here. This is the one place
     * that changes when {@code ClusterSpec.Builder} learns networks.
     *
     * @throws RunbookException when the topology declares networks
     */
    public ClusterSpec toClusterSpec() {
        if (declaresNetworks()) {
            throw new RunbookException("the topology declares networks ("
                    + networks.stream().map(Network::name).collect(Collectors.joining(", "))
                    + "), which this build's ClusterSpec cannot provision yet; provision a cluster with those networks "
                    + "and NICs yourself and call runOn(cluster)");
        }
        ClusterSpec.Builder b = ClusterSpec.builder();
        nodes.forEach(b::node);
        return b.build();
    }
}
