package sh.antrieb;

/**
 * A cluster specification or request that cannot be satisfied as written: malformed shorthand,
 * an unknown image, too many nodes, an unknown node. Raised before anything is created.
 */
public class InvalidSpecException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** An invalid specification, described with the fix; code {@link ErrorCode#INVALID_SPEC}. */
    public InvalidSpecException(String message) {
        super(ErrorCode.INVALID_SPEC, message);
    }

    /** An invalid specification with a more specific code (e.g. {@link ErrorCode#UNKNOWN_IMAGE}), described with the fix. */
    public InvalidSpecException(ErrorCode code, String message) {
        super(code, message);
    }

    /** An invalid specification with its code and what it concerns, described with the fix. */
    public InvalidSpecException(ErrorCode code, Subject subject, String message) {
        super(code, subject, message, null);
    }
}
