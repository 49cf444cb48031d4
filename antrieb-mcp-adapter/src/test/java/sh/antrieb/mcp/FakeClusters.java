package sh.antrieb.mcp;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import sh.antrieb.Catalog;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.ImageAliases;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.internal.catalog.CatalogService;
import sh.antrieb.internal.catalog.OfflineCatalogs;
import sh.antrieb.mcp.internal.AntriebBackend;

/**
 * An {@link AntriebBackend} whose clusters are objects, not VMs: exec echoes the command and the secret env
 * names it got, so the MCP layer can be tested without a hypervisor. Saved names are resolved in the
 * caller's namespace by core's own rules ({@link CatalogService#resolveIn}, over an empty catalog), as
 * {@code Antrieb.provision(spec, ProvisionOptions.namespace(...))} resolves them before anything boots.
 */
final class FakeClusters implements AntriebBackend {
    final Map<String, FakeCluster> made = new ConcurrentHashMap<>();
    /** The namespace each cluster was provisioned on behalf of, by id. */
    final Map<String, String> namespaces = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CatalogService catalog = OfflineCatalogs.over(
            Path.of(System.getProperty("java.io.tmpdir"), "antrieb-fake-clusters-no-catalog"), "server");

    @Override
    public List<String> images() {
        return List.of("debian12");
    }

    /** What the operator of a real server sets with --image-alias; one alias, for the tests of reporting it. */
    static final ImageAliases ALIASES = ImageAliases.NONE.with("ubuntu22.04", "debian12");

    /** The namespace of every catalog asked for, in order (what search, save and delete act in). */
    final List<String> catalogNamespaces = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The host images and built-in runbooks, read-only: there is nothing saved behind these fakes. */
    @Override
    public Catalog catalog(String namespace) {
        catalogNamespaces.add(namespace);
        return new BuiltinCatalog(namespace, this::images);
    }

    /** The one host these fakes stand for: fixed figures, with the clusters still open. */
    static final java.net.URI HOST = java.net.URI.create("qemu+ssh://kvm-7.example/system");

    /** When set, {@link #hosts()} fails as a lost libvirt connection does, with this message. */
    volatile String hostsFailure;

    @Override
    public List<sh.antrieb.HostCapacity> hosts() {
        if (hostsFailure != null) {
            throw new sh.antrieb.HostUnavailableException(hostsFailure, null);
        }
        List<FakeCluster> open = made.values().stream().filter(FakeCluster::isOpen).toList();
        int nodes = open.stream().mapToInt(c -> c.nodes().size()).sum();
        return List.of(new sh.antrieb.HostCapacity(HOST, sh.antrieb.Accelerator.KVM, 24, 64L << 30, 40L << 30, nodes + 1,
                4 * nodes + 2, (2L << 30) * nodes + (1L << 30), 500L << 30, 120L << 30, 380L << 30, open.size(), nodes, 6, 4,
                java.time.Duration.ofMinutes(10), sh.antrieb.VmSize.DEFAULT));
    }

    @Override
    public Cluster provision(ClusterSpec requested, String namespace) {
        Map<String, String> aliased = new java.util.LinkedHashMap<>();
        ClusterSpec spec = catalog.resolveIn(namespace, ALIASES.apply(requested, aliased));
        for (String image : spec.nodeImages()) {
            if (!image.equals("debian12") && !image.equals("antrieb:debian12:v1")) {
                // what the tools choose on is the code; the text is this fake's own, not a copy of core's
                throw new InvalidSpecException(ErrorCode.UNKNOWN_IMAGE, "the fake clusters have no image '" + image + "', only debian12");
            }
        }
        FakeCluster c = new FakeCluster(String.format("fake%04d", ids.incrementAndGet()), spec, aliased);
        made.put(c.id(), c);
        namespaces.put(c.id(), namespace);
        return c;
    }

    /** A cluster in memory; expires at its TTL like a real one. */
    static final class FakeCluster extends sh.antrieb.FakeCluster {
        volatile Map<String, String> lastSecretEnv = Map.of();
        private final Map<String, String> aliased;

        FakeCluster(String id, ClusterSpec spec, Map<String, String> aliased) {
            super(id, spec);
            this.aliased = Map.copyOf(aliased);
        }

        @Override
        public Map<String, String> imageAliases() {
            return aliased;
        }

        @Override
        protected ExecResult run(String node, String command, ExecOptions options) {
            lastSecretEnv = options.secretEnv();
            if (command.equals("unreachable")) {
                return result(node, command, -1, "", "[antrieb: " + node
                        + " is not reachable over its control connection; if it is rebooting, retry in a few seconds]\n");
            }
            if (command.startsWith("sleep ")) {
                try {
                    Thread.sleep(Long.parseLong(command.substring(6).strip()) * 1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return result(node, command, command.equals("false") ? 1 : 0, "ran on " + node + ": " + command + "\n", "");
        }

        /** Concurrently, as a real cluster runs them: a {@code sleep} must not hold up other calls. */
        @Override
        public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
            return CompletableFuture.supplyAsync(() -> exec(node, command, options));
        }
    }
}
