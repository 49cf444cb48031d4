package sh.antrieb;

/** A node name that the cluster does not have. */
public class NoSuchNodeException extends InvalidSpecException {
    private static final long serialVersionUID = 1L;

    /** The node {@code node} is not one of {@code known}. */
    public NoSuchNodeException(String clusterId, String node, java.util.Collection<String> known) {
        super(ErrorCode.NO_SUCH_NODE, Subject.node(node), "cluster " + clusterId + " has no node '" + node + "'; its nodes are " + known);
    }
}
