package sh.antrieb.mcp;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import sh.antrieb.Accelerator;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NoSuchNodeException;
import sh.antrieb.Node;
import sh.antrieb.mcp.internal.ClusterSource;

/**
 * A {@link ClusterSource} whose clusters are objects, not VMs: exec echoes the command and the secret env
 * names it got, so the MCP layer can be tested without a hypervisor.
 */
final class FakeClusters implements ClusterSource {
    final Map<String, FakeCluster> made = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public List<String> images() {
        return List.of("debian12");
    }

    @Override
    public Cluster provision(ClusterSpec spec) {
        for (String image : spec.nodeImages()) {
            if (!image.equals("debian12") && !image.equals("antrieb:debian12:v1")) {
                throw new InvalidSpecException("unknown image '" + image + "': this host has [debian12]. Other distributions can be imported as images on hosts that have them.");
            }
        }
        FakeCluster c = new FakeCluster(String.format("fake%04d", ids.incrementAndGet()), spec);
        made.put(c.id(), c);
        return c;
    }

    /** A cluster in memory; expires at its TTL like a real one. */
    static final class FakeCluster implements Cluster {
        private final String id;
        private final ClusterSpec spec;
        private final List<Node> nodes = new ArrayList<>();
        private final Instant createdAt = Instant.now();
        private final Instant expiresAt;
        private final List<ExecResult> history = Collections.synchronizedList(new ArrayList<>());
        volatile boolean closed;
        volatile Map<String, String> lastSecretEnv = Map.of();

        FakeCluster(String id, ClusterSpec spec) {
            this.id = id;
            this.spec = spec;
            this.expiresAt = createdAt.plus(spec.ttl().orElse(Duration.ofMinutes(10)));
            List<String> images = spec.nodeImages();
            for (int i = 0; i < images.size(); i++) {
                String name = "node" + (i + 1);
                if (!spec.declaresNetworks()) {
                    nodes.add(new Node(name, i + 1, images.get(i), "10.99.0." + (10 + i)));
                    continue;
                }
                // Like core: an address on each DHCP network (10.99.<network index>.<10 + node index>), else the control address.
                Map<String, String> addresses = new java.util.LinkedHashMap<>();
                for (String net : spec.nics().get(name)) {
                    for (int k = 0; k < spec.networks().size(); k++) {
                        if (spec.networks().get(k).name().equals(net) && spec.networks().get(k).dhcp()) {
                            addresses.put(net, "10.99." + (k + 1) + "." + (10 + i));
                        }
                    }
                }
                String ip = addresses.isEmpty() ? "100.64.0." + (10 + i) : addresses.values().iterator().next();
                nodes.add(new Node(name, i + 1, images.get(i), ip, addresses));
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
            if (!isOpen()) {
                throw new ClusterExpiredException(id, closed ? "was closed" : "expired at its TTL (" + expiresAt + ")");
            }
            node(node);
            lastSecretEnv = options.secretEnv();
            if (command.equals("unreachable")) {
                return new ExecResult(node, command, -1, "", "[antrieb: " + node + " is not reachable over its control connection; if it is rebooting, retry in a few seconds]\n",
                        Instant.now(), Duration.ofMillis(3), false);
            }
            if (command.startsWith("sleep ")) {
                try {
                    Thread.sleep(Long.parseLong(command.substring(6).strip()) * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ExecResult r = new ExecResult(node, command, command.equals("false") ? 1 : 0, "ran on " + node + ": " + command + "\n",
                    "", Instant.now(), Duration.ofMillis(5), false);
            history.add(r);
            return r;
        }

        @Override
        public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
            return CompletableFuture.supplyAsync(() -> exec(node, command, options));
        }

        @Override
        public List<ExecResult> history() {
            return List.copyOf(history);
        }

        @Override
        public String consoleTail(String node, int lines) {
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
        public void close() {
            closed = true;
        }
    }
}
