package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import sh.antrieb.ExecResult;

/**
 * One try of a convergence: the code, the fresh cluster it ran on, what it found, and, when it failed,
 * the recovery path taken and why, with the model's requests and replies and the troubleshooting commands.
 *
 * @param number                 1-based
 * @param code                   the code that ran
 * @param clusterId              the fresh cluster it ran on
 * @param findings               what the pass found (commands, outputs, timings)
 * @param path                   the recovery path after it failed, null when it passed or the run stopped
 * @param reason                 why that path (or why the run went on or stopped here)
 * @param exchanges              the model's requests and replies made for this iteration (the generation of
 *                               its code, for the first; the recovery after it)
 * @param troubleshootCommands   the commands the model ran on the failed cluster, with their output
 * @param duration               wall time of the iteration: provisioning, the pass, the recovery
 */
public record Iteration(int number, Code code, String clusterId, Findings findings, RecoveryPath path, String reason,
                        List<ModelExchange> exchanges, List<ExecResult> troubleshootCommands, Duration duration) {
    /** Copies the lists. */
    public Iteration {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(findings, "findings");
        exchanges = List.copyOf(exchanges);
        troubleshootCommands = List.copyOf(troubleshootCommands);
        reason = reason == null ? "" : reason;
    }

    /** The recovery path taken after this iteration, when one was. */
    public Optional<RecoveryPath> recovery() {
        return Optional.ofNullable(path);
    }

    /** Whether the code passed. */
    public boolean passed() {
        return findings.passed();
    }

    /** Time the model took for this iteration. */
    public Duration modelTime() {
        return exchanges.stream().map(ModelExchange::duration).reduce(Duration.ZERO, Duration::plus);
    }
}
