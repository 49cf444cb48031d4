package sh.antrieb;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.internal.catalog.CatalogService;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.Provisioner;
import sh.antrieb.internal.Settings;
import sh.antrieb.internal.SshTransport;
import sh.antrieb.internal.Sweeper;

/**
 * The client: one per process, built once, shared by all threads. Holds the libvirt connection, the
 * SSH client and the image cache; clusters are cheap objects made from it. Closing it destroys every
 * cluster it made.
 *
 * <pre>{@code
 * try (Antrieb antrieb = Antrieb.local();
 *      Cluster cluster = antrieb.provision("debian12 x3")) {
 *     ExecResult r = cluster.exec("node1", "ssh node2 hostname");
 * }
 * }</pre>
 */
public final class Antrieb implements AutoCloseable {
    // The defaults of the settings: the one place they are stated. Builder, Javadoc, the MCP server's --help and
    // the tests read them from here.

    /** The libvirt URI when none is given: this machine's system instance, {@code qemu:///system}. */
    public static final URI DEFAULT_LIBVIRT_URI = URI.create("qemu:///system");
    /** Where built images are cached when no directory is given: {@code /var/cache/antrieb/images}. */
    public static final Path DEFAULT_IMAGE_CACHE = Path.of("/var/cache/antrieb/images");
    /** Where the catalog keeps saved artifacts when no directory is given: {@code /var/lib/antrieb/catalog}. */
    public static final Path DEFAULT_CATALOG_DIR = Path.of("/var/lib/antrieb/catalog");
    /** Clusters one client may hold at once. */
    public static final int DEFAULT_MAX_CONCURRENT_CLUSTERS = 2;
    /** How long {@code provision} waits for a free slot when at the limit: not at all, it fails at once. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ZERO;
    /** TTL of a cluster whose spec names none: 10 minutes. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    /** The longest TTL a spec may ask for: 10 minutes. */
    public static final Duration DEFAULT_MAX_TTL = Duration.ofMinutes(10);
    /** Nodes per cluster, not counting one controller node. */
    public static final int DEFAULT_MAX_NODES = 4;
    /** Timeout of a command that names none: 10 minutes. */
    public static final Duration DEFAULT_EXEC_TIMEOUT = Duration.ofMinutes(10);
    /** Bytes of stdout and of stderr kept per command: 16 MiB. */
    public static final long DEFAULT_OUTPUT_LIMIT = 16L << 20;
    /** How long a node may take to answer SSH with hardware virtualization ({@link Accelerator#KVM}): 2 minutes. */
    public static final Duration DEFAULT_BOOT_TIMEOUT_KVM = Duration.ofMinutes(2);
    /** How long a node may take to answer SSH under software emulation ({@link Accelerator#TCG}): 5 minutes. */
    public static final Duration DEFAULT_BOOT_TIMEOUT_TCG = Duration.ofMinutes(5);
    /**
     * The TCP ports guests on egress networks may reach outside the host: 22, 53, 80, 443 (SSH, DNS, HTTP, HTTPS;
     * package mirrors use HTTP and HTTPS).
     */
    public static final List<Integer> DEFAULT_EGRESS_PORTS = List.of(22, 53, 80, 443);
    /** Whether nodes start from saved, booted warm-start templates. */
    public static final boolean DEFAULT_WARM_START = true;
    /** Bytes of warm-start templates the sweep leaves on the host's disk: 4 GiB. */
    public static final long DEFAULT_TEMPLATE_POOL_BYTES = 4L << 30;
    /** Warm-start templates kept per image (the VM sizes and NIC counts a test suite uses). */
    public static final int DEFAULT_TEMPLATES_PER_IMAGE = 8;
    /** A warm-start template not restored from for this long is deleted: 7 days. */
    public static final Duration DEFAULT_TEMPLATE_UNUSED_FOR = Duration.ofDays(7);

    // The environment variables a client reads when its builder is not told otherwise: the one place they are
    // named. The MCP server's --help lists them from here.

    /** Environment variable naming the libvirt URI when the builder gets none: {@value}. */
    public static final String LIBVIRT_URI_ENV = "ANTRIEB_LIBVIRT_URI";
    /** Environment variable naming the image cache when the builder gets none: {@value}. */
    public static final String IMAGE_CACHE_ENV = "ANTRIEB_IMAGE_CACHE";
    /** Environment variable naming the catalog's directory when the builder gets none: {@value}. */
    public static final String CATALOG_DIR_ENV = "ANTRIEB_CATALOG";
    /** Environment variable naming the client's namespace when the builder gets none: {@value}. */
    public static final String NAMESPACE_ENV = "ANTRIEB_NAMESPACE";
    /** Environment variable turning warm start off when the builder is not told: {@value}; only {@code true} (any case) leaves it on. */
    public static final String WARM_START_ENV = "ANTRIEB_WARM_START";
    /** Environment variable setting the warm-start templates' pool budget in MiB (0: no limit) when the builder gets none: {@value}. */
    public static final String TEMPLATE_POOL_MB_ENV = "ANTRIEB_TEMPLATE_POOL_MB";

    private static final Logger log = LoggerFactory.getLogger(Antrieb.class);
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

    private final Settings settings;
    private final LibvirtHost host;
    private final SshTransport ssh;
    private final ImageStore images;
    private final Accelerator accelerator;
    private final Provisioner provisioner;
    private final CatalogService catalog;
    private final Semaphore slots;
    private final Map<String, LibvirtCluster> clusters = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final ImageAliases imageAliases;
    private volatile boolean closed;

    private Antrieb(Settings settings, Path catalogDir, String namespace, ImageAliases imageAliases) {
        this.settings = settings;
        this.imageAliases = imageAliases;
        this.host = LibvirtHost.connect(settings.uri());
        try {
            this.accelerator = settings.accelerator() != null ? settings.accelerator() : host.detectAccelerator();
            this.ssh = new SshTransport(host.link()); // one SSH session to a remote host: commands and guests alike
            this.images = new ImageStore(settings.imageCache(), host);
            AtomicInteger threads = new AtomicInteger();
            this.executor = Executors.newCachedThreadPool(r -> daemon(r, "antrieb-worker-" + threads.incrementAndGet()));
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "antrieb-reaper"));
            this.provisioner = new Provisioner(host, images, ssh, settings, accelerator, executor);
            this.slots = new Semaphore(settings.maxConcurrentClusters(), true);
            this.catalog = new CatalogService(catalogDir, namespace, host, images, provisioner, settings, this::clusters);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        log.info("antrieb: connected to {} (accelerator {})", settings.uri(), accelerator);
        host.onReconnect(() -> scheduler.execute(this::reconcile));
        sweepQuietly();
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, SWEEP_INTERVAL.toSeconds(), SWEEP_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A client for libvirt on this machine ({@link #DEFAULT_LIBVIRT_URI}, or {@link #LIBVIRT_URI_ENV}). */
    public static Antrieb local() {
        return builder().build();
    }

    /** A client for the libvirt host at {@code uri}, e.g. {@code qemu:///system} or {@code qemu+ssh://host/system}. */
    public static Antrieb connect(URI uri) {
        return builder().uri(uri).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(Settings.defaults());
    }

    /** A builder starting from this client's settings. */
    public Builder newBuilder() {
        Builder b = new Builder(settings).catalogDir(catalog.storeDir()).namespace(catalog.defaultNamespace());
        b.imageAliases = imageAliases;
        return b;
    }

    /** The image aliases this client applies ({@link Builder#imageAlias(String, String)}); none by default. */
    public ImageAliases imageAliases() {
        return imageAliases;
    }

    /** Provisions a cluster from shorthand, e.g. {@code provision("debian12 x3")}. */
    public Cluster provision(String... shorthand) {
        return provision(ClusterSpec.of(shorthand));
    }

    /**
     * Provisions a cluster and waits until every node answers SSH. Saved names (images, {@code @namespace/name}
     * network references) are looked up in this client's namespace; any namespace may be named explicitly.
     *
     * @throws InvalidSpecException    for a spec this host cannot satisfy (nothing was created)
     * @throws CatalogException        for a network reference that names no saved spec (nothing was created)
     * @throws LimitExceededException  when over a limit (nothing was created)
     * @throws ProvisionException      when a node did not come up (everything created was removed)
     * @throws HostNotReadyException   when an image cannot be built
     * @throws HostUnavailableException when the libvirt connection was lost and not back in time, or lost
     *                                  in a step that is not repeated (what the attempt made is removed)
     */
    public Cluster provision(ClusterSpec spec) {
        return provision(spec, ProvisionOptions.DEFAULTS);
    }

    /**
     * Provisions a cluster with per-call options, e.g. on behalf of a namespace:
     * {@code provision(spec, ProvisionOptions.namespace("acme"))} looks saved names up in {@code acme} and
     * refuses those of other namespaces (see {@link ProvisionOptions#namespace(String)}).
     *
     * @throws CatalogException        {@code FORBIDDEN_NAMESPACE} for a name in a namespace the options do not
     *                                 reach, {@code NOT_FOUND} for a network reference that names no saved spec
     *                                 (nothing was created)
     * @throws InvalidSpecException    for a spec this host cannot satisfy, e.g. an unknown image (nothing was created)
     * @throws LimitExceededException  when over a limit (nothing was created)
     * @throws ProvisionException      when a node did not come up (everything created was removed)
     * @throws HostNotReadyException   when an image cannot be built
     */
    public Cluster provision(ClusterSpec spec, ProvisionOptions options) {
        long start = System.nanoTime();
        checkOpen();
        String namespace = options.namespace().orElse(catalog.defaultNamespace());
        Map<String, String> aliased = new java.util.LinkedHashMap<>();
        ClusterSpec asked = imageAliases.apply(spec, aliased);
        if (!aliased.isEmpty()) {
            log.warn("provision: image aliases applied (node: asked for -> runs): {}", aliased.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue() + " -> " + imageAliases.resolve(e.getValue())).toList());
        }
        ClusterSpec resolved = options.namespace().isPresent() ? catalog.resolveIn(namespace, asked) : catalog.resolveNetworks(asked);
        provisioner.validate(resolved);
        catalog.prepareImages(resolved);
        acquireSlot();
        try {
            LibvirtCluster cluster = provisioner.provision(resolved, start, this::forget);
            cluster.bindImageAliases(aliased);
            cluster.bindImageSaver((c, node, name, commands, description) ->
                    catalog.view(namespace).saveImage(c, node, name, commands, description));
            clusters.put(cluster.id(), cluster);
            long delay = Math.max(0, cluster.expiresAt().toEpochMilli() - System.currentTimeMillis());
            expiries.put(cluster.id(), scheduler.schedule(() -> expire(cluster), delay, TimeUnit.MILLISECONDS));
            return cluster;
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void acquireSlot() {
        Duration wait = settings.queueTimeout();
        boolean ok;
        try {
            ok = wait.isZero() ? slots.tryAcquire() : slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimitExceededException("interrupted while waiting for a free cluster slot");
        }
        if (!ok) {
            throw new LimitExceededException(ErrorCode.CONCURRENT_CLUSTERS, "limit of " + settings.maxConcurrentClusters()
                    + " concurrent clusters reached"
                    + (wait.isZero() ? "" : " (waited " + wait.toSeconds() + " s)")
                    + ": close a cluster first, or raise the limit with Antrieb.builder().maxConcurrentClusters(n)");
        }
    }

    private void expire(LibvirtCluster cluster) {
        log.info("cluster {}: TTL reached, destroying it", cluster.id());
        try {
            cluster.expireNow();
        } catch (RuntimeException e) {
            log.warn("cluster {}: destroy at TTL failed; the sweep will retry: {}", cluster.id(), e.getMessage());
        }
    }

    private void forget(LibvirtCluster cluster) {
        if (clusters.remove(cluster.id()) != null) {
            ScheduledFuture<?> f = expiries.remove(cluster.id());
            if (f != null) {
                f.cancel(false);
            }
            slots.release();
        }
    }

    /**
     * The catalog of this client's namespace ({@link Builder#namespace}): save, search, fetch and delete
     * images, runbooks and network specs.
     */
    public Catalog catalog() {
        return catalog.view(catalog.defaultNamespace());
    }

    /**
     * The catalog of {@code namespace} (e.g. one per account of a server). It sees its own artifacts and
     * the built-in {@code antrieb/*} ones.
     *
     * @throws CatalogException for an invalid namespace name
     */
    public Catalog catalog(String namespace) {
        return catalog.view(namespace);
    }

    /** The accelerator guests get on this host. */
    public Accelerator accelerator() {
        return accelerator;
    }

    /**
     * The host's capacity and this client's use of it now: memory, CPUs, running guests and Antrieb's storage pool as
     * libvirt reports them, with this client's live clusters and nodes and its limits. Asks libvirt each time (a few
     * cheap calls); for an operator's view, not for a hot path.
     *
     * @throws HostUnavailableException when the libvirt connection is lost and not back in time
     */
    public HostCapacity capacity() {
        checkOpen();
        LibvirtHost.Figures f = host.figures();
        List<Cluster> live = clusters();
        int nodes = live.stream().mapToInt(c -> c.nodes().size()).sum();
        return new HostCapacity(settings.uri(), accelerator, f.cpus(), f.memoryBytes(), f.freeMemoryBytes(), f.runningGuests(),
                f.guestVcpus(), f.guestMemoryBytes(), f.poolCapacity(), f.poolAllocation(), f.poolAvailable(), live.size(), nodes,
                settings.maxConcurrentClusters(), settings.maxNodes(), settings.maxTtl(), settings.defaultVmSize());
    }

    /** The images this host can boot. */
    public List<String> images() {
        return images.names();
    }

    /** The clusters this client holds open. */
    public List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    /** The cluster with this id, if this client holds it open. */
    public java.util.Optional<Cluster> cluster(String id) {
        return java.util.Optional.ofNullable(clusters.get(id));
    }

    /**
     * Removes what expired clusters and dead processes left on the host (domains, networks, disks, files), the
     * warm-start templates past {@link Builder#templateBudget} or of deleted or superseded images, and builds of
     * built-in images whose recipe changed once nothing uses them. Runs at start and every 30 seconds on its own;
     * returns how many objects were removed.
     */
    public int sweep() {
        int n = new Sweeper(host).sweep(Set.copyOf(clusters.keySet()));
        java.util.Map<String, String> current = catalog.currentBuilds();
        n += provisioner.collectTemplates(settings.templateBudget(), disk -> sh.antrieb.internal.RecipeBuilds.superseded(current, disk));
        return n + sh.antrieb.internal.RecipeBuilds.collect(host, settings.imageCache(), current);
    }

    private void sweepQuietly() {
        try {
            int n = sweep();
            if (n > 0) {
                log.info("sweep removed {} leftover object(s)", n);
            }
        } catch (RuntimeException e) {
            log.warn("sweep failed: {}", e.getMessage());
        }
    }

    /**
     * After the libvirt connection was re-opened (libvirtd restarted: guests keep running, the connection does
     * not): finds this client's clusters again by their labelled domains. A cluster whose domains are all still
     * there stays usable as it was; one none of whose domains is left is closed (what remains of it is
     * removed); then a sweep runs.
     */
    private void reconcile() {
        try {
            Set<String> domains = Set.copyOf(host.domains());
            for (LibvirtCluster c : List.copyOf(clusters.values())) {
                long running = c.nodes().stream().filter(n -> domains.contains(c.label().name(n.name()))).count();
                if (running == c.nodes().size()) {
                    log.info("cluster {}: found again after the libvirt reconnect, all {} node(s) running", c.id(), running);
                } else if (running == 0) {
                    log.warn("cluster {}: none of its {} node(s) is running after the libvirt reconnect: closing it", c.id(), c.nodes().size());
                    c.close();
                } else {
                    log.warn("cluster {}: only {} of its {} node(s) running after the libvirt reconnect", c.id(), running, c.nodes().size());
                }
            }
        } catch (RuntimeException e) {
            log.warn("reconciling clusters after the libvirt reconnect failed: {}", e.getMessage());
        }
        sweepQuietly();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Antrieb client is closed");
        }
    }

    /** Destroys every cluster this client made and releases the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        for (LibvirtCluster c : List.copyOf(clusters.values())) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.warn("closing cluster {}: {}", c.id(), e.getMessage());
            }
        }
        executor.shutdownNow();
        ssh.close();
        host.close();
    }

    /** Builds an {@link Antrieb} client. */
    public static final class Builder {
        private final Settings.Builder settings;
        private Path catalogDir = CatalogService.defaultDir();
        private String namespace = CatalogService.defaultNamespaceName();
        private ImageAliases imageAliases = ImageAliases.NONE;

        private Builder(Settings s) {
            settings = s.toBuilder();
        }

        /** The libvirt URI (default {@link #DEFAULT_LIBVIRT_URI}, or {@link #LIBVIRT_URI_ENV}). */
        public Builder uri(URI uri) {
            settings.uri(uri);
            return this;
        }

        /** Where built images are cached on this machine (default {@link #DEFAULT_IMAGE_CACHE}, or {@link #IMAGE_CACHE_ENV}). */
        public Builder imageCache(Path dir) {
            settings.imageCache(dir);
            return this;
        }

        /** How many clusters this client may hold at once (default {@value #DEFAULT_MAX_CONCURRENT_CLUSTERS}). */
        public Builder maxConcurrentClusters(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentClusters must be at least 1");
            }
            settings.maxConcurrentClusters(n);
            return this;
        }

        /** How long {@code provision} waits for a free slot when at the limit (default {@link #DEFAULT_QUEUE_TIMEOUT}: fail at once). */
        public Builder queueTimeout(Duration wait) {
            settings.queueTimeout(wait);
            return this;
        }

        /** TTL of clusters whose spec names none (default {@link #DEFAULT_TTL}). */
        public Builder defaultTtl(Duration ttl) {
            settings.defaultTtl(ttl);
            return this;
        }

        /** The longest TTL a spec may ask for (default {@link #DEFAULT_MAX_TTL}). */
        public Builder maxTtl(Duration ttl) {
            settings.maxTtl(ttl);
            return this;
        }

        /** Nodes per cluster, not counting one controller node (default {@value #DEFAULT_MAX_NODES}). */
        public Builder maxNodes(int n) {
            settings.maxNodes(n);
            return this;
        }

        /** VM size of clusters whose spec names none (default {@link VmSize#DEFAULT}). */
        public Builder defaultVmSize(VmSize size) {
            settings.defaultVmSize(size);
            return this;
        }

        /** Default timeout of a command (default {@link #DEFAULT_EXEC_TIMEOUT}). */
        public Builder execTimeout(Duration timeout) {
            settings.execTimeout(timeout);
            return this;
        }

        /**
         * Bytes of stdout and of stderr kept per command; beyond, output is cut with a marker (default
         * {@value #DEFAULT_OUTPUT_LIMIT}, {@link #DEFAULT_OUTPUT_LIMIT}).
         */
        public Builder outputLimit(long bytes) {
            settings.outputLimit(bytes);
            return this;
        }

        /**
         * How long a node may take to answer SSH (default by accelerator: {@link #DEFAULT_BOOT_TIMEOUT_KVM} with KVM,
         * {@link #DEFAULT_BOOT_TIMEOUT_TCG} under TCG).
         */
        public Builder bootTimeout(Duration timeout) {
            settings.bootTimeout(timeout);
            return this;
        }

        /**
         * The TCP ports guests on egress networks may reach outside the host (default {@link #DEFAULT_EGRESS_PORTS});
         * port 53 also allows DNS over UDP. Everything else outbound is dropped at the host.
         */
        public Builder egressPorts(int... ports) {
            java.util.List<Integer> list = new java.util.ArrayList<>();
            for (int p : ports) {
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("egress port out of range: " + p);
                }
                list.add(p);
            }
            settings.egressPorts(list);
            return this;
        }

        /** Where the catalog keeps saved artifacts (default {@link #CATALOG_DIR_ENV}, else {@link #DEFAULT_CATALOG_DIR}). */
        public Builder catalogDir(Path dir) {
            this.catalogDir = java.util.Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * This client's namespace: where {@link Antrieb#catalog()} and {@link Cluster#saveImage} save, and where
         * unqualified saved image names are looked up (default {@link #NAMESPACE_ENV}, else the local user name).
         */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * Whether nodes start from a saved, booted guest (a warm-start template per image, VM size and NIC count,
         * made on first use with one ordinary boot) instead of booting (default {@value #DEFAULT_WARM_START}, or
         * {@link #WARM_START_ENV}). A node that does not come up from a template is booted instead.
         */
        public Builder warmStart(boolean warmStart) {
            settings.warmStart(warmStart);
            return this;
        }

        /**
         * What the sweep keeps of the warm-start templates on this host: at most {@code poolBytes} of them on disk
         * (0: no limit; default {@link #DEFAULT_TEMPLATE_POOL_BYTES}, or {@link #TEMPLATE_POOL_MB_ENV}), the
         * {@code perImage} most recently used per image (default {@value #DEFAULT_TEMPLATES_PER_IMAGE}), none unused
         * for longer than {@code unusedFor} (default {@link #DEFAULT_TEMPLATE_UNUSED_FOR}). Templates of
         * deleted images and second templates of one key go anyway; one a restore runs from never does. The
         * least recently used go first; a template deleted is made again, with one boot, when next needed.
         */
        public Builder templateBudget(long poolBytes, int perImage, Duration unusedFor) {
            settings.templateBudget(new sh.antrieb.internal.TemplatePolicy.Budget(poolBytes, perImage, unusedFor));
            return this;
        }

        /**
         * Maps the image name {@code name} to {@code image}, an image this host has (e.g. {@code ubuntu24.04} to
         * {@code debian13} for clients written against another host's catalog). Off by default: an unknown name is
         * an error listing the images this host has. A node provisioned through an alias says so
         * ({@link Cluster#imageAliases()}, a warning in the log), never silently.
         */
        public Builder imageAlias(String name, String image) {
            this.imageAliases = imageAliases.with(name, image);
            return this;
        }

        /** Replaces the image aliases with {@code aliases} (e.g. parsed from {@code NAME=IMAGE} flags). */
        public Builder imageAliases(ImageAliases aliases) {
            this.imageAliases = java.util.Objects.requireNonNull(aliases, "aliases");
            return this;
        }

        /** Forces an accelerator instead of detecting one (default: detect). */
        public Builder accelerator(Accelerator accelerator) {
            settings.accelerator(accelerator);
            return this;
        }

        /** Connects; sweeps leftovers of dead processes and expired clusters on the way. */
        public Antrieb build() {
            sh.antrieb.internal.catalog.Names.checkNamespace(namespace);
            return new Antrieb(settings.build(), catalogDir, namespace, imageAliases);
        }

        /** The settings the client would be built with; for tests. */
        Settings settings() {
            return settings.build();
        }
    }
}
