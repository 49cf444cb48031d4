package sh.antrieb.runbook.validation;

import java.util.Locale;

/** How a convergence recovers from a failed iteration. */
public enum RecoveryPath {
    /** The code and its findings go back to the model for a full rewrite, tried on a fresh cluster. */
    RETRY,
    /**
     * On the failed cluster, the model asks for one diagnostic or repair command at a time and reads its
     * output; then it rewrites the code with what it learnt, tried on a fresh cluster.
     */
    TROUBLESHOOT;

    /** The lower-case name, as reports spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
