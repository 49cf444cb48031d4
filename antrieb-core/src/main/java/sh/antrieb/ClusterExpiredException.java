package sh.antrieb;

/**
 * The cluster is gone: its TTL passed or it was closed. Its nodes and disks no longer exist;
 * provision a new cluster.
 */
public class ClusterExpiredException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** The cluster {@code clusterId} no longer exists, for the given reason. */
    public ClusterExpiredException(String clusterId, String reason) {
        super(ErrorCode.CLUSTER_EXPIRED, "cluster_expired: cluster " + clusterId + " " + reason
                + "; its VMs, networks and disks are gone. Provision a new cluster.");
    }
}
