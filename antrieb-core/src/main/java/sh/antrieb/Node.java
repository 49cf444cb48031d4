package sh.antrieb;

import java.util.Map;
import java.util.Objects;

/**
 * One VM of a cluster.
 *
 * @param name      {@code node1}, {@code node2}, ... in the order of the cluster specification
 * @param index     1-based position, the value of {@code NODE_INDEX}
 * @param image     the image the node booted from, e.g. {@code debian12}
 * @param ip        the node's address ({@code NODE_IP}): its platform-assigned address on the first of its
 *                  networks with DHCP, or its control address when it has none (a node whose NICs are all
 *                  on {@code dhcp:false} networks; the control address answers SSH only)
 * @param addresses network name to the platform-assigned address of the node on it, in NIC order;
 *                  networks with {@code dhcp:false} are absent (the VMs own that addressing)
 * @param start     how the node came up: restored from a warm-start template of its image, or booted
 */
public record Node(String name, int index, String image, String ip, Map<String, String> addresses, Start start) {
    /** How a node came up. */
    public enum Start {
        /** Restored from a warm-start template of its image (a saved, booted guest): seconds, whatever the image. */
        WARM,
        /** Booted from its image: a whole boot (an image no template can be made of, or warm start turned off). */
        COLD
    }

    /** Copies the address map. */
    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        addresses = addresses == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(addresses));
    }

    /** A node that booted ({@link Start#COLD}). */
    public Node(String name, int index, String image, String ip, Map<String, String> addresses) {
        this(name, index, image, ip, addresses, Start.COLD);
    }

    /** This node, having come up by {@code how}. */
    public Node withStart(Start how) {
        return new Node(name, index, image, ip, addresses, how);
    }

    /** A node on the default network only, at {@code ip}. */
    public Node(String name, int index, String image, String ip) {
        this(name, index, image, ip, Map.of("default", ip));
    }

    /** The node's platform-assigned address on {@code network}, or null when it has none there. */
    public String address(String network) {
        return addresses.get(network);
    }
}
