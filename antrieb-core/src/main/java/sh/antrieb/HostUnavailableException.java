package sh.antrieb;

/**
 * The libvirt host was reachable and stopped answering: its connection was lost (libvirtd restarted or
 * stopped, a remote host's network dropped) and could not be re-opened in time, or was lost in the middle
 * of a step that is not repeated. The client re-opens the connection by itself on its next call; nothing
 * needs restarting on this side. The message says what failed and what to do.
 */
public class HostUnavailableException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** The host is unavailable; the message says what failed and what to do. */
    public HostUnavailableException(String message, Throwable cause) {
        super(ErrorCode.HOST_UNAVAILABLE, message, cause);
    }
}
