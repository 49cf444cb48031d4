package sh.antrieb;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running cluster of VMs, made by {@link Antrieb#provision(ClusterSpec)}. Closing it destroys its VMs,
 * networks and disks; it is also destroyed when its TTL passes, whether or not the JVM that made it is
 * still alive. Thread-safe: several commands may run on one node at once.
 *
 * <p>Every command sees {@code NODE_NAME}, {@code NODE_INDEX}, {@code NODE_IP}, {@code CLUSTER_HOSTS}
 * (lines of {@code IP NAME}), {@code CLUSTER_SSH_PUBKEY} and {@code CLUSTER_SSH_PRIVKEY}, and runs as
 * root in {@code /root}.
 */
public interface Cluster extends AutoCloseable {

    /** The session id of the cluster, unique on its host. */
    String id();

    /**
     * The libvirt URI of the host the cluster runs on (one of the client's {@link Antrieb#hosts()}; the whole
     * cluster is on that one host).
     */
    java.net.URI host();

    /** The nodes, {@code node1} first. */
    List<Node> nodes();

    /**
     * The node called {@code name}.
     *
     * @throws NoSuchNodeException when there is none
     */
    Node node(String name);

    /** Runs {@code command} on {@code node} with the client's default timeout. */
    default ExecResult exec(String node, String command) {
        return exec(node, command, ExecOptions.DEFAULTS);
    }

    /**
     * Runs {@code command} (any POSIX shell script) on {@code node} as root and waits for it.
     *
     * @throws NoSuchNodeException     for an unknown node
     * @throws ClusterExpiredException when the cluster was closed or its TTL passed
     */
    ExecResult exec(String node, String command, ExecOptions options);

    /** {@link #exec(String, String)} without blocking. */
    default CompletableFuture<ExecResult> execAsync(String node, String command) {
        return execAsync(node, command, ExecOptions.DEFAULTS);
    }

    /** {@link #exec(String, String, ExecOptions)} without blocking. */
    CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options);

    /** Every command run so far through this object, in the order they finished (secret values never appear). */
    List<ExecResult> history();

    /** The last {@code lines} lines of the node's serial console (kernel and boot messages). */
    String consoleTail(String node, int lines);

    /**
     * Saves {@code node}'s disk as image {@code name} in the client's namespace; see
     * {@link Catalog#saveImage(Cluster, String, String, List, String)}. The node keeps running.
     *
     * <pre>{@code
     * Image img = cluster.saveImage("node1", "my-nginx", List.of("apt-get install -y nginx"), "nginx with our config");
     * antrieb.provision("my-nginx x2");                      // or img.ani(): antrieb:my-nginx:v1
     * }</pre>
     *
     * @param commands the ordered commands that made the node what it is (they become {@code build-image.sh})
     * @throws UnsupportedOperationException for clusters not made by an {@link Antrieb} client
     */
    default Image saveImage(String node, String name, List<String> commands, String description) {
        throw new UnsupportedOperationException("this cluster (" + getClass().getSimpleName() + ") cannot save images: "
                + "only clusters provisioned by an Antrieb client have disks");
    }

    /**
     * Failure scenarios made at the host: partitions, isolated nodes, bad links, power-off and pause; see
     * {@link Faults}. {@link #close()} removes them with the cluster.
     *
     * <pre>{@code
     * cluster.faults().partition("node1", "node2");
     * cluster.faults().heal();
     * }</pre>
     *
     * @throws UnsupportedOperationException for clusters not made by an {@link Antrieb} client
     */
    default Faults faults() {
        throw new UnsupportedOperationException("this cluster (" + getClass().getSimpleName() + ") cannot inject faults: "
                + "only clusters provisioned by an Antrieb client have host-side networks and VMs");
    }

    /** The spec the cluster was made from. */
    ClusterSpec spec();

    /**
     * Node name to the image name it was asked for, for each node provisioned through an operator's image alias
     * ({@link Antrieb.Builder#imageAlias(String, String)}); {@link Node#image()} is the image it runs. Empty when
     * no alias applied.
     */
    default java.util.Map<String, String> imageAliases() {
        return java.util.Map.of();
    }

    /** The accelerator the nodes run on. */
    Accelerator accelerator();

    /**
     * How long provisioning took, from the call until every node answered SSH. It includes building an image
     * on its first use (a stack image takes minutes) and waiting for a free cluster slot; the log has each
     * part.
     */
    Duration provisionTime();

    /** When the cluster was created. */
    Instant createdAt();

    /** When the cluster is destroyed at the latest. */
    Instant expiresAt();

    /**
     * Whether the cluster is usable: not closed, not expired, and not {@link #isLost() lost}.
     */
    boolean isOpen();

    /**
     * Whether the cluster's host stopped answering: its libvirt connection was lost and could not be re-opened
     * within the client's reconnect timeout ({@link Antrieb.Builder#reconnectTimeout}). Commands fail meanwhile
     * (exit code -1, the reason in stderr); the cluster is usable again if the host answers before its TTL.
     */
    default boolean isLost() {
        return false;
    }

    /** Destroys the cluster's VMs, networks, disks and files. Idempotent. */
    @Override
    void close();
}
