package sh.antrieb.runbook.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.AntriebException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Fault;
import sh.antrieb.Faults;
import sh.antrieb.ImageRef;
import sh.antrieb.NetworkSpec;
import sh.antrieb.Node;
import sh.antrieb.runbook.CommandBlock;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.RunbookException;
import sh.antrieb.runbook.RunbookResult;
import sh.antrieb.runbook.RunbookResult.Failure;
import sh.antrieb.runbook.RunbookResult.FiredFault;
import sh.antrieb.runbook.RunbookResult.Phase;
import sh.antrieb.runbook.RunbookResult.StepResult;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.Topology;

/**
 * Runs a runbook's steps and then its verify commands on a cluster, stopping at the first failing
 * command. A block naming several nodes runs on them at once (what a reader of "on all nodes, install
 * nginx" expects, and much faster for package installs); its results are kept in the order the nodes
 * were named, and the first failing one in that order is the one reported. A {@code ```fault} block's faults are
 * made on the cluster's {@link Faults} in order, between the blocks around it.
 */
public final class RunbookExecutor {
    private static final Logger log = LoggerFactory.getLogger(RunbookExecutor.class);
    /** Where a failing fault is said to have run: at the host, not on a node. */
    public static final String HOST = "host";

    private RunbookExecutor() {
    }

    /**
     * Refuses a cluster that does not have the topology's nodes: the same number, each booted from the
     * image the topology names, and, when the topology declares networks, those networks with the same
     * settings and every node's NICs on them in the same order.
     *
     * @throws RunbookException naming what differs
     */
    public static void checkCluster(Topology topology, Cluster cluster) {
        List<Node> nodes = cluster.nodes();
        List<String> wanted = topology.nodeImages();
        String have = nodes.stream().map(n -> n.name() + " (" + n.image() + ")").collect(Collectors.joining(", "));
        String need = topology.nodes().stream().map(Object::toString).collect(Collectors.joining(", "));
        if (nodes.size() != wanted.size()) {
            throw new RunbookException("this runbook needs " + wanted.size() + " node(s) [" + need + "] and cluster "
                    + cluster.id() + " has " + nodes.size() + ": " + have
                    + "; provision the runbook's topology (runbook.topology().toClusterSpec()) or use run(antrieb)");
        }
        for (int i = 0; i < wanted.size(); i++) {
            Node n = nodes.get(i);
            if (!sameImage(wanted.get(i), n.image())) {
                throw new RunbookException("this runbook needs " + n.name() + " booted from '" + wanted.get(i) + "' and cluster "
                        + cluster.id() + " has it from '" + n.image() + "'; provision the runbook's topology [" + need + "]");
            }
        }
        if (topology.declaresNetworks()) {
            checkNetworks(topology, cluster, need);
        }
    }

    /**
     * Refuses a cluster whose spec lacks a declared network, has one with other settings, or wires a
     * node's NICs differently: a router runbook's {@code eth1} must be on the network it names. A CIDR
     * the platform allocated cannot be compared (the spec does not record it) and is accepted.
     */
    private static void checkNetworks(Topology topology, Cluster cluster, String need) {
        ClusterSpec spec = cluster.spec();
        String hint = "; provision the runbook's topology (runbook.topology().toClusterSpec()) or use run(antrieb)";
        if (!spec.declaresNetworks()) {
            throw new RunbookException("this runbook needs the networks " + topology.networks().stream().map(Topology.Network::name).toList()
                    + " and cluster " + cluster.id() + " has only the default network" + hint);
        }
        Map<String, NetworkSpec> have = new LinkedHashMap<>();
        spec.networks().forEach(n -> have.put(n.name(), n));
        for (Topology.Network wanted : topology.networks()) {
            NetworkSpec want = wanted.toNetworkSpec();
            NetworkSpec got = have.get(want.name());
            if (got == null) {
                throw new RunbookException("this runbook needs network '" + want.name() + "' and cluster " + cluster.id()
                        + " has " + spec.networks().stream().map(NetworkSpec::name).toList() + hint);
            }
            boolean sameCidr = want.cidr().isEmpty() || got.cidr().isEmpty() || want.cidr().equals(got.cidr());
            if (want.egress() != got.egress() || want.dhcp() != got.dhcp() || !sameCidr) {
                throw new RunbookException("this runbook needs network '" + want + "' and cluster " + cluster.id()
                        + " has '" + got + "'" + hint);
            }
        }
        for (Map.Entry<String, List<String>> e : topology.nics().entrySet()) {
            List<String> got = spec.nics().getOrDefault(e.getKey(), List.of());
            if (!got.equals(e.getValue())) {
                throw new RunbookException("this runbook needs " + e.getKey() + "'s NICs on " + e.getValue() + " (eth0 first) and cluster "
                        + cluster.id() + " has them on " + got + hint);
            }
        }
    }

    /**
     * Whether a node booted from {@code actual} is what the runbook's {@code wanted} asks for, versions aside
     * ({@link ImageRef#sameImage}): {@code debian12} matches {@code antrieb:debian12:v3}, {@code web} matches a saved
     * image provisioning on behalf of namespace {@code acme} pinned to {@code antrieb:acme/web:v2}, {@code bob/web} does not.
     */
    static boolean sameImage(String wanted, String actual) {
        Optional<ImageRef> w = ImageRef.tryParse(wanted);
        Optional<ImageRef> a = ImageRef.tryParse(actual);
        return w.isPresent() && a.isPresent() ? w.get().sameImage(a.get()) : Objects.equals(wanted, actual);
    }

    /**
     * Runs {@code runbook} (whose variables all have values) on {@code cluster}. When its steps made faults, every
     * fault of the cluster is healed when the run ends, pass or fail.
     */
    public static RunbookResult run(Runbook runbook, Cluster cluster, ExecOptions options) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        List<StepResult> steps = new ArrayList<>();
        List<FiredFault> fired = new ArrayList<>();
        Failure failure = null;
        List<ExecResult> verify = new ArrayList<>();
        boolean verifyRan = false;
        List<Faults.Active> healed;
        try {
            int total = runbook.steps().size();
            for (Step step : runbook.steps()) {
                log.info("runbook '{}' on {}: step {}/{} {}", runbook.title(), cluster.id(), step.number(), total, step.title());
                List<ExecResult> results = new ArrayList<>();
                List<FiredFault> stepFaults = new ArrayList<>();
                ExecResult bad = runBlocks(runbook, cluster, step.commands(), options, results, stepFaults);
                fired.addAll(stepFaults);
                steps.add(new StepResult(step, results, stepFaults));
                if (bad != null) {
                    failure = new Failure(Phase.STEP, step.number(), step.title(), bad);
                    break;
                }
            }
            verifyRan = failure == null;
            if (verifyRan) {
                log.info("runbook '{}' on {}: verify ({} block(s))", runbook.title(), cluster.id(), runbook.verify().size());
                ExecResult bad = runBlocks(runbook, cluster, runbook.verify(), options, verify, new ArrayList<>());
                if (bad != null) {
                    failure = new Failure(Phase.VERIFY, 0, "Verify", bad);
                }
            }
        } finally {
            healed = healIfFired(cluster, fired, "runbook '" + runbook.title() + "'");
        }
        if (failure != null) {
            log.info("runbook '{}' on {}: {}", runbook.title(), cluster.id(), failure.summary());
        } else {
            log.info("runbook '{}' on {}: succeeded", runbook.title(), cluster.id());
        }
        return new RunbookResult(runbook, cluster.id(), startedAt, Duration.ofNanos(System.nanoTime() - start), steps, verify,
                verifyRan, failure, healed);
    }

    /**
     * When {@code fired} is not empty: every fault in force on the cluster, then healed. A heal that fails is logged
     * (the cluster's close, TTL and sweep still remove its faults) and does not hide the run's own outcome.
     */
    public static List<Faults.Active> healIfFired(Cluster cluster, List<FiredFault> fired, String what) {
        if (fired.isEmpty()) {
            return List.of();
        }
        try {
            Faults faults = cluster.faults();
            List<Faults.Active> active = faults.active();
            faults.heal();
            log.info("{} on {}: healed the faults in force at its end: {}", what, cluster.id(), active.isEmpty() ? "none" : active);
            return active;
        } catch (RuntimeException e) {
            log.warn("{} on {}: could not heal its faults ({}); closing the cluster removes them", what, cluster.id(), e.toString());
            return List.of();
        }
    }

    /** Runs the blocks in order into {@code results} and {@code fired}; returns the first failing result, or null. */
    private static ExecResult runBlocks(Runbook runbook, Cluster cluster, List<CommandBlock> blocks, ExecOptions options,
                                        List<ExecResult> results, List<FiredFault> fired) {
        for (CommandBlock block : blocks) {
            if (block.isFault()) {
                ExecResult bad = makeFaults(cluster, block, fired);
                if (bad != null) {
                    return bad;
                }
                continue;
            }
            String command = Placeholders.substitute(block.script(), runbook.values());
            List<ExecResult> ran = runBlock(cluster, block.nodes(), command, options);
            results.addAll(ran);
            for (ExecResult r : ran) {
                if (!r.succeeded()) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * Makes the faults of a fault block on {@code cluster}, in order, into {@code fired}. Returns null when all were
     * made; else, for the one that could not be, a result on node {@code host} whose command is
     * {@code fault: <line>}, exit code -1 and the reason in stderr (the later faults of the block are not made).
     */
    public static ExecResult makeFaults(Cluster cluster, CommandBlock block, List<FiredFault> fired) {
        List<Integer> lines = faultLines(block);
        for (int i = 0; i < block.faults().size(); i++) {
            Fault fault = block.faults().get(i);
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            try {
                fault.applyTo(cluster.faults());
            } catch (AntriebException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
                log.info("on {}: fault {} could not be made: {}", cluster.id(), fault, e.getMessage());
                return new ExecResult(HOST, "fault: " + fault, -1, "", "the fault could not be made: " + e.getMessage(), started,
                        Duration.between(started, Instant.now()), false);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            log.info("on {}: fault {}: {} ({} ms)", cluster.id(), fault, fault.done(), took.toMillis());
            fired.add(new FiredFault(fault, lines.get(i), started, took));
        }
        return null;
    }

    /** The 1-based line of each fault of {@code block}: its fault lines are those neither blank nor comments. */
    private static List<Integer> faultLines(CommandBlock block) {
        List<Integer> lines = new ArrayList<>();
        List<String> text = block.script().lines().toList();
        for (int i = 0; i < text.size(); i++) {
            String l = text.get(i).strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                lines.add(block.line() == 0 ? 0 : block.line() + 1 + i);
            }
        }
        while (lines.size() < block.faults().size()) {
            lines.add(0); // a block made in code whose text does not list its faults one per line
        }
        return lines;
    }

    /**
     * Runs {@code command} on each of {@code nodes} (at once when several) and returns one result per node in
     * their order; a command the cluster could not run at all gives exit code -1 with the reason in stderr.
     */
    public static List<ExecResult> runBlock(Cluster cluster, List<String> nodes, String command, ExecOptions options) {
        if (nodes.size() == 1) {
            return List.of(execOne(cluster, nodes.get(0), command, options));
        }
        List<CompletableFuture<ExecResult>> running = new ArrayList<>();
        for (String node : nodes) {
            Instant started = Instant.now();
            CompletableFuture<ExecResult> f;
            try {
                f = cluster.execAsync(node, command, options)
                        .exceptionally(e -> unrunnable(node, command, started, unwrap(e)));
            } catch (AntriebException e) {
                f = CompletableFuture.completedFuture(unrunnable(node, command, started, e));
            }
            running.add(f);
        }
        return running.stream().map(CompletableFuture::join).toList();
    }

    private static ExecResult execOne(Cluster cluster, String node, String command, ExecOptions options) {
        Instant started = Instant.now();
        try {
            return cluster.exec(node, command, options);
        } catch (AntriebException e) {
            return unrunnable(node, command, started, e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * A result for a command the cluster could not run at all (it expired, say): exit code -1 and the
     * reason in stderr, like an unreachable node, so the run stops and reports it instead of throwing
     * away the results so far. Errors that are not Antrieb's own (bugs) are rethrown.
     */
    private static ExecResult unrunnable(String node, String command, Instant started, Throwable e) {
        if (!(e instanceof AntriebException)) {
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e);
        }
        return new ExecResult(node, command, -1, "", e.getMessage(), started, Duration.between(started, Instant.now()), false);
    }
}
