package sh.antrieb.runbook.validation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Cluster;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.runbook.CommandBlock;
import sh.antrieb.runbook.RunbookResult.FiredFault;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.internal.ResultRenderer;
import sh.antrieb.runbook.internal.RunbookExecutor;
import sh.antrieb.runbook.validation.Cause;
import sh.antrieb.runbook.validation.Finding;
import sh.antrieb.runbook.validation.Finding.Phase;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.Findings.StepRun;

/**
 * One validation pass on a cluster, in Molecule's order: the steps, the steps again (idempotence: they
 * must pass and change nothing), then every verify check. A failed step stops its run; a failed first run
 * skips the rest. After a failure the failing node is asked about its systemd units, so a unit that failed
 * to start is named with its journal. A step's fault blocks are made as in a runbook run (a fault that cannot be
 * made fails the step); every fault is healed after the first run (so the second starts without them) and when the
 * pass ends.
 */
public final class Runner {
    private static final Logger log = LoggerFactory.getLogger(Runner.class);

    private final Plan plan;
    private final Cluster cluster;
    private final boolean idempotence;
    private final ExecOptions options;
    private final List<ExecResult> engine = new ArrayList<>();
    private final List<Finding> failures = new ArrayList<>();
    private final List<StepRun> runs = new ArrayList<>();
    /** Faults the steps' fault blocks made: healed when the pass ends. */
    private final List<FiredFault> fired = new ArrayList<>();
    /** Per node: its uptime in microseconds when the pass started; units whose state changed before are not the code's doing. */
    private final Map<String, Long> uptimeAtStart = new HashMap<>();
    /** Per node, path to the MD5 it had when last seen changed. */
    private final Map<String, Map<String, String>> known = new HashMap<>();

    private Runner(Plan plan, Cluster cluster, boolean idempotence, ExecOptions options) {
        this.plan = plan;
        this.cluster = cluster;
        this.idempotence = idempotence;
        this.options = options;
    }

    /** Runs {@code plan} on {@code cluster}, which stays as the run leaves it. */
    public static Findings run(Plan plan, Cluster cluster, boolean idempotence, ExecOptions options, Duration provisionTime) {
        return new Runner(plan, cluster, idempotence, options).run(provisionTime);
    }

    private Findings run(Duration provisionTime) {
        try {
            return runAll(provisionTime);
        } finally {
            RunbookExecutor.healIfFired(cluster, fired, "validation");
        }
    }

    private Findings runAll(Duration provisionTime) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        List<String> nodes = cluster.nodes().stream().map(sh.antrieb.Node::name).toList();
        // Before anything: each node's uptime (a unit that failed before it is not the code's doing) and, for
        // idempotence, the mark. Cheap on purpose: no systemctl, which costs most of a second on an emulated CPU.
        String before = (idempotence && !plan.ansible() ? Fingerprint.markCommand() + "; " : "") + "cat /proc/uptime";
        List<ExecResult> pre = RunbookExecutor.runBlock(cluster, nodes, before, options);
        engine.addAll(pre);
        pre.forEach(r -> uptimeAtStart.put(r.node(), Classifier.uptimeMicros(r.stdout())));

        boolean firstPassed = runSteps(1, nodes);
        List<ExecResult> verify = new ArrayList<>();
        if (firstPassed) {
            if (idempotence) {
                // The second run starts from the cluster as provisioned and configured, not under the first run's
                // faults: it makes them again where the steps say.
                RunbookExecutor.healIfFired(cluster, fired, "validation run 1");
                fired.clear();
                if (!plan.ansible()) {
                    fileChanges(1, nodes); // what the first run left: the second run's steps are compared with it
                }
                runSteps(2, nodes);
            }
            for (CommandBlock check : plan.verify()) {
                for (ExecResult r : RunbookExecutor.runBlock(cluster, check.nodes(), check.script(), options)) {
                    verify.add(r);
                    if (!r.succeeded()) {
                        failures.add(verifyFinding(r));
                    }
                }
            }
        }
        Findings f = new Findings(plan.code(), cluster.id(), provisionTime, startedAt, Duration.ofNanos(System.nanoTime() - start),
                runs, verify, failures, engine, idempotence && firstPassed, null);
        log.info("validation on {}: {}", cluster.id(), f.passed() ? "passed" : f.failures().get(0).summary());
        return f;
    }

    /** One run of every step; returns whether every step passed. */
    private boolean runSteps(int run, List<String> nodes) {
        Phase phase = run == 1 ? Phase.STEP : Phase.IDEMPOTENCE;
        for (Step step : plan.steps()) {
            log.info("validation on {}: run {} step {}/{} {}", cluster.id(), run, step.number(), plan.steps().size(), step.title());
            long t0 = System.nanoTime();
            List<ExecResult> results = new ArrayList<>();
            ExecResult bad = null;
            for (CommandBlock block : step.commands()) {
                if (block.isFault()) {
                    bad = RunbookExecutor.makeFaults(cluster, block, fired);
                    if (bad != null) {
                        results.add(bad);
                        break;
                    }
                    continue;
                }
                List<ExecResult> ran = RunbookExecutor.runBlock(cluster, block.nodes(), block.script(), options);
                results.addAll(ran);
                bad = ran.stream().filter(r -> !r.succeeded()).findFirst().orElse(null);
                if (bad != null) {
                    break;
                }
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - t0);
            List<String> changed = new ArrayList<>();
            if (idempotence && bad == null && run == 2) {
                // The first run is fingerprinted once at its end; each step of the second run on its own, to name it.
                changed.addAll(plan.ansible() ? ansibleChanges(results) : fileChanges(run, nodes));
            }
            runs.add(new StepRun(run, step, results, changed, wall));
            if (bad != null) {
                failures.add(stepFinding(phase, step, bad));
                return false;
            }
            if (!changed.isEmpty()) {
                ExecResult r = results.get(0);
                List<String> ev = new ArrayList<>();
                ev.add("the second run of step " + step.number() + " (" + step.title() + ") changed " + changed.size()
                        + (plan.ansible() ? " task(s)" : " file(s)") + ": a step must leave an already configured node as it is");
                changed.stream().limit(20).forEach(ev::add);
                failures.add(new Finding(phase, step.number(), step.title(), r.node(), r.command(), r.exitCode(), false, wall,
                        ResultRenderer.tail(r.stdout()), ResultRenderer.tail(r.stderr()), Cause.NOT_IDEMPOTENT, ev));
            }
        }
        return true;
    }

    /** The files the step changed on any node, as {@code node:/path}; on the first run only remembered. */
    private List<String> fileChanges(int run, List<String> nodes) {
        List<ExecResult> prints = RunbookExecutor.runBlock(cluster, nodes, Fingerprint.command(), options);
        engine.addAll(prints);
        List<String> changed = new ArrayList<>();
        for (ExecResult p : prints) {
            Map<String, String> seen = known.computeIfAbsent(p.node(), n -> new HashMap<>());
            Fingerprint.parse(p.stdout()).forEach((path, md5) -> {
                String old = seen.put(path, md5);
                if (run == 2 && !md5.equals(old)) {
                    changed.add(p.node() + ":" + path);
                }
            });
        }
        return changed;
    }

    private List<String> ansibleChanges(List<ExecResult> results) {
        List<String> changed = new ArrayList<>();
        for (ExecResult r : results) {
            if (AnsibleOutput.changedCount(r.stdout()) > 0) {
                changed.addAll(AnsibleOutput.changedTasks(r.stdout()));
            }
        }
        return changed;
    }

    private Finding stepFinding(Phase phase, Step step, ExecResult bad) {
        Classifier.Diagnosis d = Classifier.classify(bad, units(bad));
        Cause cause = d.cause();
        List<String> ev = new ArrayList<>(d.evidence());
        if (phase == Phase.IDEMPOTENCE) {
            ev.add(0, "step " + step.number() + " (" + step.title() + ") passed on its first run and failed on its second ("
                    + d.cause().id() + "): it cannot run on a node it already configured");
            cause = Cause.NOT_IDEMPOTENT;
        }
        return finding(phase, step.number(), step.title(), bad, cause, ev);
    }

    private Finding verifyFinding(ExecResult bad) {
        Classifier.Diagnosis d = Classifier.classify(bad, units(bad));
        List<String> ev = new ArrayList<>();
        ev.add("check failed on " + bad.node() + (bad.timedOut() ? ": timed out" : ": exit " + bad.exitCode())
                + (d.cause() == Cause.COMMAND_FAILED ? "" : " (" + d.cause().id() + ")"));
        ev.addAll(d.evidence().stream().filter(l -> !l.equals("exit " + bad.exitCode() + " with no output")).toList());
        return finding(Phase.VERIFY, 0, "Verify", bad, Cause.VERIFY_FAILED, ev);
    }

    private static Finding finding(Phase phase, int step, String title, ExecResult r, Cause cause, List<String> evidence) {
        return new Finding(phase, step, title, r.node(), r.command(), r.exitCode(), r.timedOut(), r.duration(),
                ResultRenderer.tail(r.stdout()), ResultRenderer.tail(r.stderr()), cause, evidence);
    }

    /** The units failed on the node since the run started, or named in the output, with their journals. */
    private Map<String, List<String>> units(ExecResult bad) {
        if (bad.exitCode() == -1 && !bad.timedOut()) {
            return Map.of(); // unreachable: nothing to ask
        }
        Set<String> named = Classifier.unitsNamed(bad);
        ExecResult probe = RunbookExecutor.runBlock(cluster, List.of(bad.node()), Classifier.unitProbe(named), options).get(0);
        engine.add(probe);
        Map<String, List<String>> units = Classifier.parseUnits(probe.stdout());
        long started = uptimeAtStart.getOrDefault(bad.node(), 0L);
        units.entrySet().removeIf(e -> !named.contains(e.getKey()) && Classifier.stateChangedMicros(e.getValue()) < started);
        units.values().forEach(lines -> lines.removeIf(l -> l.startsWith(Classifier.SINCE)));
        // A unit the output names but that is running fine is no evidence of anything.
        units.entrySet().removeIf(e -> !named.contains(e.getKey()) ? false
                : e.getValue().stream().anyMatch(l -> l.equals("state: active")));
        return units;
    }
}
