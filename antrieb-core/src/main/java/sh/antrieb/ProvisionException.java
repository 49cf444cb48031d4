package sh.antrieb;

import java.util.Map;

/**
 * Provisioning started but did not finish, for example a node that never answered SSH.
 * Everything the attempt created has been removed by the time this is thrown.
 */
public class ProvisionException extends AntriebException {
    private static final long serialVersionUID = 1L;
    private final Map<String, String> consoleTails;

    /** A failed provision with each affected node's console log tail. */
    public ProvisionException(String message, Map<String, String> consoleTails, Throwable cause) {
        super(ErrorCode.PROVISION_FAILED, message + render(consoleTails), cause);
        this.consoleTails = Map.copyOf(consoleTails);
    }

    /** The last lines of each node's serial console, by node name, where there was one. */
    public Map<String, String> consoleTails() {
        return consoleTails;
    }

    private static String render(Map<String, String> tails) {
        StringBuilder sb = new StringBuilder();
        tails.forEach((node, tail) -> sb.append("\n--- console of ").append(node).append(" (last lines) ---\n").append(tail));
        return sb.toString();
    }
}
