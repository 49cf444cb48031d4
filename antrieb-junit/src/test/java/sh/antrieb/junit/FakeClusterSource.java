package sh.antrieb.junit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import sh.antrieb.Accelerator;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Node;
import sh.antrieb.NoSuchNodeException;

/**
 * An in-memory cluster source for testing the extension's lifecycle without VMs: clusters are plain
 * objects whose commands "succeed" unless they start with {@code fail}. Records what happened in
 * {@link #EVENTS}; reset with {@link #reset()} before each engine run.
 */
final class FakeClusterSource implements ClusterSource {
    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
    static final Map<String, FakeCluster> CLUSTERS = new ConcurrentHashMap<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final AtomicInteger MAX_OPEN = new AtomicInteger();

    static void reset() {
        EVENTS.clear();
        COUNTER.set(0);
        CLUSTERS.clear();
        OPEN.set(0);
        MAX_OPEN.set(0);
    }

    /** The most clusters that were open at the same time. */
    static int maxOpen() {
        return MAX_OPEN.get();
    }

    static List<String> events() {
        synchronized (EVENTS) {
            return List.copyOf(EVENTS);
        }
    }

    /** Every cluster made so far, open or closed. */
    static List<FakeCluster> clusters() {
        return List.copyOf(CLUSTERS.values());
    }

    /** Made by the extension, once per engine run. */
    FakeClusterSource() {
        EVENTS.add("source created");
    }

    @Override
    public Cluster provision(ClusterSpec spec) {
        FakeCluster c = new FakeCluster("fake" + COUNTER.incrementAndGet(), spec);
        CLUSTERS.put(c.id(), c);
        EVENTS.add("provision " + c.id() + " " + spec.nodes());
        MAX_OPEN.accumulateAndGet(OPEN.incrementAndGet(), Math::max);
        return c;
    }

    @Override
    public void close() {
        CLUSTERS.values().forEach(FakeCluster::close);
        EVENTS.add("source closed");
    }

    static final class FakeCluster implements Cluster {
        private final String id;
        private final ClusterSpec spec;
        private final List<Node> nodes = new ArrayList<>();
        private final List<ExecResult> history = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Instant createdAt = Instant.now();

        FakeCluster(String id, ClusterSpec spec) {
            this.id = id;
            this.spec = spec;
            List<String> images = spec.nodeImages();
            for (int i = 0; i < images.size(); i++) {
                nodes.add(new Node("node" + (i + 1), i + 1, images.get(i), "10.0.0." + (10 + i)));
            }
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
            if (closed.get()) {
                throw new ClusterExpiredException(id, "closed");
            }
            node(node);
            boolean fail = command.startsWith("fail");
            ExecResult r = new ExecResult(node, command, fail ? 1 : 0, "ran " + command + " on " + node + "\n",
                    fail ? "boom: " + command + "\n" : "", Instant.now(), Duration.ofMillis(3), false);
            history.add(r);
            return r;
        }

        @Override
        public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
            return CompletableFuture.completedFuture(exec(node, command, options));
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
            return "[  OK  ] Reached target multi-user.target - Multi-User System.\n\nDebian GNU/Linux 12 " + node + " ttyS0\n";
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
            return Duration.ofMillis(1);
        }

        @Override
        public Instant createdAt() {
            return createdAt;
        }

        @Override
        public Instant expiresAt() {
            return createdAt.plus(Duration.ofMinutes(10));
        }

        @Override
        public boolean isOpen() {
            return !closed.get();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                OPEN.decrementAndGet();
                EVENTS.add("close " + id);
            }
        }
    }
}
