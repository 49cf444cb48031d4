package sh.antrieb.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Accelerator;
import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.HostUnavailableException;
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

    private final LibvirtHost host;
    private final ImageStore images;
    private final SshTransport ssh;
    private final Settings settings;
    private final Accelerator accelerator;
    private final ExecutorService executor;
    private final WarmStart warm;

    public Provisioner(LibvirtHost host, ImageStore images, SshTransport ssh, Settings settings,
                       Accelerator accelerator, ExecutorService executor) {
        this.host = host;
        this.images = images;
        this.ssh = ssh;
        this.settings = settings;
        this.accelerator = accelerator;
        this.executor = executor;
        this.warm = settings.warmStart() ? new WarmStart(host) : null;
    }

    /** Checks a spec against this client's limits and images; throws before anything is created. */
    public void validate(ClusterSpec spec) {
        validate(spec, settings.maxTtl());
    }

    /**
     * As {@link #validate(ClusterSpec)}, with {@code maxTtl} as the TTL limit instead of the client's: the library's
     * own build nodes live as long as their build may take, whatever TTL limit the client sets for its users.
     */
    public void validate(ClusterSpec spec, Duration maxTtl) {
        spec.checkNodeLimit(settings.maxNodes());
        Duration ttl = spec.ttl().orElse(settings.defaultTtl());
        if (ttl.compareTo(maxTtl) > 0) {
            throw new LimitExceededException(sh.antrieb.ErrorCode.LIMIT_EXCEEDED, sh.antrieb.AntriebException.Subject.field("ttl"), "ttl " + ttl.toSeconds() + " s is over the limit of " + maxTtl.toSeconds()
                    + " s; TTLs are hard and cannot be extended: ask for at most " + maxTtl.toSeconds() + " s");
        }
        spec.nodes().forEach(n -> images.checkKnown(n.image()));
        spec.networks().stream().filter(n -> n.reference().isPresent()).findFirst().ifPresent(n -> {
            throw new InvalidSpecException("network reference " + n.reference().get() + " is not resolved: "
                    + "saved network specs are resolved through the catalog (Antrieb.provision does this)");
        });
    }

    /** Provisions {@code spec}; {@code onClose} runs once when the cluster is destroyed. */
    public LibvirtCluster provision(ClusterSpec spec, long startNanos, Consumer<LibvirtCluster> onClose) {
        return provision(spec, settings.maxTtl(), startNanos, onClose);
    }

    /** Provisions {@code spec} under the TTL limit {@code maxTtl} (see {@link #validate(ClusterSpec, Duration)}). */
    public LibvirtCluster provision(ClusterSpec spec, Duration maxTtl, long startNanos, Consumer<LibvirtCluster> onClose) {
        validate(spec, maxTtl);
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
            return build(spec, label, size, nodeImages, boot, createdAt, startNanos, onClose, null);
        } catch (RuntimeException e) {
            Map<String, String> tails = new LinkedHashMap<>();
            for (int i = 1; i <= nodeImages.size(); i++) {
                String node = "node" + i;
                LibvirtCluster.consoleTail(host, host.poolPath(label.name(node + ".console")), 30).ifPresent(t -> tails.put(node, t));
            }
            boolean removed = true;
            try {
                sweeper.removeCluster(label.id());
            } catch (RuntimeException cleanup) {
                removed = false;
                e.addSuppressed(cleanup);
            }
            if (e instanceof HostUnavailableException) {
                throw new HostUnavailableException("provisioning cluster " + label.id() + " failed: " + e.getMessage() + (removed
                        ? "; everything the attempt made was removed"
                        : "; what the attempt made could not be removed yet: the next sweep of any Antrieb client on this host removes it"), e);
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

    /**
     * Builds the cluster. {@code template} non-null makes a warm-start template instead: one node on the disk
     * volume {@code template[1]}, payload padded like the copies', no exec agent.
     */
    private LibvirtCluster build(ClusterSpec spec, ClusterLabel label, VmSize size, List<String> nodeImages,
                                 Map<String, BootImage> boot, Instant createdAt, long startNanos,
                                 Consumer<LibvirtCluster> onClose, String[] template) {
        int n = nodeImages.size();
        SshKeys clusterKey = SshKeys.generate("root@antrieb-" + label.id());
        List<SshKeys> hostKeys = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            hostKeys.add(SshKeys.generate("node" + i));
        }

        // Control network (how Antrieb reaches every node, whatever the networks under test do) and those networks.
        NetworkPlan plan = createNetworks(spec, label);

        StringBuilder knownHosts = new StringBuilder();
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            NetworkPlan.NodeNics nics = plan.node(i);
            Node node = new Node("node" + i, i, nodeImages.get(i - 1), nics.nodeIp(), nics.addresses());
            nodes.add(node);
            Set<String> names = new LinkedHashSet<>();
            names.add(node.name());
            names.addAll(nics.addresses().values());
            names.add(nics.control().address());
            knownHosts.append(String.join(",", names)).append(' ').append(hostKeys.get(i - 1).publicKeyOnly()).append('\n');
        }

        // Warm start: the template of each node's image and NIC count (booted first when missing).
        List<WarmStart.Template> warmOf = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            warmOf.add(template == null ? warmTemplate(boot.get(nodeImages.get(i - 1)), size, 1 + plan.node(i).nics().size()) : null);
        }

        Duration bootTimeout = settings.bootTimeoutFor(accelerator);
        List<CompletableFuture<LibvirtCluster.Member>> launches = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            WarmStart.Template warmTemplate = warmOf.get(i - 1);
            Node node = nodes.get(i - 1);
            BootImage image = boot.get(node.image());
            SshKeys hostKey = hostKeys.get(i - 1);
            NetworkPlan.NodeNics nics = plan.node(i);
            String clusterHosts = plan.clusterHostsSeenBy(nics);
            String hostsFile = "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n" + clusterHosts;
            GuestPayload.NodeConfig config = new GuestPayload.NodeConfig(node.name(), hostsFile, clusterKey, hostKey,
                    knownHosts.toString(), guestNics(nics), (long) size.diskGiB() << 30 > image.diskBytes());
            String consolePath = host.poolPath(label.name(node.name() + ".console"));
            Map<String, String> env = new LinkedHashMap<>();
            env.put("NODE_NAME", node.name());
            env.put("NODE_INDEX", Integer.toString(i));
            env.put("NODE_IP", node.ip());
            env.put("CLUSTER_HOSTS", clusterHosts.strip());
            env.put("CLUSTER_SSH_PUBKEY", clusterKey.publicLine());
            env.put("CLUSTER_SSH_PRIVKEY", clusterKey.privateOpenSsh().strip());
            String controlIp = nics.control().address();
            List<LibvirtXml.Nic> domainNics = new ArrayList<>();
            domainNics.add(new LibvirtXml.Nic(plan.control().libvirtName(), nics.control().mac(), nics.control().tap()));
            nics.nics().forEach(nic -> domainNics.add(new LibvirtXml.Nic(nic.net().libvirtName(), nic.mac(), nic.tap())));
            String domain = label.name(node.name());
            String overlayName = template != null ? template[1] : label.name(node.name() + ".qcow2");
            launches.add(CompletableFuture.supplyAsync(() -> {
                if (warmTemplate != null) {
                    NodeChannel channel = new NodeChannel(node.name(), controlIp, hostKey.keyPair().getPublic(),
                            clusterKey.keyPair(), ssh, settings.outputLimit(), env);
                    long t0 = System.nanoTime();
                    try {
                        String overlay = host.createVolume(LibvirtXml.overlayVolume(overlayName, (long) size.diskGiB() << 30,
                                warmTemplate.diskPath()));
                        String payload = GuestPayload.base64Padded(config.warm(WarmStart.warmConfig(warmTemplate, label.deadline().getEpochSecond())), WarmStart.PAYLOAD_SIZE);
                        if (payload == null) {
                            throw new AntriebException("its payload is larger than " + WarmStart.PAYLOAD_SIZE + " bytes");
                        }
                        warm.restore(warmTemplate, new SavedDomain.Copy(domain, label.id(), node.name(), label.deadline().getEpochSecond(),
                                overlay, consolePath, payload, domainNics), label.name(node.name() + ".save"));
                        log.debug("{} restored from template {} in {} ms", node.name(), warmTemplate.key(), (System.nanoTime() - t0) / 1_000_000);
                        awaitSsh(node.name(), domain, channel, WARM_READY_TIMEOUT.compareTo(bootTimeout) < 0 ? WARM_READY_TIMEOUT : bootTimeout);
                        // The copy's exec agent runs already (its template's): the first command goes through it.
                        if (!channel.attachAgent()) {
                            log.info("{}: no exec agent listening in the copy; one is started over SSH", node.name());
                        }
                        return new LibvirtCluster.Member(node.withStart(Node.Start.WARM), channel, Map.copyOf(env), consolePath);
                    } catch (RuntimeException e) {
                        channel.close();
                        // A boot timeout shorter than the warm one is the caller's: it holds for copies as for boots.
                        // A lost libvirt connection says nothing about the template: keep it, fail (and roll back) this attempt.
                        if (Thread.currentThread().isInterrupted() || e instanceof HostUnavailableException
                                || e instanceof BootFailure && bootTimeout.compareTo(WARM_READY_TIMEOUT) <= 0) {
                            throw e;
                        }
                        warm.discard(warmTemplate, node.name() + " of cluster " + label.id() + " did not come up from it: " + e.getMessage());
                        String console = LibvirtCluster.readConsoleTail(host, consolePath, 25);
                        host.destroyDomain(domain);
                        host.deleteVolume(overlayName);
                        log.warn("{}: warm start failed ({}); booting it cold. Its console:\n{}", node.name(), e.getMessage(), console);
                    }
                }
                String overlay = host.createVolume(LibvirtXml.overlayVolume(overlayName,
                        (long) size.diskGiB() << 30, image.diskPath()));
                String payload = template != null ? GuestPayload.base64Padded(config, WarmStart.PAYLOAD_SIZE) : GuestPayload.base64(config);
                if (payload == null) {
                    throw new AntriebException("the node's payload is larger than " + WarmStart.PAYLOAD_SIZE + " bytes: no warm-start template");
                }
                String xml = LibvirtXml.domain(new LibvirtXml.DomainSpec(domain, label.id(), node.name(),
                        label.deadline().getEpochSecond(), accelerator.domainType(), size.vcpus(), size.memoryMiB(),
                        image.kernelPath(), image.initrdPath(), image.cmdline(), overlay,
                        domainNics,
                        consolePath, payload));
                host.createDomain(xml, true);
                NodeChannel channel = new NodeChannel(node.name(), controlIp, hostKey.keyPair().getPublic(),
                        clusterKey.keyPair(), ssh, settings.outputLimit(), env);
                if (template != null) {
                    channel.disableAgent();
                }
                awaitSsh(node.name(), domain, channel, bootTimeout);
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
        // Exec agents start once every node is up (not while others still boot on the same host cores).
        if (template == null) {
            members.forEach(m -> m.channel().prepareAgent());
        }
        return new LibvirtCluster(label, spec, accelerator, members, createdAt, took, host, settings, executor, onClose, plan);
    }

    /**
     * Deletes the warm-start templates of the image disk {@code imageDisk} (of every VM size and NIC count, made
     * by any process on this host): its image version is being deleted. Returns how many.
     */
    public int discardTemplatesOf(String imageDisk) {
        return (warm != null ? warm : new WarmStart(host)).discardTemplatesOf(imageDisk);
    }

    /**
     * The sweep's part for templates: deletes those {@link TemplatePolicy} picks under {@code budget}, those of
     * image disks that are {@code superseded} first.
     */
    public int collectTemplates(TemplatePolicy.Budget budget, java.util.function.Predicate<String> superseded) {
        return (warm != null ? warm : new WarmStart(host)).collect(budget, superseded);
    }

    /** How long a restored node may take to answer SSH before it is booted cold instead. */
    private static final Duration WARM_READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The warm-start template for nodes of {@code image} with {@code nics} NICs, or null (boot cold): for every
     * image booted with Antrieb's kernel boot (base, stack and saved ones; an imported image that boots through
     * its own firmware has no payload waiter to hold a copy in, and boots cold).
     */
    private WarmStart.Template warmTemplate(BootImage image, VmSize size, int nics) {
        if (warm == null || image.kernelPath() == null) {
            return null;
        }
        String key = warm.key(image, size, nics, accelerator.domainType());
        String what = image.ani() + " (" + size.vcpus() + " vCPU / " + size.memoryMiB() + " MiB / " + size.diskGiB()
                + " GiB, " + nics + " NICs, " + accelerator + ")";
        return warm.template(key, what, () -> buildTemplate(image, size, nics, key)).orElse(null);
    }

    /** How long arming a template node (installing the exec agent, settling the guest) may take. */
    static final Duration TEMPLATE_ARM_TIMEOUT = Duration.ofMinutes(6);
    /** What saving an armed template node's memory and disk may take, with room to spare. */
    static final Duration TEMPLATE_SAVE_TIME = Duration.ofMinutes(2);

    /**
     * The TTL of the cluster that makes a warm-start template: the node's boot (up to {@code bootTimeout}),
     * arming it ({@link #TEMPLATE_ARM_TIMEOUT}) and saving it ({@link #TEMPLATE_SAVE_TIME}); 10 minutes with the
     * KVM boot timeout. Like a stack image's build node it is the library's own, so the client's TTL limit does not
     * apply; it only bounds how long a template build that hangs keeps its node.
     */
    static Duration templateTtl(Duration bootTimeout) {
        return bootTimeout.plus(TEMPLATE_ARM_TIMEOUT).plus(TEMPLATE_SAVE_TIME);
    }

    /**
     * Boots a template node (one node, {@code nics} NICs), arms it and saves it. Returns the names of the
     * save image and disk volumes; a failure leaves neither.
     */
    private String[] buildTemplate(BootImage image, VmSize size, int nics, String key) {
        String[] names = WarmStart.newNames(key);
        Duration ttl = templateTtl(settings.bootTimeoutFor(accelerator));
        ClusterSpec.Builder b = ClusterSpec.builder().nodes(image.name()).vmSize(size).ttl(ttl);
        if (nics > 2) {
            List<String> nets = new ArrayList<>();
            for (int k = 1; k < nics; k++) {
                b.network("w" + k + " egress=false dhcp=false");
                nets.add("w" + k);
            }
            b.nics("node1", nets);
        }
        ClusterLabel label = ClusterLabel.create(Instant.now().plus(ttl));
        LibvirtCluster tc = null;
        boolean saved = false;
        try {
            tc = build(b.build(), label, size, List.of(image.name()), Map.of(image.name(), image), Instant.now(),
                    System.nanoTime(), c -> { }, names);
            NodeChannel channel = tc.member("node1").channel();
            sh.antrieb.ExecResult armed = channel.exec(WarmStart.ARM, Map.of("ANTRIEB_AGENT", ExecAgent.SOURCE), TEMPLATE_ARM_TIMEOUT);
            if (armed.exitCode() != 0 || !armed.stdout().contains("armed")) {
                throw new AntriebException("arming the template failed (exit " + armed.exitCode() + "): "
                        + armed.stderr().strip() + " " + armed.stdout().strip());
            }
            channel.close();
            // Let the guest close that SSH session before its state is saved.
            Thread.sleep(1000);
            host.saveDomain(label.name("node1"), host.poolPath(names[0]));
            host.volumes();
            saved = true;
            return names;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AntriebException("interrupted while making a warm-start template", e);
        } finally {
            if (tc != null) {
                tc.close();
            } else {
                new Sweeper(host).removeCluster(label.id());
            }
            if (!saved) {
                host.deleteVolume(names[0]);
                host.deleteVolume(names[1]);
            }
        }
    }

    private static final Object NETWORK_LOCK = new Object();

    /**
     * Plans the cluster's networks, creates them and puts the host firewall rules in place (before any guest
     * starts). Serialized within this process; another process may still take the same /24 at the same
     * moment, which libvirt refuses, so that is planned again.
     */
    private NetworkPlan createNetworks(ClusterSpec spec, ClusterLabel label) {
        synchronized (NETWORK_LOCK) {
            for (int attempt = 1; ; attempt++) {
                NetworkPlan plan = NetworkPlan.plan(spec, label, AddressPlan.of(host));
                try {
                    for (String xml : plan.networkXml()) {
                        host.createNetwork(xml);
                    }
                } catch (AntriebException e) {
                    plan.libvirtNames().forEach(host::destroyNetwork);
                    if (attempt == 3 || e.code() != ErrorCode.NETWORK_IN_USE) {
                        throw e;
                    }
                    log.debug("subnet taken meanwhile, planning again: {}", e.getMessage());
                    continue;
                }
                try {
                    HostFirewall.apply(host, label, plan, settings.egressPorts());
                } catch (sh.antrieb.HostNotReadyException e) {
                    // Never a cluster without its isolation: the caller's rollback removes the networks made above.
                    throw new sh.antrieb.HostNotReadyException("cluster " + label.id() + ": the host firewall (egress allowlist,"
                            + " anti-spoofing, isolation between clusters) cannot be put in place on " + host.uri() + ": "
                            + e.getMessage(), e);
                }
                return plan;
            }
        }
    }

    /** The guest's view of its NICs: control NIC first, then eth0, eth1, ... with platform addresses where DHCP. */
    private static List<GuestPayload.GuestNic> guestNics(NetworkPlan.NodeNics nics) {
        List<GuestPayload.GuestNic> out = new ArrayList<>();
        out.add(new GuestPayload.GuestNic(nics.control().mac(), GuestPayload.CONTROL_NIC, nics.control().address() + "/24", null, null));
        boolean routed = false;
        for (NetworkPlan.Nic nic : nics.nics()) {
            NetworkPlan.Net net = nic.net();
            String address = nic.address() == null ? null : nic.address() + "/24";
            // The default route and DNS go through the platform gateway of the first DHCP network with egress.
            boolean route = !routed && address != null && net.spec().egress();
            routed |= route;
            out.add(new GuestPayload.GuestNic(nic.mac(), nic.guestName(), address,
                    route ? net.subnet().gateway() : null, route ? net.subnet().gateway() : null));
        }
        return out;
    }

    /** Waits until the node answers SSH with its pinned host key, or fails naming the node. */
    private void awaitSsh(String node, String domain, NodeChannel channel, Duration timeout) {
        Readiness.within(timeout).await(new SshAnswer(node, accelerator, () -> channel.tryConnect(SshAnswer.CONNECT_TIMEOUT),
                () -> !host.isDomainActive(domain)));
    }

    /**
     * A booting node, ready once it answers SSH ({@code connects}: one attempt of at most {@link #CONNECT_TIMEOUT});
     * gone once its VM stopped ({@code vmStopped}). Its failures are {@link BootFailure}s naming the node.
     */
    record SshAnswer(String node, Accelerator accelerator, BooleanSupplier connects, BooleanSupplier vmStopped)
            implements Readiness.Target {
        static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

        @Override
        public boolean probe() {
            return connects.getAsBoolean();
        }

        @Override
        public boolean gone() {
            return vmStopped.getAsBoolean();
        }

        @Override
        public RuntimeException stopped() {
            return new BootFailure(node + " stopped while booting (its VM is no longer running)");
        }

        @Override
        public RuntimeException timedOut(Duration timeout) {
            return new BootFailure(node + " did not answer SSH within " + timeout.toSeconds() + " s (" + accelerator
                    + "); see its console below. Under TCG boots are slow: raise the boot timeout, or use a host with KVM");
        }

        @Override
        public RuntimeException interrupted() {
            return new BootFailure("interrupted while waiting for " + node);
        }

        @Override
        public void ready(Duration after) {
            log.info("{} answered SSH after {} ms", node, after.toMillis());
        }

        @Override
        public void waiting(Duration waited) {
            log.info("waiting for {} to answer SSH ({} s so far)", node, waited.toSeconds());
        }
    }

}
