package sh.antrieb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to provision: node groups in order (named {@code node1..nodeN} in that order), the networks
 * and each node's NICs, and optional per-cluster settings. Immutable; {@link #newBuilder()} makes a variant.
 *
 * <p>Without networks a cluster gets one network called {@code default}: a /24 with DHCP and egress
 * through the port allowlist, one NIC per node. With declared networks every node lists its NICs in
 * order; the list becomes {@code eth0}, {@code eth1}, ... inside the guest.
 *
 * <pre>{@code
 * ClusterSpec.of("debian12 x3")
 * ClusterSpec.builder().nodes("debian12", "my-nginx x2").ttl(Duration.ofMinutes(5)).vmSize(VmSize.of(1, 768)).build()
 * ClusterSpec.builder()
 *     .nodes("debian12 x3")
 *     .network(NetworkSpec.named("wan"))
 *     .network(NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false))
 *     .nics("node1", "wan", "lan")                // node1: eth0 on wan, eth1 on lan
 *     .nics("node2", "lan")
 *     .nics("node3", "lan")
 *     .build();
 * }</pre>
 */
public final class ClusterSpec {
    /** The most NICs one node may have on declared networks (its control NIC not counted). */
    public static final int MAX_NICS_PER_NODE = 8;
    private static final Pattern NODE_NAME = Pattern.compile("node([1-9][0-9]{0,3})");

    private final List<NodeSpec> nodes;
    private final List<NetworkSpec> networks;
    private final Map<String, List<String>> nics;
    private final Duration ttl;
    private final VmSize vmSize;

    private ClusterSpec(Builder b) {
        this.nodes = List.copyOf(b.nodes);
        this.networks = List.copyOf(b.networks);
        Map<String, List<String>> n = new LinkedHashMap<>();
        b.nics.forEach((k, v) -> n.put(k, List.copyOf(v)));
        this.nics = java.util.Collections.unmodifiableMap(n);
        this.ttl = b.ttl;
        this.vmSize = b.vmSize;
    }

    /** A spec from shorthand strings, e.g. {@code of("debian12 x3")} or {@code of("a", "b x2")}. */
    public static ClusterSpec of(String... shorthand) {
        return builder().nodes(shorthand).build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this spec's values. */
    public Builder newBuilder() {
        Builder b = new Builder();
        b.nodes.addAll(nodes);
        b.networks.addAll(networks);
        b.nics.putAll(nics);
        b.ttl = ttl;
        b.vmSize = vmSize;
        return b;
    }

    /** The node groups in order. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** Total number of nodes. */
    public int nodeCount() {
        return nodes.stream().mapToInt(NodeSpec::count).sum();
    }

    /** Number of controller nodes. */
    public int controllerCount() {
        return nodes.stream().filter(NodeSpec::controller).mapToInt(NodeSpec::count).sum();
    }

    /**
     * Checks the node count against a limit of {@code maxNodes} per cluster plus one controller node: the one
     * place that rule is written. Throws a {@link LimitExceededException} (code {@link ErrorCode#LIMIT_EXCEEDED})
     * whose subject is the field {@code controllers} (more than one controller) or {@code nodes} (too many
     * nodes), so that a caller can say it in its own words.
     */
    public void checkNodeLimit(int maxNodes) {
        int controllers = controllerCount();
        if (controllers > 1) {
            throw new LimitExceededException(ErrorCode.LIMIT_EXCEEDED, AntriebException.Subject.field("controllers"),
                    "a cluster may have one controller node, the spec has " + controllers);
        }
        if (nodeCount() > maxNodes + controllers) {
            throw new LimitExceededException(ErrorCode.LIMIT_EXCEEDED, AntriebException.Subject.field("nodes"),
                    "too many nodes: " + nodeCount() + " requested, at most " + maxNodes
                    + " per cluster, plus one controller node (an image ending in -controller, or NodeSpec.controller(...)). "
                    + "Split the work across clusters or drop nodes.");
        }
    }

    /** The image of each node, in node order ({@code node1} first). */
    public List<String> nodeImages() {
        List<String> images = new ArrayList<>();
        for (NodeSpec group : nodes) {
            for (int i = 0; i < group.count(); i++) {
                images.add(group.image());
            }
        }
        return images;
    }

    /** The node names in order, as a cluster names its nodes: {@code node1}, {@code node2}, ... {@code nodeN}. */
    public List<String> nodeNames() {
        return nodeNames(nodeCount());
    }

    private static List<String> nodeNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            names.add("node" + i);
        }
        return names;
    }

    /** The declared networks in order; empty for the default network. */
    public List<NetworkSpec> networks() {
        return networks;
    }

    /** Node name to the names of the networks of its NICs, in NIC order; empty for the default network. */
    public Map<String, List<String>> nics() {
        return nics;
    }

    /** Whether this spec declares its networks (rather than using the default network). */
    public boolean declaresNetworks() {
        return !networks.isEmpty();
    }

    /** This spec with {@code networks} in place of its own (e.g. references resolved); nics unchanged. */
    public ClusterSpec withNetworks(List<NetworkSpec> networks) {
        Builder b = newBuilder();
        b.networks.clear();
        b.networks.addAll(networks);
        return b.build();
    }

    /** This spec with {@code nodes} in place of its node groups (e.g. image names resolved); networks and nics unchanged. */
    public ClusterSpec withNodes(List<NodeSpec> nodes) {
        Builder b = newBuilder();
        b.nodes.clear();
        nodes.forEach(b::node);
        return b.build();
    }

    /** The requested TTL, or empty for the client's default. */
    public Optional<Duration> ttl() {
        return Optional.ofNullable(ttl);
    }

    /** The requested VM size, or empty for the client's default. */
    public Optional<VmSize> vmSize() {
        return Optional.ofNullable(vmSize);
    }

    @Override
    public String toString() {
        return "ClusterSpec" + nodes + (networks.isEmpty() ? "" : " networks=" + networks + " nics=" + nics) + (ttl == null ? "" : " ttl=" + ttl) + (vmSize == null ? "" : " " + vmSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSpec other && nodes.equals(other.nodes) && networks.equals(other.networks)
                && nics.equals(other.nics) && Objects.equals(ttl, other.ttl)
                && Objects.equals(vmSize, other.vmSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes, networks, nics, ttl, vmSize);
    }

    /** Builds a {@link ClusterSpec}. */
    public static final class Builder {
        private final List<NodeSpec> nodes = new ArrayList<>();
        private final List<NetworkSpec> networks = new ArrayList<>();
        private final Map<String, List<String>> nics = new LinkedHashMap<>();
        private Duration ttl;
        private VmSize vmSize;

        private Builder() {
        }

        /** Adds node groups in shorthand, e.g. {@code "debian12 x3"}. */
        public Builder nodes(String... shorthand) {
            Arrays.stream(shorthand).map(NodeSpec::parse).forEach(nodes::add);
            return this;
        }

        /** Adds a node group. */
        public Builder node(NodeSpec group) {
            nodes.add(Objects.requireNonNull(group, "group"));
            return this;
        }

        /** Declares a network; see {@link NetworkSpec}. */
        public Builder network(NetworkSpec network) {
            networks.add(Objects.requireNonNull(network, "network"));
            return this;
        }

        /** Declares a network in shorthand, e.g. {@code "lan cidr=10.10.1.0/24 egress=false dhcp=false"} or {@code "@team/lan"}. */
        public Builder network(String shorthand) {
            return network(NetworkSpec.parse(shorthand));
        }

        /** The NICs of {@code node} ({@code node1}, ...), by network name, in order: eth0, eth1, ... */
        public Builder nics(String node, String... networkNames) {
            Objects.requireNonNull(node, "node");
            if (nics.containsKey(node)) {
                throw new InvalidSpecException("nics for " + node + " given twice: list all its networks in one call");
            }
            nics.put(node, List.of(networkNames));
            return this;
        }

        /** The NICs of {@code node} in order. */
        public Builder nics(String node, List<String> networkNames) {
            return nics(node, networkNames.toArray(String[]::new));
        }

        /** Sets the time to live; the cluster is destroyed when it passes. */
        public Builder ttl(Duration ttl) {
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new InvalidSpecException("ttl must be positive, was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** Sets the size of every VM. */
        public Builder vmSize(VmSize vmSize) {
            this.vmSize = vmSize;
            return this;
        }

        /** The spec; at least one node is required. */
        public ClusterSpec build() {
            if (nodes.isEmpty()) {
                throw new InvalidSpecException("a cluster needs at least one node, e.g. ClusterSpec.of(\"debian12\")");
            }
            checkTopology();
            return new ClusterSpec(this);
        }
    
        private void checkTopology() {
            if (networks.isEmpty()) {
                if (!nics.isEmpty()) {
                    throw new InvalidSpecException(ErrorCode.INCOMPLETE_SPEC, AntriebException.Subject.field("networks"),
                            "nics given for " + nics.keySet() + " but no networks declared: declare them "
                            + "with .network(NetworkSpec.named(\"lan\")), or drop nics to use the default network");
                }
                return;
            }
            Set<String> names = new HashSet<>();
            for (NetworkSpec n : networks) {
                if (!names.add(n.name())) {
                    throw new InvalidSpecException(ErrorCode.INVALID_SPEC, AntriebException.Subject.network(n.name()),
                            "network '" + n.name() + "' declared twice: network names must be unique in a cluster");
                }
            }
            int nodeCount = nodes.stream().mapToInt(NodeSpec::count).sum();
            for (Map.Entry<String, List<String>> e : nics.entrySet()) {
                Matcher m = NODE_NAME.matcher(e.getKey());
                if (!m.matches() || Integer.parseInt(m.group(1)) > nodeCount) {
                    throw new InvalidSpecException(ErrorCode.INVALID_SPEC, new AntriebException.Subject(e.getKey(), null, "nics"),
                            "nics for unknown node '" + e.getKey() + "': the cluster has node1"
                            + (nodeCount > 1 ? "..node" + nodeCount : ""));
                }
                if (e.getValue().isEmpty()) {
                    throw new InvalidSpecException(ErrorCode.INVALID_SPEC, new AntriebException.Subject(e.getKey(), null, "nics"),
                            e.getKey() + " has an empty NIC list: give it at least one network of "
                            + names);
                }
                if (e.getValue().size() > MAX_NICS_PER_NODE) {
                    throw new InvalidSpecException(ErrorCode.INVALID_SPEC, new AntriebException.Subject(e.getKey(), null, "nics"),
                            e.getKey() + " has " + e.getValue().size() + " NICs, at most "
                            + MAX_NICS_PER_NODE + " are supported");
                }
                for (String net : e.getValue()) {
                    if (!names.contains(net)) {
                        throw new InvalidSpecException(ErrorCode.INVALID_SPEC, new AntriebException.Subject(e.getKey(), net, "nics"),
                                "nics of " + e.getKey() + " name unknown network '" + net
                                + "': the declared networks are " + names);
                    }
                }
            }
            for (String node : nodeNames(nodeCount)) {
                if (!nics.containsKey(node)) {
                    throw new InvalidSpecException(ErrorCode.INCOMPLETE_SPEC, new AntriebException.Subject(node, null, "nics"),
                            node + " has no NICs: with declared networks every node lists its "
                            + "networks, e.g. .nics(\"" + node + "\", \"" + networks.get(0).name() + "\")");
                }
            }
        }
    }
}
