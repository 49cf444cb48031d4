package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One thing that failed in a validation run: where (phase, step, node), what ran, how it ended, and why.
 *
 * @param phase      the first run of the steps, their second run (idempotence) or verify
 * @param step       the step's number (1-based), 0 for a verify check
 * @param stepTitle  the step's title, or {@code Verify}
 * @param node       the node the command ran on
 * @param command    the command as it ran
 * @param exitCode   its exit status, -1 when it had none (timed out, node unreachable), 0 for a step whose
 *                   second run passed but changed files
 * @param timedOut   whether it was killed at its timeout
 * @param duration   how long it ran
 * @param stdoutTail the last lines of its stdout
 * @param stderrTail the last lines of its stderr
 * @param cause      why it failed
 * @param evidence   the lines the cause was read from: output lines, unit status and journal lines, changed files
 */
public record Finding(Phase phase, int step, String stepTitle, String node, String command, int exitCode, boolean timedOut,
                      Duration duration, String stdoutTail, String stderrTail, Cause cause, List<String> evidence) {

    /** Where in a validation run a finding comes from. */
    public enum Phase {
        /** The first run of the steps. */
        STEP,
        /** The second run of the steps, which must change nothing. */
        IDEMPOTENCE,
        /** The verify checks. */
        VERIFY
    }

    /** Checks and copies the values. */
    public Finding {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(cause, "cause");
        evidence = List.copyOf(evidence);
        stdoutTail = stdoutTail == null ? "" : stdoutTail;
        stderrTail = stderrTail == null ? "" : stderrTail;
    }

    /** One line: where and why, e.g. {@code step 2 (Serve it) on node1: unit_failed (exit 1)}. */
    public String summary() {
        String where = phase == Phase.VERIFY ? "verify" : (phase == Phase.IDEMPOTENCE ? "second run of step " : "step ")
                + step + " (" + stepTitle + ")";
        String how = timedOut ? "timed out" : "exit " + exitCode;
        return where + " on " + node + ": " + cause.id() + " (" + how + ")"
                + (evidence.isEmpty() ? "" : ": " + evidence.get(0));
    }
}
