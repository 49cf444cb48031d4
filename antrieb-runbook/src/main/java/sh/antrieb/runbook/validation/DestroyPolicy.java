package sh.antrieb.runbook.validation;

/**
 * What happens to a cluster when a validation (or a convergence) is done with it, as Test Kitchen's
 * {@code --destroy}. A kept cluster is handed back (with its id and TTL) so a person can look at it; it
 * still dies at its TTL.
 */
public enum DestroyPolicy {
    /** Destroy every cluster (the default). */
    ALWAYS,
    /** Destroy a cluster when its run passed; keep the one that failed last, to debug. */
    PASSING,
    /** Keep the last cluster, passed or not (earlier ones of a convergence are still destroyed). */
    NEVER
}
