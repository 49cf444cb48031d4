package sh.antrieb.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Accelerator;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Image;
import sh.antrieb.Node;
import sh.antrieb.NoSuchNodeException;

/** A cluster of libvirt domains reached over SSH on its control network. */
public final class LibvirtCluster implements Cluster {
    private static final Logger log = LoggerFactory.getLogger(LibvirtCluster.class);

    /** A node with its control connection and environment. */
    record Member(Node node, NodeChannel channel, Map<String, String> env, String consolePath) {
    }

    private final ClusterLabel label;
    private final ClusterSpec spec;
    private final Accelerator accelerator;
    private final Map<String, Member> members;
    private final List<Node> nodes;
    private final Instant createdAt;
    private final Duration provisionTime;
    private final LibvirtHost host;
    private final Settings settings;
    private final ExecutorService executor;
    private final Consumer<LibvirtCluster> onClose;
    private final List<ExecResult> history = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String closeReason = "was closed";
    private volatile ImageSaver imageSaver;
    private final ClusterFaults faults;
    /** The definitions of powered-off nodes' domains, to start them again. */
    private final Map<String, String> poweredOff = new java.util.concurrent.ConcurrentHashMap<>();
    /** Delays made in this JVM, by node (where the host kernel has no netem). */
    private final Map<String, List<DelayLine>> delayLines = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether tc netem works on this host; null until first tried. */
    private volatile Boolean netem;

    /** Saves a node's disk as an image (the client's catalog). */
    @FunctionalInterface
    public interface ImageSaver {
        /** Saves {@code node} of {@code cluster} as image {@code name}. */
        Image save(LibvirtCluster cluster, String node, String name, List<String> commands, String description);
    }

    LibvirtCluster(ClusterLabel label, ClusterSpec spec, Accelerator accelerator, List<Member> members,
                   Instant createdAt, Duration provisionTime, LibvirtHost host, Settings settings,
                   ExecutorService executor, Consumer<LibvirtCluster> onClose, NetworkPlan plan) {
        this.label = label;
        this.spec = spec;
        this.accelerator = accelerator;
        Map<String, Member> m = new LinkedHashMap<>();
        members.forEach(x -> m.put(x.node().name(), x));
        this.members = Collections.unmodifiableMap(m);
        this.nodes = members.stream().map(Member::node).toList();
        this.createdAt = createdAt;
        this.provisionTime = provisionTime;
        this.host = host;
        this.settings = settings;
        this.executor = executor;
        this.onClose = onClose;
        this.faults = new ClusterFaults(label.id(), label, plan, new FaultBackend());
    }

    @Override
    public java.net.URI host() {
        return host.uri();
    }

    /** The libvirt connection of the host the cluster runs on. */
    public LibvirtHost libvirtHost() {
        return host;
    }

    /** The cluster's label. */
    public ClusterLabel label() {
        return label;
    }

    @Override
    public String id() {
        return label.id();
    }

    @Override
    public List<Node> nodes() {
        return nodes;
    }

    @Override
    public Node node(String name) {
        return member(name).node();
    }

    Member member(String name) {
        Member m = members.get(name);
        if (m == null) {
            throw new NoSuchNodeException(id(), name, members.keySet());
        }
        return m;
    }

    @Override
    public ExecResult exec(String node, String command, ExecOptions options) {
        Member m = member(node);
        checkOpen();
        Duration timeout = options.timeout().orElse(settings.execTimeout());
        Duration left = Duration.between(Instant.now(), expiresAt());
        if (left.compareTo(timeout) < 0) {
            timeout = left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
        }
        String down = faults.unreachable(node);
        ExecResult r;
        if (down != null) {
            r = new ExecResult(node, command, -1, "", "[antrieb: " + down + "]\n", Instant.now(), Duration.ZERO, false);
        } else {
            Map<String, String> env = new LinkedHashMap<>(m.env());
            env.putAll(options.env());
            env.putAll(options.secretEnv());
            r = m.channel().exec(command, env, timeout);
        }
        if (!isOpen()) {
            throw new ClusterExpiredException(id(), closeReason);
        }
        history.add(r);
        log.debug("{}", r.summary());
        return r;
    }

    /** Waits until every node runs commands through its exec agent; false if one does not within {@code timeout}. */
    boolean awaitExecAgents(Duration timeout) throws InterruptedException {
        for (Member m : members.values()) {
            if (!m.channel().awaitAgent(timeout)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
        member(node);
        checkOpen();
        return CompletableFuture.supplyAsync(() -> exec(node, command, options), executor);
    }

    private void checkOpen() {
        if (!isOpen()) {
            throw new ClusterExpiredException(id(), closeReason);
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
        return readConsoleTail(host, member(node).consolePath(), lines);
    }

    /** The last lines of a console log file on the host, or a note saying why there are none. */
    static String readConsoleTail(LibvirtHost host, String path, int lines) {
        return consoleTail(host, path, lines).orElse("(no console log at " + path + " on " + host.uri() + ")");
    }

    /**
     * The last lines of the console log file {@code path} on the host (read there: the host may be another
     * machine), empty when there is no such file or the host cannot be asked.
     */
    static java.util.Optional<String> consoleTail(LibvirtHost host, String path, int lines) {
        try {
            HostShell.Result r = host.run(Duration.ofSeconds(30), null, "tail", "-c", String.valueOf(64 * 1024), path);
            return r.ok() ? java.util.Optional.of(ExecResult.tail(r.output().replace("\r", ""), lines)) : java.util.Optional.empty();
        } catch (sh.antrieb.HostUnavailableException e) {
            log.debug("console log {}: {}", path, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    private volatile Map<String, String> imageAliases = Map.of();

    /** Records which nodes were provisioned through an image alias (node name to the name asked for). */
    public void bindImageAliases(Map<String, String> requested) {
        this.imageAliases = Map.copyOf(requested);
    }

    @Override
    public Map<String, String> imageAliases() {
        return imageAliases;
    }

    /** Lets {@link #saveImage} save into the client's catalog. */
    public void bindImageSaver(ImageSaver saver) {
        this.imageSaver = saver;
    }

    @Override
    public Image saveImage(String node, String name, List<String> commands, String description) {
        member(node);
        checkOpen();
        ImageSaver saver = imageSaver;
        if (saver == null) {
            throw new UnsupportedOperationException("cluster " + id() + " has no catalog to save into");
        }
        return saver.save(this, node, name, commands, description);
    }

    /** Stops {@code node}'s delay lines; {@code unplug} also takes their filters out of its running QEMU. */
    private void closeDelayLines(String node, boolean unplug) {
        List<DelayLine> lines = delayLines.remove(node);
        if (lines != null) {
            lines.forEach(l -> l.close(unplug));
        }
    }

    @Override
    public sh.antrieb.Faults faults() {
        return faults;
    }

    /** Faults on this cluster's host: nft and tc run on the host (through its shell), power and pause through libvirt. */
    private final class FaultBackend implements ClusterFaults.Backend {
        @Override
        public void checkOpen() {
            LibvirtCluster.this.checkOpen();
        }

        @Override
        public void nft(String script) {
            HostFirewall.applyScript(host, script);
        }

        @Override
        public void delay(String node, List<String> taps, sh.antrieb.Link link) {
            if (!Boolean.FALSE.equals(netem)) {
                try {
                    List<String> done = new ArrayList<>();
                    try {
                        for (String tap : taps) {
                            HostFirewall.tc(host, FaultRules.delay(tap, link));
                            done.add(tap);
                        }
                    } catch (RuntimeException e) {
                        done.forEach(tap -> undelayTap(tap));
                        throw e;
                    }
                    netem = true;
                    return;
                } catch (sh.antrieb.HostNotReadyException e) {
                    if (!String.valueOf(e.getMessage()).contains("no netem")) {
                        throw e;
                    }
                    netem = false;
                    log.info("cluster {}: the host kernel has no netem: delays go through delay lines in this JVM (QEMU's network filters)", id());
                }
            }
            closeDelayLines(node, true);
            List<DelayLine> lines = new ArrayList<>();
            try {
                for (String tap : taps) {
                    lines.add(DelayLine.open(host, label.name(node), tap, link));
                }
            } catch (RuntimeException e) {
                lines.forEach(DelayLine::close);
                throw e;
            }
            delayLines.put(node, lines);
        }

        @Override
        public void undelay(String node, List<String> taps) {
            if (Boolean.TRUE.equals(netem)) {
                taps.forEach(tap -> undelayTap(tap));
            }
            closeDelayLines(node, true);
        }

        private void undelayTap(String tap) {
            try {
                HostFirewall.tc(host, FaultRules.undelay(tap));
            } catch (RuntimeException e) {
                log.debug("tc: no delay to remove on {}: {}", tap, e.getMessage());
            }
        }


        @Override
        public void powerOff(String node) {
            String domain = label.name(node);
            String xml = host.domainDefinition(domain);
            if (xml == null) {
                throw new sh.antrieb.AntriebException(node + " of cluster " + id() + " has no VM (domain " + domain
                        + " is gone): it cannot be powered off");
            }
            poweredOff.put(node, xml);
            member(node).channel().reset();
            host.destroyDomain(domain);
            closeDelayLines(node, false);
        }

        @Override
        public void start(String node) {
            String domain = label.name(node);
            String xml = poweredOff.get(node);
            if (xml == null) {
                throw new IllegalStateException(node + " was not powered off by faults().powerOff");
            }
            if (!host.isDomainActive(domain)) {
                // Like a booted node: libvirtd destroys it when this client's connection closes (the JVM dies).
                host.createDomain(xml, true);
            }
        }

        @Override
        public void awaitUp(String node) {
            String domain = label.name(node);
            Member m = member(node);
            Readiness.within(settings.bootTimeoutFor(accelerator)).await(new PowerOnAnswer(accelerator,
                    () -> m.channel().tryConnect(Provisioner.SshAnswer.CONNECT_TIMEOUT),
                    () -> !isOpen(),
                    () -> !host.isDomainActive(domain),
                    () -> new ClusterExpiredException(id(), closeReason),
                    why -> {
                        String console = consoleTail(node, 30);
                        host.destroyDomain(domain);
                        return new sh.antrieb.ProvisionException(node + " of cluster " + id() + " did not come up after powerOn: "
                                + why + "; it is powered off again (powerOn retries). See its console below", Map.of(node, console), null);
                    },
                    after -> {
                        log.info("{} answered SSH {} ms after powerOn", node, after.toMillis());
                        m.channel().prepareAgent();
                        poweredOff.remove(node);
                    }));
        }

        @Override
        public void freeze(String node) {
            host.suspendDomain(label.name(node));
        }

        @Override
        public void thaw(String node) {
            host.resumeDomain(label.name(node));
        }
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public Accelerator accelerator() {
        return accelerator;
    }

    @Override
    public Duration provisionTime() {
        return provisionTime;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Instant expiresAt() {
        return label.deadline();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && Instant.now().isBefore(expiresAt()) && !isLost();
    }

    @Override
    public boolean isLost() {
        return !closed.get() && !host.isReachable();
    }

    /** Destroys the cluster because its TTL passed. */
    public void expireNow() {
        closeReason = "expired at its TTL (" + expiresAt() + ")";
        destroy();
    }

    @Override
    public void close() {
        if (Instant.now().isAfter(expiresAt())) {
            closeReason = "expired at its TTL (" + expiresAt() + ")";
        }
        destroy();
    }

    private void destroy() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("cluster {}: destroying {} node(s)", id(), members.size());
        members.values().forEach(m -> m.channel().close());
        try {
            List.copyOf(delayLines.keySet()).forEach(n -> closeDelayLines(n, false));
            new Sweeper(host).removeCluster(id());
        } finally {
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "Cluster[" + id() + ", " + nodes.size() + " node(s), expires " + expiresAt() + "]";
    }
}
