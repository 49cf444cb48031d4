package sh.antrieb.runbook.validation;

import java.util.Locale;

/** Why a convergence ended. */
public enum Stop {
    /** The code converged and the distilled runbook passed on a brand-new cluster. */
    VERIFIED,
    /** The code converged but the distilled runbook failed its proof on a brand-new cluster. */
    NOT_PROVEN,
    /** The iteration budget ran out before the code passed. */
    MAX_ITERATIONS,
    /** The time budget ran out before the code passed. */
    TIME_LIMIT,
    /** A rewrite failed the same way as an earlier iteration: more of the same would not help. */
    REPEATED_FAILURE,
    /** The model failed (an error, or a reply without code). */
    MODEL_FAILED;

    /** The lower-case name, as reports spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
