package sh.antrieb;

/**
 * Base of every error Antrieb raises. The message says what failed and what to do about it;
 * lower-level causes (libvirt, SSH) are attached as the cause, never thrown bare.
 */
public class AntriebException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message that names the problem and the fix. */
    public AntriebException(String message) {
        super(message);
    }

    /** An error with a message that names the problem and the fix, and the lower-level cause. */
    public AntriebException(String message, Throwable cause) {
        super(message, cause);
    }
}
