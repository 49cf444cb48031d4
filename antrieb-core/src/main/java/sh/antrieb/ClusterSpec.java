package sh.antrieb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to provision: node groups in order (named {@code node1..nodeN} in that order), and optional
 * per-cluster settings. Immutable; {@link #newBuilder()} makes a variant.
 *
 * <pre>{@code
 * ClusterSpec.of("debian12 x3")
 * ClusterSpec.builder().nodes("debian12", "my-nginx x2").ttl(Duration.ofMinutes(5)).vmSize(VmSize.of(1, 768)).build()
 * }</pre>
 */
public final class ClusterSpec {
    private final List<NodeSpec> nodes;
    private final Duration ttl;
    private final VmSize vmSize;

    private ClusterSpec(Builder b) {
        this.nodes = List.copyOf(b.nodes);
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
        return "ClusterSpec" + nodes + (ttl == null ? "" : " ttl=" + ttl) + (vmSize == null ? "" : " " + vmSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSpec other && nodes.equals(other.nodes) && Objects.equals(ttl, other.ttl)
                && Objects.equals(vmSize, other.vmSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(nodes, ttl, vmSize);
    }

    /** Builds a {@link ClusterSpec}. */
    public static final class Builder {
        private final List<NodeSpec> nodes = new ArrayList<>();
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
            return new ClusterSpec(this);
        }
    }
}
