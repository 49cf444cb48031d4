package sh.antrieb;

import java.util.Optional;

/**
 * Base of every error Antrieb raises. The message says what failed and what to do about it;
 * lower-level causes (libvirt, SSH) are attached as the cause, never thrown bare. {@link #code()} says what
 * went wrong for programs to choose on, and {@link #node()}, {@link #network()} and {@link #field()} what it
 * concerns where that is known.
 */
public class AntriebException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * What an error concerns, where known.
     *
     * @param node    the node's name ({@code node2}), or null
     * @param network the network's name ({@code lan}), or null
     * @param field   the request's field ({@code nodes}, {@code ttl}, {@code image}), or null
     */
    public record Subject(String node, String network, String field) {
        /** Nothing in particular. */
        public static final Subject NONE = new Subject(null, null, null);

        /** The node {@code node}. */
        public static Subject node(String node) {
            return new Subject(node, null, null);
        }

        /** The network {@code network}. */
        public static Subject network(String network) {
            return new Subject(null, network, null);
        }

        /** The request's field {@code field}. */
        public static Subject field(String field) {
            return new Subject(null, null, field);
        }
    }

    private final ErrorCode code;
    private final Subject subject;

    /** An error with a message that names the problem and the fix; code {@link ErrorCode#FAILED}. */
    public AntriebException(String message) {
        this(ErrorCode.FAILED, Subject.NONE, message, null);
    }

    /** An error with a message that names the problem and the fix, and the lower-level cause; code {@link ErrorCode#FAILED}. */
    public AntriebException(String message, Throwable cause) {
        this(ErrorCode.FAILED, Subject.NONE, message, cause);
    }

    /** An error with its code and a message that names the problem and the fix. */
    public AntriebException(ErrorCode code, String message) {
        this(code, Subject.NONE, message, null);
    }

    /** An error with its code, a message that names the problem and the fix, and the lower-level cause. */
    public AntriebException(ErrorCode code, String message, Throwable cause) {
        this(code, Subject.NONE, message, cause);
    }

    /** An error with its code, what it concerns, a message that names the problem and the fix, and the cause (or null). */
    public AntriebException(ErrorCode code, Subject subject, String message, Throwable cause) {
        super(message, cause);
        this.code = code == null ? ErrorCode.FAILED : code;
        this.subject = subject == null ? Subject.NONE : subject;
    }

    /** What went wrong. */
    public ErrorCode code() {
        return code;
    }

    /** What the error concerns (each part null where unknown). */
    public Subject subject() {
        return subject;
    }

    /** The node the error concerns, when known. */
    public Optional<String> node() {
        return Optional.ofNullable(subject.node());
    }

    /** The network the error concerns, when known. */
    public Optional<String> network() {
        return Optional.ofNullable(subject.network());
    }

    /** The request's field the error concerns, when known. */
    public Optional<String> field() {
        return Optional.ofNullable(subject.field());
    }
}
