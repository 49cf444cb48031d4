package sh.antrieb;

/**
 * One VM of a cluster.
 *
 * @param name  {@code node1}, {@code node2}, ... in the order of the cluster specification
 * @param index 1-based position, the value of {@code NODE_INDEX}
 * @param image the image the node booted from, e.g. {@code debian12}
 * @param ip    the node's address as seen by the other nodes ({@code NODE_IP}): its address on the
 *              cluster's first DHCP network, or its control address when it has none
 */
public record Node(String name, int index, String image, String ip) {
}
