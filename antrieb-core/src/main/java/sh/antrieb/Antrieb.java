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

import sh.antrieb.internal.HostEngine;
import sh.antrieb.internal.HostPool;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.Placement;
import sh.antrieb.internal.Settings;
import sh.antrieb.internal.catalog.CatalogService;

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
    /**
     * How long a lost libvirt connection is tried again before a call fails and the host's clusters count as lost:
     * 60 s (see {@link Builder#reconnectTimeout}).
     */
    public static final Duration DEFAULT_RECONNECT_TIMEOUT = Duration.ofSeconds(60);
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
    private final HostPool<HostEngine> pool;
    private final int maxClustersPerHost;
    private final Duration reconnectTimeout;
    private final CatalogService catalog;
    private final Semaphore slots;
    private final Map<String, LibvirtCluster> clusters = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final ImageAliases imageAliases;
    private volatile boolean closed;

    private Antrieb(Settings settings, List<URI> hosts, int maxClustersPerHost, Duration reconnectTimeout, Path catalogDir,
                    String namespace, ImageAliases imageAliases) {
        this.settings = settings;
        this.imageAliases = imageAliases;
        this.maxClustersPerHost = maxClustersPerHost;
        this.reconnectTimeout = reconnectTimeout;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> daemon(r, "antrieb-worker-" + threads.incrementAndGet()));
        List<HostEngine> engines = new java.util.ArrayList<>();
        try {
            for (URI uri : hosts) {
                engines.add(HostEngine.open(settings.toBuilder().uri(uri).build(), reconnectTimeout, executor));
            }
            this.pool = new HostPool<>(engines, maxClustersPerHost);
            HostEngine primary = pool.primary();
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "antrieb-reaper"));
            this.slots = new Semaphore(settings.maxConcurrentClusters(), true);
            this.catalog = new CatalogService(catalogDir, namespace, primary.host(), primary.images(), primary.provisioner(),
                    settings, this::clusters);
            engines.subList(1, engines.size()).forEach(e -> e.images().extend(catalog));
        } catch (RuntimeException e) {
            engines.forEach(HostEngine::close);
            executor.shutdownNow();
            throw e;
        }
        for (HostEngine e : engines) {
            e.host().onReconnect(() -> scheduler.execute(() -> reconcile(e)));
        }
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

    /**
     * A client for the libvirt host at {@code uri}, e.g. {@code qemu:///system} or
     * {@code qemu+ssh://root@kvm1.example/system} (a remote host is reached over SSH: libvirt's connection, and
     * one SSH session of this client for its guests and host commands; see {@link Builder#hosts}).
     */
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
        b.hosts = hosts();
        b.maxClustersPerHost = maxClustersPerHost;
        b.reconnectTimeout = reconnectTimeout;
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
        pool.primary().provisioner().validate(resolved);
        catalog.prepareImages(resolved);
        acquireSlot();
        try {
            HostEngine engine = pool.place(demand(resolved), this::clustersOn);
            LibvirtCluster cluster = engine.provisioner().provision(resolved, start, this::forget);
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

    private Placement.Demand demand(ClusterSpec spec) {
        VmSize size = spec.vmSize().orElse(settings.defaultVmSize());
        return Placement.Demand.of(spec.nodeImages(), size);
    }

    private int clustersOn(URI host) {
        return (int) clusters.values().stream().filter(c -> c.host().equals(host)).count();
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

    /** The accelerator guests get on this client's (first) host. */
    public Accelerator accelerator() {
        return pool.primary().accelerator();
    }

    /** The libvirt URIs of this client's hosts, in the order given (see {@link Builder#hosts}). */
    public List<URI> hosts() {
        return pool.engines().stream().map(HostEngine::uri).toList();
    }

    /**
     * The host's capacity and this client's use of it now: memory, CPUs, running guests and Antrieb's storage pool as
     * libvirt reports them, with this client's live clusters and nodes and its limits. Asks libvirt each time (a few
     * cheap calls); for an operator's view, not for a hot path.
     *
     * @throws HostUnavailableException when the libvirt connection is lost and not back in time
     */
    public HostCapacity capacity() {
        return capacity(pool.primary());
    }

    /**
     * {@link #capacity()} of each of this client's hosts, in the order given; the live clusters and nodes counted
     * are those on that host.
     *
     * @throws HostUnavailableException when a host's libvirt connection is lost and not back in time
     */
    public List<HostCapacity> capacities() {
        return pool.engines().stream().map(this::capacity).toList();
    }

    private HostCapacity capacity(HostEngine engine) {
        checkOpen();
        LibvirtHost.Figures f = engine.host().figures();
        List<Cluster> live = clusters().stream().filter(c -> c.host().equals(engine.uri())).toList();
        int nodes = live.stream().mapToInt(c -> c.nodes().size()).sum();
        return new HostCapacity(engine.uri(), engine.accelerator(), f.cpus(), f.memoryBytes(), f.freeMemoryBytes(), f.runningGuests(),
                f.guestVcpus(), f.guestMemoryBytes(), f.poolCapacity(), f.poolAllocation(), f.poolAvailable(), live.size(), nodes,
                settings.maxConcurrentClusters(), settings.maxNodes(), settings.maxTtl(), settings.defaultVmSize());
    }

    /** The images this client's hosts can boot. */
    public List<String> images() {
        return pool.primary().images().names();
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
        Set<String> live = Set.copyOf(clusters.keySet());
        int n = 0;
        for (HostEngine e : pool.engines()) {
            if (pool.engines().size() > 1 && !pool.isAnswering(e.uri())) {
                continue; // asked again at the next placement; its own sweep runs once it answers
            }
            try {
                n += e.sweep(live, catalog.currentBuilds());
            } catch (RuntimeException ex) {
                if (pool.engines().size() == 1) {
                    throw ex;
                }
                log.warn("sweep of {} failed: {}", e.uri(), ex.getMessage());
            }
        }
        return n;
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
    private void reconcile(HostEngine engine) {
        try {
            Set<String> domains = Set.copyOf(engine.host().domains());
            for (LibvirtCluster c : List.copyOf(clusters.values())) {
                if (!c.host().equals(engine.uri())) {
                    continue;
                }
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
        pool.close();
    }

    /** Builds an {@link Antrieb} client. */
    public static final class Builder {
        private final Settings.Builder settings;
        private Path catalogDir = CatalogService.defaultDir();
        private String namespace = CatalogService.defaultNamespaceName();
        private ImageAliases imageAliases = ImageAliases.NONE;
        private List<URI> hosts = List.of();
        private int maxClustersPerHost = Placement.Candidate.UNLIMITED;
        private Duration reconnectTimeout = DEFAULT_RECONNECT_TIMEOUT;

        private Builder(Settings s) {
            settings = s.toBuilder();
        }

        /** The libvirt URI (default {@link #DEFAULT_LIBVIRT_URI}, or {@link #LIBVIRT_URI_ENV}). */
        public Builder uri(URI uri) {
            settings.uri(uri);
            hosts = List.of();
            return this;
        }

        /**
         * A pool of libvirt hosts instead of one ({@link #uri}): each cluster goes, whole, on one of them, chosen by
         * accelerator (KVM first), free memory and vCPUs, running guests, and this client's per-host cap
         * ({@link #maxClustersPerHost}). A host that does not answer is left out of placement until it answers again.
         * The first host is the primary: stack images are built there. E.g.
         * {@code hosts("qemu:///system", "qemu+ssh://root@kvm1/system")}.
         *
         * @throws IllegalArgumentException for no host, a host given twice, or a URI that is not one
         */
        public Builder hosts(String... uris) {
            List<URI> list = new java.util.ArrayList<>();
            for (String u : uris) {
                URI uri;
                try {
                    uri = new URI(u.trim());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("not a libvirt URI: '" + u + "' (" + e.getReason()
                            + "); a host is given as e.g. qemu:///system or qemu+ssh://root@kvm1.example/system");
                }
                if (list.contains(uri)) {
                    throw new IllegalArgumentException("host " + uri + " is given twice");
                }
                list.add(uri);
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("hosts() needs at least one libvirt URI, e.g. qemu:///system");
            }
            hosts = List.copyOf(list);
            settings.uri(list.get(0));
            return this;
        }

        /**
         * How long a lost libvirt connection (libvirtd restarted, a host that went silent) is tried again before a
         * call fails with {@link HostUnavailableException} and the host's clusters are {@link Cluster#isLost() lost}
         * (default {@link #DEFAULT_RECONNECT_TIMEOUT}).
         */
        public Builder reconnectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("reconnectTimeout must be positive, was " + timeout);
            }
            reconnectTimeout = timeout;
            return this;
        }

        /**
         * How many of this client's clusters one host of the pool holds at most (default: no cap but the client's
         * {@link #maxConcurrentClusters}); placement skips a host at its cap.
         */
        public Builder maxClustersPerHost(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxClustersPerHost must be at least 1");
            }
            maxClustersPerHost = n;
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
            Settings s = settings.build();
            return new Antrieb(s, hosts.isEmpty() ? List.of(s.uri()) : hosts, maxClustersPerHost, reconnectTimeout, catalogDir,
                    namespace, imageAliases);
        }

        /** The settings the client would be built with; for tests. */
        Settings settings() {
            return settings.build();
        }

        /** The hosts the client would connect to, in order; for tests. */
        List<URI> hostList() {
            return hosts.isEmpty() ? List.of(settings.build().uri()) : hosts;
        }
    }
}
