package sh.antrieb.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Accelerator;
import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.Node;
import sh.antrieb.ProvisionException;
import sh.antrieb.VmSize;

/**
 * Turns a {@link ClusterSpec} into a running {@link LibvirtCluster}: networks, overlays and domains
 * labelled with the cluster, nodes booted in parallel and awaited over SSH. A failure at any step
 * removes everything the attempt made.
 */
public final class Provisioner {
    private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LibvirtHost host;
    private final ImageStore images;
    private final SshTransport ssh;
    private final Settings settings;
    private final Accelerator accelerator;
    private final ExecutorService executor;

    public Provisioner(LibvirtHost host, ImageStore images, SshTransport ssh, Settings settings,
                       Accelerator accelerator, ExecutorService executor) {
        this.host = host;
        this.images = images;
        this.ssh = ssh;
        this.settings = settings;
        this.accelerator = accelerator;
        this.executor = executor;
    }

    /** Checks a spec against this client's limits and images; throws before anything is created. */
    public void validate(ClusterSpec spec) {
        int controllers = spec.controllerCount();
        int total = spec.nodeCount();
        if (controllers > 1) {
            throw new LimitExceededException("a cluster may have one controller node, the spec has " + controllers);
        }
        int allowed = settings.maxNodes() + controllers;
        if (total > allowed) {
            throw new LimitExceededException("too many nodes: " + total + " requested, at most " + settings.maxNodes()
                    + " per cluster, plus one controller node (an image ending in -controller, or NodeSpec.controller(...)). "
                    + "Split the work across clusters or drop nodes.");
        }
        Duration ttl = spec.ttl().orElse(settings.defaultTtl());
        if (ttl.compareTo(settings.maxTtl()) > 0) {
            throw new LimitExceededException("ttl " + ttl.toSeconds() + " s is over the limit of " + settings.maxTtl().toSeconds()
                    + " s; TTLs are hard and cannot be extended: ask for at most " + settings.maxTtl().toSeconds() + " s");
        }
        spec.nodes().forEach(n -> images.checkKnown(n.image()));
    }

    /** Provisions {@code spec}; {@code onClose} runs once when the cluster is destroyed. */
    public LibvirtCluster provision(ClusterSpec spec, long startNanos, Consumer<LibvirtCluster> onClose) {
        validate(spec);
        VmSize size = spec.vmSize().orElse(settings.defaultVmSize());
        List<String> nodeImages = spec.nodeImages();
        Map<String, BootImage> boot = new LinkedHashMap<>();
        for (String image : nodeImages) {
            boot.computeIfAbsent(image, images::resolve);
        }
        for (BootImage b : boot.values()) {
            if ((long) size.diskGiB() << 30 < b.diskBytes()) {
                throw new InvalidSpecException("disk of " + size.diskGiB() + " GiB is smaller than image " + b.name() + " ("
                        + (b.diskBytes() >> 30) + " GiB): ask for at least " + (b.diskBytes() >> 30) + " GiB");
            }
        }

        Instant createdAt = Instant.now();
        ClusterLabel label = ClusterLabel.create(createdAt.plus(spec.ttl().orElse(settings.defaultTtl())));
        log.info("cluster {}: provisioning {} on {} ({} node(s), {} vCPU / {} MiB each, expires {})",
                label.id(), spec.nodes(), accelerator, nodeImages.size(), size.vcpus(), size.memoryMiB(), label.deadline());
        Sweeper sweeper = new Sweeper(host);
        try {
            return build(spec, label, size, nodeImages, boot, createdAt, startNanos, onClose);
        } catch (RuntimeException e) {
            Map<String, String> tails = new LinkedHashMap<>();
            for (int i = 1; i <= nodeImages.size(); i++) {
                String console = host.poolPath(label.name("node" + i + ".console"));
                if (host.isLocal() && java.nio.file.Files.exists(java.nio.file.Path.of(console))) {
                    tails.put("node" + i, LibvirtCluster.readConsoleTail(host, console, 30));
                }
            }
            try {
                sweeper.removeCluster(label.id());
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof AntriebException && !(e instanceof BootFailure)) {
                throw e;
            }
            throw new ProvisionException("provisioning cluster " + label.id() + " failed: " + e.getMessage()
                    + "; everything it created was removed", tails, e);
        }
    }

    /** A node that did not come up; carries the node's name. */
    static final class BootFailure extends AntriebException {
        private static final long serialVersionUID = 1L;

        BootFailure(String message) {
            super(message);
        }
    }

    private LibvirtCluster build(ClusterSpec spec, ClusterLabel label, VmSize size, List<String> nodeImages,
                                 Map<String, BootImage> boot, Instant createdAt, long startNanos,
                                 Consumer<LibvirtCluster> onClose) {
        int n = nodeImages.size();
        SshKeys clusterKey = SshKeys.generate("root@antrieb-" + label.id());
        List<SshKeys> hostKeys = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            hostKeys.add(SshKeys.generate("node" + i));
        }

        // Control network: how Antrieb reaches every node, whatever the networks under test do.
        List<String> controlMacs = new ArrayList<>();
        List<String> lanMacs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            controlMacs.add(randomMac());
            lanMacs.add(randomMac());
        }
        String controlNet = label.name("net-control");
        String lanNet = label.name("net-default");
        Subnet[] subnets = createNetworks(label, n, controlNet, lanNet, lanMacs);
        Subnet control = subnets[0];
        Subnet lan = subnets[1];

        StringBuilder clusterHosts = new StringBuilder();
        StringBuilder knownHosts = new StringBuilder();
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Node node = new Node("node" + i, i, nodeImages.get(i - 1), lan.node(i));
            nodes.add(node);
            clusterHosts.append(node.ip()).append(' ').append(node.name()).append('\n');
            knownHosts.append(node.name()).append(',').append(node.ip()).append(',').append(control.node(i)).append(' ')
                    .append(hostKeys.get(i - 1).publicKeyOnly()).append('\n');
        }
        String hostsFile = "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n" + clusterHosts;
        String clusterHostsVar = clusterHosts.toString().strip();

        Duration bootTimeout = settings.bootTimeoutFor(accelerator);
        List<CompletableFuture<LibvirtCluster.Member>> launches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Node node = nodes.get(i - 1);
            BootImage image = boot.get(node.image());
            SshKeys hostKey = hostKeys.get(i - 1);
            GuestPayload.NodeConfig config = new GuestPayload.NodeConfig(node.name(), hostsFile, clusterKey, hostKey,
                    knownHosts.toString(), List.of(
                            new GuestPayload.GuestNic(controlMacs.get(i - 1), "mgmt0", control.node(i) + "/24", null, null),
                            new GuestPayload.GuestNic(lanMacs.get(i - 1), "eth0", lan.node(i) + "/24", lan.gateway(), lan.gateway())),
                    (long) size.diskGiB() << 30 > image.diskBytes());
            String consolePath = host.poolPath(label.name(node.name() + ".console"));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("NODE_NAME", node.name());
            env.put("NODE_INDEX", Integer.toString(i));
            env.put("NODE_IP", node.ip());
            env.put("CLUSTER_HOSTS", clusterHostsVar);
            env.put("CLUSTER_SSH_PUBKEY", clusterKey.publicLine());
            env.put("CLUSTER_SSH_PRIVKEY", clusterKey.privateOpenSsh().strip());
            String controlIp = control.node(i);
            int index = i;
            launches.add(CompletableFuture.supplyAsync(() -> {
                String overlay = host.createVolume(LibvirtXml.overlayVolume(label.name(node.name() + ".qcow2"),
                        (long) size.diskGiB() << 30, image.diskPath()));
                String cmdline = image.cmdline();
                String xml = LibvirtXml.domain(new LibvirtXml.DomainSpec(label.name(node.name()), label.id(), node.name(),
                        label.deadline().getEpochSecond(), accelerator.domainType(), size.vcpus(), size.memoryMiB(),
                        image.kernelPath(), image.initrdPath(), cmdline, overlay,
                        List.of(new LibvirtXml.Nic(controlNet, controlMacs.get(index - 1)), new LibvirtXml.Nic(lanNet, lanMacs.get(index - 1))),
                        consolePath, GuestPayload.base64(config)));
                host.createDomain(xml, true);
                NodeChannel channel = new NodeChannel(node.name(), controlIp, hostKey.keyPair().getPublic(),
                        clusterKey.keyPair(), ssh, settings.outputLimit());
                awaitSsh(node.name(), label.name(node.name()), channel, bootTimeout);
                return new LibvirtCluster.Member(node, channel, Map.copyOf(env), consolePath);
            }, executor));
        }
        List<LibvirtCluster.Member> members = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<LibvirtCluster.Member> f : launches) {
            try {
                members.add(f.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new AntriebException(e.getCause().toString(), e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            members.forEach(m -> m.channel().close());
            throw failure;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        log.info("cluster {}: {} node(s) ready in {} ms ({})", label.id(), n, took.toMillis(), accelerator);
        return new LibvirtCluster(label, spec, accelerator, members, createdAt, took, host, settings, executor, onClose);
    }

    private static final Object NETWORK_LOCK = new Object();

    /**
     * Picks free subnets and creates the control and default networks. Serialized within this process; another
     * process may still take the same /24 at the same moment, which libvirt refuses, so that is retried.
     */
    private Subnet[] createNetworks(ClusterLabel label, int n, String controlNet, String lanNet, List<String> lanMacs) {
        synchronized (NETWORK_LOCK) {
            for (int attempt = 1; ; attempt++) {
                AddressPlan plan = AddressPlan.of(host);
                Subnet control = plan.pick(AddressPlan.CONTROL_POOL, AddressPlan.CONTROL_POOL_SIZE);
                Subnet lan = plan.pick(AddressPlan.CLUSTER_POOL, AddressPlan.CLUSTER_POOL_SIZE);
                List<LibvirtXml.DhcpHost> dhcp = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    dhcp.add(new LibvirtXml.DhcpHost(lanMacs.get(i - 1), "node" + i, lan.node(i)));
                }
                try {
                    host.createNetwork(LibvirtXml.network(new LibvirtXml.NetworkSpec(controlNet, label.bridge(0),
                            control.gateway(), 24, false, false, List.of(), null, null)));
                    host.createNetwork(LibvirtXml.network(new LibvirtXml.NetworkSpec(lanNet, label.bridge(1),
                            lan.gateway(), 24, true, true, dhcp, lan.host(100), lan.host(199))));
                    return new Subnet[] {control, lan};
                } catch (AntriebException e) {
                    host.destroyNetwork(controlNet);
                    host.destroyNetwork(lanNet);
                    if (attempt == 3 || !String.valueOf(e.getMessage()).contains("in use")) {
                        throw e;
                    }
                    log.debug("subnet taken meanwhile, picking again: {}", e.getMessage());
                }
            }
        }
    }

    /** Waits until the node answers SSH with its pinned host key, or fails naming the node. */
    private void awaitSsh(String node, String domain, NodeChannel channel, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long t0 = System.nanoTime();
        long nextReport = t0 + 15_000_000_000L;
        while (true) {
            if (channel.tryConnect(Duration.ofSeconds(3))) {
                log.info("{} answered SSH after {} ms", node, (System.nanoTime() - t0) / 1_000_000);
                return;
            }
            if (!host.isDomainActive(domain)) {
                throw new BootFailure(node + " stopped while booting (its VM is no longer running)");
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new BootFailure(node + " did not answer SSH within " + timeout.toSeconds() + " s (" + accelerator
                        + "); see its console below. Under TCG boots are slow: raise the boot timeout, or use a host with KVM");
            }
            if (now > nextReport) {
                log.info("waiting for {} to answer SSH ({} s so far)", node, (now - t0) / 1_000_000_000L);
                nextReport = now + 15_000_000_000L;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BootFailure("interrupted while waiting for " + node);
            }
        }
    }

    private static String randomMac() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return String.format("52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]);
    }
}
