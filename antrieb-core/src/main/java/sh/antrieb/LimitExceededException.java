package sh.antrieb;

/** A request over one of the configured limits (nodes per cluster, concurrent clusters, TTL). */
public class LimitExceededException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** A limit was hit; the message names the limit and how to raise or avoid it. Code {@link ErrorCode#LIMIT_EXCEEDED}. */
    public LimitExceededException(String message) {
        super(ErrorCode.LIMIT_EXCEEDED, message);
    }

    /** A limit was hit, with a more specific code ({@link ErrorCode#CONCURRENT_CLUSTERS}). */
    public LimitExceededException(ErrorCode code, String message) {
        super(code, message);
    }

    /** A limit was hit, with its code and what it concerns (e.g. the field {@code nodes}). */
    public LimitExceededException(ErrorCode code, Subject subject, String message) {
        super(code, subject, message, null);
    }

    /**
     * A limit was hit, reported again with more context (e.g. what asked for the cluster); {@code cause} is the
     * original, whose code and subject this one keeps when it is a limit too.
     */
    public LimitExceededException(String message, Throwable cause) {
        super(cause instanceof LimitExceededException l ? l.code() : ErrorCode.LIMIT_EXCEEDED,
                cause instanceof LimitExceededException l ? l.subject() : Subject.NONE, message, cause);
    }
}
