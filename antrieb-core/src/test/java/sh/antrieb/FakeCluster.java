package sh.antrieb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Cluster} made of plain objects, for unit tests of the modules above core (JUnit extension,
 * runbooks, MCP server) that boot no VMs. Shared through core's test-jar. Nodes come from the spec like
 * core names them ({@code node1..N}); with declared networks each node gets an address on each DHCP
 * network it has a NIC on ({@code 10.99.<network>.<10 + i>}), else a control address, as core does.
 * Subclasses decide what a command does ({@link #run}); the rest (history, TTL, close, unknown nodes,
 * closed or expired clusters) behaves like a real cluster.
 */
public class FakeCluster implements Cluster {
    private final String id;
    private final ClusterSpec spec;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ExecResult> history = Collections.synchronizedList(new ArrayList<>());
    private final Instant createdAt = Instant.now();
    private final Instant expiresAt;
    private volatile boolean closed;
    private final FakeFaults faults = new FakeFaults(this);

    @Override
    public java.net.URI host() {
        return java.net.URI.create("test:///default");
    }

    /** Every command succeeds with {@code "ran on <node>: <command>"}. */
    public FakeCluster(String id, ClusterSpec spec) {
        this.id = id;
        this.spec = spec;
        this.expiresAt = createdAt.plus(spec.ttl().orElse(Duration.ofMinutes(10)));
        List<String> images = spec.nodeImages();
        for (int i = 0; i < images.size(); i++) {
            String name = "node" + (i + 1);
            Map<String, String> addresses = new LinkedHashMap<>();
            if (!spec.declaresNetworks()) {
                addresses.put("default", "10.99.0." + (10 + i));
            } else {
                for (String net : spec.nics().get(name)) {
                    for (int k = 0; k < spec.networks().size(); k++) {
                        if (spec.networks().get(k).name().equals(net) && spec.networks().get(k).dhcp()) {
                            addresses.put(net, "10.99." + (k + 1) + "." + (10 + i));
                        }
                    }
                }
            }
            String ip = addresses.isEmpty() ? "100.64.0." + (10 + i) : addresses.values().iterator().next();
            nodes.add(new Node(name, i + 1, images.get(i), ip, addresses));
        }
    }

    /** What {@code command} on {@code node} gives; called for a known node of an open cluster. */
    protected ExecResult run(String node, String command, ExecOptions options) {
        return result(node, command, 0, "ran on " + node + ": " + command + "\n", "");
    }

    /** Called once, by the first {@link #close()}. */
    protected void onClose() {
    }

    /** A finished command. */
    public static ExecResult result(String node, String command, int exitCode, String stdout, String stderr) {
        return new ExecResult(node, command, exitCode, stdout, stderr, Instant.now(), Duration.ofMillis(5), false);
    }

    @Override
    public Faults faults() {
        return faults;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchNodeException(id, name, nodes.stream().map(Node::name).toList()));
    }

    @Override
    public ExecResult exec(String node, String command, ExecOptions options) {
        if (!isOpen()) {
            throw new ClusterExpiredException(id, closed ? "was closed" : "expired at its TTL (" + expiresAt + ")");
        }
        node(node);
        ExecResult r = run(node, command, options);
        history.add(r);
        return r;
    }

    /** Runs synchronously, so that the order of commands stays deterministic for assertions. */
    @Override
    public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
        try {
            return CompletableFuture.completedFuture(exec(node, command, options));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<ExecResult> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    @Override
    public String consoleTail(String node, int lines) {
        node(node);
        return "";
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public Accelerator accelerator() {
        return Accelerator.TCG;
    }

    @Override
    public Duration provisionTime() {
        return Duration.ofMillis(42);
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public boolean isOpen() {
        return !closed && Instant.now().isBefore(expiresAt);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            onClose();
        }
    }
}
