package sh.antrieb.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;

/**
 * Where every NIC of a cluster goes: the control network (Antrieb's own path to each node, {@code mgmt0}
 * in the guest), the networks under test (the default network, or the declared ones) with their bridges
 * and /24s, and each node's NICs in order ({@code eth0}, {@code eth1}, ...) with MAC, host-side TAP name
 * and platform-assigned address. Made before anything exists on the host, so that firewall rules can be
 * in place before the first guest starts.
 *
 * <p>Address rules: on a network with DHCP the node at index {@code i} gets {@code .(9+i)}, the host is
 * {@code .1}. A node's {@code NODE_IP} is its address on the first of its DHCP networks, or its control
 * address. A node name resolves, on each node, to the address the viewer can reach it at: the target's
 * address on the first DHCP network they share, else its control address (where only SSH passes).
 */
public final class NetworkPlan {
    /** Name of the network of clusters that declare none. */
    public static final String DEFAULT_NETWORK = "default";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A network of the cluster as it will exist on the host. */
    public record Net(NetworkSpec spec, String libvirtName, String bridge, Subnet subnet) {
        /** Whether the host has {@code .1} on it (DHCP and/or egress). */
        public boolean hostAddressed() {
            return spec.hostAddressed();
        }

        /** Whether the platform assigns node addresses on it. */
        public boolean dhcp() {
            return spec.dhcp();
        }
    }

    /** One NIC of a node: its network, guest name, MAC, host TAP device and platform-assigned address (or null). */
    public record Nic(Net net, String guestName, String mac, String tap, String address) {
    }

    /** A node's control NIC and its NICs on networks under test, in order. */
    public record NodeNics(String node, int index, Nic control, List<Nic> nics) {
        /** {@code NODE_IP}: the address on the first DHCP network, else the control address. */
        public String nodeIp() {
            return nics.stream().filter(n -> n.address() != null).map(Nic::address).findFirst().orElse(control.address());
        }

        /** Network name to platform-assigned address, in NIC order. */
        public Map<String, String> addresses() {
            Map<String, String> m = new LinkedHashMap<>();
            nics.stream().filter(n -> n.address() != null).forEach(n -> m.putIfAbsent(n.net().spec().name(), n.address()));
            return m;
        }
    }

    private final Net control;
    private final List<Net> networks;
    private final List<NodeNics> nodes;

    private NetworkPlan(Net control, List<Net> networks, List<NodeNics> nodes) {
        this.control = control;
        this.networks = List.copyOf(networks);
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Plans {@code spec} (network references already resolved) for the cluster {@code label}, taking free
     * /24s from {@code addresses}.
     *
     * @throws InvalidSpecException when a fixed CIDR of a network the host has an address on overlaps a live
     *                              network (another cluster's too) or a route of the host, or another network of
     *                              the same cluster; the message names the range and a /24 that is free
     */
    public static NetworkPlan plan(ClusterSpec spec, ClusterLabel label, AddressPlan addresses) {
        int nodeCount = spec.nodeCount();
        List<NetworkSpec> declared = spec.declaresNetworks() ? spec.networks() : List.of(NetworkSpec.named(DEFAULT_NETWORK));
        for (NetworkSpec n : declared) {
            if (n.reference().isPresent()) {
                throw new IllegalStateException("unresolved network reference " + n.reference().get());
            }
        }
        Subnet controlSubnet = addresses.pick(AddressPlan.CONTROL_POOL, AddressPlan.CONTROL_POOL_SIZE);
        Net control = new Net(NetworkSpec.named("control").egress(false).dhcp(false), label.name("net-control"),
                label.bridge(0), controlSubnet);
        // Fixed CIDRs first, so that allocated ones avoid them.
        Map<String, Subnet> subnets = new LinkedHashMap<>();
        for (NetworkSpec n : declared) {
            if (n.cidr().isPresent()) {
                Subnet s = Subnet.parse(n.cidr().get());
                if (n.hostAddressed()) {
                    var overlap = addresses.overlapOf(s);
                    if (overlap.isPresent()) {
                        throw new InvalidSpecException("network '" + n.name() + "': " + s + " overlaps " + overlap.get()
                                + ": choose another /24 (" + addresses.suggest() + " is free now), omit cidr to have one allocated, or make it"
                                + " dhcp=false egress=false (the host then has no address on it, so it may repeat a CIDR in use elsewhere)");
                    }
                    addresses.reserve(s);
                }
                subnets.put(n.name(), s);
            }
        }
        List<Net> nets = new ArrayList<>();
        int bridge = 1;
        for (NetworkSpec n : declared) {
            Subnet s = subnets.get(n.name());
            if (s == null && n.hostAddressed()) {
                s = addresses.pick(AddressPlan.CLUSTER_POOL, AddressPlan.CLUSTER_POOL_SIZE);
            }
            nets.add(new Net(n, label.name("net-" + n.name()), label.bridge(bridge++), s));
        }
        Map<String, Net> byName = new LinkedHashMap<>();
        nets.forEach(n -> byName.put(n.spec().name(), n));

        Set<String> macs = new HashSet<>();
        List<NodeNics> nodes = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            String node = "node" + i;
            Nic controlNic = new Nic(control, GuestPayload.CONTROL_NIC, mac(macs), tap(label, i, 0), controlSubnet.node(i));
            List<String> names = spec.declaresNetworks() ? spec.nics().get(node) : List.of(DEFAULT_NETWORK);
            List<Nic> nics = new ArrayList<>();
            for (int k = 0; k < names.size(); k++) {
                Net net = byName.get(names.get(k));
                String address = net.dhcp() ? net.subnet().node(i) : null;
                nics.add(new Nic(net, "eth" + k, mac(macs), tap(label, i, k + 1), address));
            }
            nodes.add(new NodeNics(node, i, controlNic, nics));
        }
        return new NetworkPlan(control, nets, nodes);
    }

    /** The control network. */
    public Net control() {
        return control;
    }

    /** The networks under test, in declaration order. */
    public List<Net> networks() {
        return networks;
    }

    /** Every node's NICs, in node order. */
    public List<NodeNics> nodes() {
        return nodes;
    }

    /** The NICs of the node at 1-based {@code index}. */
    public NodeNics node(int index) {
        return nodes.get(index - 1);
    }

    /** The address {@code viewer} reaches {@code target} at (see the class comment). */
    public String addressSeenBy(NodeNics viewer, NodeNics target) {
        if (viewer == target) {
            return target.nodeIp();
        }
        for (Nic t : target.nics()) {
            if (t.address() != null && viewer.nics().stream().anyMatch(v -> v.net() == t.net())) {
                return t.address();
            }
        }
        return target.control().address();
    }

    /** {@code CLUSTER_HOSTS} of {@code viewer}: one {@code "<address> <name>"} line per node, in node order. */
    public String clusterHostsSeenBy(NodeNics viewer) {
        StringBuilder sb = new StringBuilder();
        for (NodeNics target : nodes) {
            sb.append(addressSeenBy(viewer, target)).append(' ').append(target.node()).append('\n');
        }
        return sb.toString();
    }

    /** The libvirt XML of every network: control first. */
    public List<String> networkXml() {
        List<String> xml = new ArrayList<>();
        xml.add(LibvirtXml.network(new LibvirtXml.NetworkSpec(control.libvirtName(), control.bridge(),
                control.subnet().gateway(), 24, false, false, List.of(), null, null)));
        for (Net n : networks) {
            if (!n.hostAddressed()) {
                xml.add(LibvirtXml.network(new LibvirtXml.NetworkSpec(n.libvirtName(), n.bridge(), null, 24, false, false,
                        List.of(), null, null)));
                continue;
            }
            List<LibvirtXml.DhcpHost> dhcp = new ArrayList<>();
            if (n.dhcp()) {
                for (NodeNics node : nodes) {
                    for (Nic nic : node.nics()) {
                        if (nic.net() == n) {
                            dhcp.add(new LibvirtXml.DhcpHost(nic.mac(), node.node(), nic.address()));
                        }
                    }
                }
            }
            xml.add(LibvirtXml.network(new LibvirtXml.NetworkSpec(n.libvirtName(), n.bridge(), n.subnet().gateway(), 24,
                    n.spec().egress(), n.spec().egress(), dhcp,
                    n.dhcp() ? n.subnet().host(100) : null, n.dhcp() ? n.subnet().host(199) : null)));
        }
        return xml;
    }

    /** The libvirt network names, control first. */
    public List<String> libvirtNames() {
        List<String> names = new ArrayList<>();
        names.add(control.libvirtName());
        networks.forEach(n -> names.add(n.libvirtName()));
        return names;
    }

    /** A host TAP device name, at most 15 characters: {@code at<id><node>n<nic>}; NIC 0 is the control NIC. */
    static String tap(ClusterLabel label, int node, int nic) {
        return "at" + label.id() + node + "n" + nic;
    }

    private static String mac(Set<String> taken) {
        while (true) {
            byte[] b = new byte[3];
            RANDOM.nextBytes(b);
            String mac = String.format("52:54:00:%02x:%02x:%02x", b[0], b[1], b[2]);
            if (taken.add(mac)) {
                return mac;
            }
        }
    }
}
