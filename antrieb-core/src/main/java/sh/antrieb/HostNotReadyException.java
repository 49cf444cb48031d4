package sh.antrieb;

/**
 * The virtualization host cannot serve: libvirt is missing or unreachable, or a guest image
 * cannot be built. The message carries the set-up step that fixes it.
 */
public class HostNotReadyException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** The host is not ready; the message says what to run. */
    public HostNotReadyException(String message) {
        super(ErrorCode.HOST_NOT_READY, message);
    }

    /** The host is not ready; the message says what to run. */
    public HostNotReadyException(String message, Throwable cause) {
        super(ErrorCode.HOST_NOT_READY, message, cause);
    }
}
