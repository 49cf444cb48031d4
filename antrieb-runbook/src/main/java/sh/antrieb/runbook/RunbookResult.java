package sh.antrieb.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import sh.antrieb.ExecResult;
import sh.antrieb.Fault;
import sh.antrieb.Faults;
import sh.antrieb.runbook.internal.ResultRenderer;

/**
 * What running a runbook did: per step the commands with their node, exit code, duration and output;
 * the verify commands; and, when it failed, which step (or verify), node and command failed. Made by
 * {@link Runbook#runOn(sh.antrieb.Cluster)}; immutable.
 *
 * <p>Steps run in order and stop at the first failing command; {@link #steps()} holds the steps that
 * started, the failing one last. Verify runs only when every step passed.
 */
public final class RunbookResult {
    /** Lines of stdout and stderr kept in renderings ({@link #toMarkdown()}, {@link #toJson()}): the tail. */
    public static final int TAIL_LINES = 20;
    /** Characters of stdout and stderr kept in renderings at most, for output with very long lines. */
    public static final int TAIL_CHARS = 4000;

    /** Where a failure happened. */
    public enum Phase {
        /** In one of the numbered steps. */
        STEP,
        /** In {@code ## Verify}, after every step passed. */
        VERIFY
    }

    /**
     * A fault a step's {@code ```fault} block made on the cluster.
     *
     * @param fault     the fault
     * @param line      1-based line of its text in the runbook, 0 when not parsed from markdown
     * @param startedAt when it was made
     * @param duration  how long making it took (a power-on waits for the node to answer)
     */
    public record FiredFault(Fault fault, int line, Instant startedAt, Duration duration) {
        /** Checks the values. */
        public FiredFault {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(duration, "duration");
        }
    }

    /**
     * A step that ran, with its commands in the order they ran (a block on several nodes gives one
     * result per node, in the order the nodes were named) and the faults its fault blocks made.
     *
     * @param step     the step as parsed
     * @param commands what each command did
     * @param faults   the faults made, in order; a fault that could not be made is the run's {@link Failure}
     */
    public record StepResult(Step step, List<ExecResult> commands, List<FiredFault> faults) {
        /** Copies the lists. */
        public StepResult {
            Objects.requireNonNull(step, "step");
            commands = List.copyOf(commands);
            faults = List.copyOf(faults);
        }

        /** A step that made no faults. */
        public StepResult(Step step, List<ExecResult> commands) {
            this(step, commands, List.of());
        }

        /** The step's number. */
        public int number() {
            return step.number();
        }

        /** The step's title. */
        public String title() {
            return step.title();
        }

        /** Whether every command of the step ran and succeeded, and every fault of it was made. */
        public boolean succeeded() {
            int expected = step.commands().stream().filter(c -> !c.isFault()).mapToInt(c -> c.nodes().size()).sum();
            int faultsExpected = step.commands().stream().mapToInt(c -> c.faults().size()).sum();
            return commands.size() == expected && faults.size() == faultsExpected && commands.stream().allMatch(ExecResult::succeeded);
        }
    }

    /**
     * The command that stopped the run.
     *
     * @param phase  a step or verify
     * @param step   the step's number, 0 for verify
     * @param title  the step's title, or {@code Verify}
     * @param result what the command did; when the cluster could not run it at all (it expired, say), exit
     *               code -1 and the reason in stderr; for a fault that could not be made, its line as the command
     *               ({@code fault: freeze node1}), on node {@code host}, exit code -1 and the reason in stderr
     */
    public record Failure(Phase phase, int step, String title, ExecResult result) {
        /** Checks the values. */
        public Failure {
            Objects.requireNonNull(phase, "phase");
            Objects.requireNonNull(result, "result");
        }

        /** The node the command ran on. */
        public String node() {
            return result.node();
        }

        /** The command as run (variables substituted). */
        public String command() {
            return result.command();
        }

        /** The command's exit code, -1 when it had none (timed out, node unreachable). */
        public int exitCode() {
            return result.exitCode();
        }

        /** One line: where it failed and how, e.g. {@code step 2 (Configure nginx) failed on node1: exit 1}. */
        public String summary() {
            String where = phase == Phase.STEP ? "step " + step + " (" + title + ")" : "verify";
            String how = result.timedOut() ? "timed out" : "exit " + result.exitCode();
            return where + " failed on " + result.node() + ": " + how + " after " + result.duration().toMillis() + " ms";
        }
    }

    private final Runbook runbook;
    private final String clusterId;
    private final Instant startedAt;
    private final Duration duration;
    private final List<StepResult> steps;
    private final List<ExecResult> verify;
    private final boolean verifyRan;
    private final Failure failure;
    private final List<Faults.Active> healed;

    /**
     * A result; made by the runbook executor, public so renderers and tests can build one.
     *
     * @param runbook   the runbook that ran (with its variables)
     * @param clusterId the cluster it ran on
     * @param startedAt when the first command started
     * @param duration  how long the whole run took
     * @param steps     the steps that started, in order
     * @param verify    the verify commands that ran, in order
     * @param verifyRan whether verify started (every step passed)
     * @param failure   the command that stopped the run, or null when it succeeded
     */
    public RunbookResult(Runbook runbook, String clusterId, Instant startedAt, Duration duration, List<StepResult> steps,
                         List<ExecResult> verify, boolean verifyRan, Failure failure) {
        this(runbook, clusterId, startedAt, duration, steps, verify, verifyRan, failure, List.of());
    }

    /**
     * A result of a run that made faults.
     *
     * @param healed the faults in force when the run ended, which it then healed (empty when it made none)
     * @see #RunbookResult(Runbook, String, Instant, Duration, List, List, boolean, Failure)
     */
    public RunbookResult(Runbook runbook, String clusterId, Instant startedAt, Duration duration, List<StepResult> steps,
                         List<ExecResult> verify, boolean verifyRan, Failure failure, List<Faults.Active> healed) {
        this.healed = List.copyOf(healed);
        this.runbook = Objects.requireNonNull(runbook, "runbook");
        this.clusterId = clusterId;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.steps = List.copyOf(steps);
        this.verify = List.copyOf(verify);
        this.verifyRan = verifyRan;
        this.failure = failure;
    }

    /** The runbook that ran, with the variable values it ran with. */
    public Runbook runbook() {
        return runbook;
    }

    /** The id of the cluster it ran on. */
    public String clusterId() {
        return clusterId;
    }

    /** When the run started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** How long the run took. */
    public Duration duration() {
        return duration;
    }

    /** Whether every step and every verify command succeeded. */
    public boolean succeeded() {
        return failure == null;
    }

    /** The steps that started, in order; when the run failed in a step, that step is the last. */
    public List<StepResult> steps() {
        return steps;
    }

    /** The verify commands that ran, in order; empty when a step failed. */
    public List<ExecResult> verify() {
        return verify;
    }

    /** Whether verify started, i.e. every step passed. */
    public boolean verifyRan() {
        return verifyRan;
    }

    /** The command that stopped the run, when it failed. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** Every fault the steps made, in order. */
    public List<FiredFault> faults() {
        return steps.stream().flatMap(s -> s.faults().stream()).toList();
    }

    /**
     * The faults in force when the run ended, pass or fail, which it healed ({@link Faults#heal()}) because it had
     * made faults; empty when it made none (faults made before the run are then left as they are).
     */
    public List<Faults.Active> healed() {
        return healed;
    }

    /** Every command that ran, steps then verify, in order. */
    public List<ExecResult> commands() {
        return java.util.stream.Stream.concat(steps.stream().flatMap(s -> s.commands().stream()), verify.stream()).toList();
    }

    /** A markdown report: outcome first, then the failure, then each step and verify with commands and output tails. */
    public String toMarkdown() {
        return ResultRenderer.markdown(this);
    }

    /** The same report as a JSON object (snake_case keys), for programs and MCP clients. */
    public String toJson() {
        return ResultRenderer.json(this);
    }

    /** One line: the runbook's title and the outcome. */
    @Override
    public String toString() {
        return "RunbookResult[" + runbook.title() + ": " + (failure == null ? "succeeded" : failure.summary()) + "]";
    }
}
