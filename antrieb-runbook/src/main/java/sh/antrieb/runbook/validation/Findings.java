package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.validation.internal.FindingsRenderer;

/**
 * What one validation pass on one cluster found: every step's commands with exit codes, output and
 * timings (first run, then the second run when idempotence is checked), the verify checks, and the
 * failures with their cause and evidence. Immutable.
 *
 * <pre>{@code
 * Findings f = validation.run(antrieb);
 * if (!f.passed()) {
 *     f.failures().forEach(x -> log.warn("{}", x.summary()));
 * }
 * }</pre>
 */
public final class Findings {
    /**
     * One step as it ran once.
     *
     * @param run      1 for the first run, 2 for the idempotence run
     * @param step     the step
     * @param results  one result per node it ran on
     * @param changed  on the second run: the files it changed ({@code node1:/etc/x}) or the Ansible tasks
     *                 that reported changed; empty otherwise
     * @param duration the step's wall time
     */
    public record StepRun(int run, Step step, List<ExecResult> results, List<String> changed, Duration duration) {
        /** Copies the lists. */
        public StepRun {
            Objects.requireNonNull(step, "step");
            results = List.copyOf(results);
            changed = List.copyOf(changed);
        }

        /** Whether every command of the step succeeded. */
        public boolean succeeded() {
            return results.stream().allMatch(ExecResult::succeeded);
        }
    }

    private final Code code;
    private final String clusterId;
    private final Duration provisionTime;
    private final Instant startedAt;
    private final Duration duration;
    private final List<StepRun> steps;
    private final List<ExecResult> verify;
    private final List<Finding> failures;
    private final List<ExecResult> engineCommands;
    private final boolean idempotenceChecked;
    private final Cluster cluster;

    /**
     * Findings; made by the engine, public so renderers and tests can build them.
     *
     * @param code               the code that ran
     * @param clusterId          the cluster it ran on
     * @param provisionTime      how long that cluster took to provision, zero for a cluster the caller gave
     * @param startedAt          when the first command started
     * @param duration           how long the commands took in all (provisioning not included)
     * @param steps              the step runs in order
     * @param verify             the verify checks that ran
     * @param failures           what failed, in the order found
     * @param engineCommands     the engine's own commands (marks, fingerprints, unit probes)
     * @param idempotenceChecked whether the steps ran a second time
     * @param cluster            the cluster when it was kept (destroy policy), else null
     */
    public Findings(Code code, String clusterId, Duration provisionTime, Instant startedAt, Duration duration, List<StepRun> steps,
                    List<ExecResult> verify, List<Finding> failures, List<ExecResult> engineCommands, boolean idempotenceChecked,
                    Cluster cluster) {
        this.code = Objects.requireNonNull(code, "code");
        this.clusterId = clusterId;
        this.provisionTime = Objects.requireNonNull(provisionTime, "provisionTime");
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.steps = List.copyOf(steps);
        this.verify = List.copyOf(verify);
        this.failures = List.copyOf(failures);
        this.engineCommands = List.copyOf(engineCommands);
        this.idempotenceChecked = idempotenceChecked;
        this.cluster = cluster;
    }

    /** These findings with {@code cluster} as the kept cluster (null: destroyed). */
    Findings withCluster(Cluster kept) {
        return new Findings(code, clusterId, provisionTime, startedAt, duration, steps, verify, failures, engineCommands,
                idempotenceChecked, kept);
    }

    /** Whether every step passed (twice, when idempotence is checked, changing nothing the second time) and every check. */
    public boolean passed() {
        return failures.isEmpty();
    }

    /** What failed, in the order found; empty when {@link #passed()}. */
    public List<Finding> failures() {
        return failures;
    }

    /** The code that ran. */
    public Code code() {
        return code;
    }

    /** The id of the cluster it ran on. */
    public String clusterId() {
        return clusterId;
    }

    /** How long provisioning that cluster took; zero when the caller gave the cluster. */
    public Duration provisionTime() {
        return provisionTime;
    }

    /** When the first command started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** How long the pass took from the first command to the last (provisioning not included). */
    public Duration duration() {
        return duration;
    }

    /** The step runs in order: the first run's, then the second run's. */
    public List<StepRun> steps() {
        return steps;
    }

    /** The verify checks that ran, in order; empty when a step failed on its first run. */
    public List<ExecResult> verify() {
        return verify;
    }

    /** The engine's own commands on the cluster (idempotence marks and fingerprints, unit probes). */
    public List<ExecResult> engineCommands() {
        return engineCommands;
    }

    /** Whether the steps ran a second time to check that they change nothing. */
    public boolean idempotenceChecked() {
        return idempotenceChecked;
    }

    /**
     * The cluster, when the destroy policy kept it: open until its TTL ({@link Cluster#expiresAt()}) or
     * until closed. Empty when it was destroyed, or when the caller gave the cluster (it is the caller's).
     */
    public Optional<Cluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** Wall time of the code's own commands: every step run and every check. */
    public Duration codeTime() {
        Duration d = steps.stream().map(StepRun::duration).reduce(Duration.ZERO, Duration::plus);
        return verify.stream().map(ExecResult::duration).reduce(d, Duration::plus);
    }

    /**
     * A short text that two findings share when they failed the same way (same phase, step, node, cause
     * and last evidence line, with digits left out): how a convergence sees a retry repeat a failure.
     * Empty when passed.
     */
    public String signature() {
        if (failures.isEmpty()) {
            return "";
        }
        Finding f = failures.get(0);
        String ev = f.evidence().isEmpty() ? f.stderrTail() : f.evidence().get(f.evidence().size() - 1);
        return (f.phase() + "|" + f.step() + "|" + f.node() + "|" + f.cause() + "|" + ev).replaceAll("\\d+", "#");
    }

    /** A markdown report: outcome, failures with cause and evidence, then every step and check. */
    public String toMarkdown() {
        return FindingsRenderer.markdown(this);
    }

    /** The same as a JSON object (snake_case keys), for programs and MCP clients. */
    public String toJson() {
        return FindingsRenderer.json(this);
    }

    /** The outcome in one line. */
    @Override
    public String toString() {
        return "Findings[" + clusterId + ": " + (passed() ? "passed" : failures.get(0).summary()
                + (failures.size() > 1 ? " (+" + (failures.size() - 1) + " more)" : "")) + "]";
    }
}
