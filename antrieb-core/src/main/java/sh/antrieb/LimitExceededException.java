package sh.antrieb;

/** A request over one of the configured limits (nodes per cluster, concurrent clusters, TTL). */
public class LimitExceededException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** A limit was hit; the message names the limit and how to raise or avoid it. */
    public LimitExceededException(String message) {
        super(message);
    }

    /** A limit was hit, reported again with more context (e.g. what asked for the cluster); {@code cause} is the original. */
    public LimitExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
