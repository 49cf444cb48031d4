package sh.antrieb.runbook.validation;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The "decide" role: which recovery path a failed iteration takes, and why. The reason is recorded in
 * the iteration and the report.
 */
@FunctionalInterface
public interface RecoveryPolicy {

    /**
     * A path and the reason for it.
     *
     * @param path   retry or troubleshoot
     * @param reason one sentence, for the report
     */
    record Decision(RecoveryPath path, String reason) {
        /** Checks the values. */
        public Decision {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Decides for {@code findings}, the failed iteration's; {@code earlier} are the iterations before it.
     */
    Decision decide(Findings findings, List<Iteration> earlier);

    /**
     * The default: troubleshoot when the cause needs a look at the machine (a unit that failed, a check
     * that failed, a network problem, a bare non-zero exit), retry when the findings already say what to
     * change (a missing package or command, permissions, a timeout, a step that is not idempotent).
     */
    static RecoveryPolicy byCause() {
        Set<Cause> look = EnumSet.of(Cause.UNIT_FAILED, Cause.VERIFY_FAILED, Cause.NETWORK, Cause.COMMAND_FAILED);
        return (findings, earlier) -> {
            Finding first = findings.failures().get(0);
            return look.contains(first.cause())
                    ? new Decision(RecoveryPath.TROUBLESHOOT, first.cause().id() + " needs a look at the failed node before a rewrite")
                    : new Decision(RecoveryPath.RETRY, first.cause().id() + " says what to change: the findings go back for a rewrite");
        };
    }

    /** Always {@code path}, e.g. {@code RecoveryPolicy.always(RecoveryPath.RETRY)} for models without tool calling. */
    static RecoveryPolicy always(RecoveryPath path) {
        Objects.requireNonNull(path, "path");
        return (findings, earlier) -> new Decision(path, "the policy always takes " + path.id());
    }
}
