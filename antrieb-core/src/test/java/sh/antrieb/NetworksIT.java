package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Declared networks on real guests. Cluster {@code routed}: node1 on wan and lan (a router), node2 on lan
 * only (lan: 10.10.1.0/24, no DHCP, no egress), node3 on wan. Cluster {@code other}: one node on a lan with
 * the same CIDR and on a DHCP network without egress. "The outside" is a fake upstream host in a network
 * namespace of this test; no guest traffic leaves the machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworksIT {
    private static final String LAN = "10.10.1.0/24";
    private static Antrieb antrieb;
    private static Cluster routed;
    private static Cluster other;
    private static FakeUpstream upstream;
    private static ServerSocket hostService;

    @BeforeAll
    static void provision() throws Exception {
        upstream = FakeUpstream.start(80, 8080);
        hostService = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
        Thread acceptor = new Thread(() -> {
            while (!hostService.isClosed()) {
                try {
                    hostService.accept().close();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "host-service");
        acceptor.setDaemon(true);
        acceptor.start();
        antrieb = TestHosts.client().build();
        routed = antrieb.provision(ClusterSpec.builder()
                .nodes("debian12 x3")
                .network(NetworkSpec.named("wan").egress(true))
                .network(NetworkSpec.named("lan").cidr(LAN).egress(false).dhcp(false))
                .nics("node1", "wan", "lan")
                .nics("node2", "lan")
                .nics("node3", "wan")
                .build());
        other = antrieb.provision(ClusterSpec.builder()
                .nodes("debian12")
                .network("lan cidr=" + LAN + " egress=false dhcp=false")
                .network("closed egress=false")
                .nics("node1", "lan", "closed")
                .build());
    }

    @AfterAll
    static void close() throws Exception {
        if (antrieb != null) {
            antrieb.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (hostService != null) {
            hostService.close();
        }
    }

    private static ExecResult ok(Cluster c, String node, String command) {
        ExecResult r = c.exec(node, command);
        assertThat(r.exitCode()).as("%s on %s: %s%s", command, node, r.stdout(), r.stderr()).isZero();
        return r;
    }

    @Test
    @Order(1)
    void nicOrderInsideTheGuestMatchesNics() {
        String wanMac = ok(routed, "node1", "cat /sys/class/net/eth0/address").stdout().strip();
        String wanIp = routed.node("node1").address("wan");
        assertThat(wanIp).isNotNull().endsWith(".10");
        ExecResult r = ok(routed, "node1", "ip -4 -o addr show dev eth0; ip -o link show dev eth1; ip -4 -o addr show dev eth1");
        assertThat(r.stdout()).contains("inet " + wanIp + "/24").contains("eth1:");
        assertThat(r.stdout().lines().filter(l -> l.contains("eth1") && l.contains("inet "))).isEmpty();
        // The wan MAC seen from node3's neighbour table is node1's eth0.
        ok(routed, "node3", "ping -c1 -W3 " + wanIp);
        assertThat(ok(routed, "node3", "ip neigh show " + wanIp).stdout()).contains(wanMac);
    }

    @Test
    @Order(2)
    void aNodeWithoutAddressesIsStillControlledAndReachableBySsh() {
        Node node2 = routed.node("node2");
        assertThat(node2.addresses()).isEmpty();
        ExecResult r = ok(routed, "node2", "hostname; ip -4 -o addr show dev eth0 | wc -l; echo $NODE_IP");
        assertThat(r.stdout()).isEqualTo("node2\n0\n" + node2.ip() + "\n");
        assertThat(ok(routed, "node1", "ssh -o BatchMode=yes node2 hostname").stdout()).isEqualTo("node2\n");
        assertThat(ok(routed, "node2", "ssh -o BatchMode=yes node3 hostname").stdout()).isEqualTo("node3\n");
        // node1 and node3 share wan, so they know each other by their wan addresses.
        assertThat(ok(routed, "node1", "getent hosts node3").stdout()).startsWith(routed.node("node3").address("wan") + " ");
    }

    @Test
    @Order(3)
    void theControlNetworkCarriesSshBetweenNodesAndNothingElse() {
        String node2Control = ok(routed, "node1", "getent hosts node2").stdout().split("\\s+")[0];
        routed.execAsync("node2", "timeout 60 nc -l -p 8081 >/dev/null");
        ExecResult probe = routed.exec("node1", "sleep 1; nc -z -w 3 " + node2Control + " 8081");
        assertThat(probe.exitCode()).as("TCP to port 8081 over the control network must be dropped").isNotZero();
        assertThat(ok(routed, "node2", "ss -ltn").stdout()).as("the listener was there").contains(":8081");
        assertThat(routed.exec("node1", "ping -c1 -W2 " + node2Control).exitCode()).isNotZero();
    }

    @Test
    @Order(4)
    void egressReachesAllowedPortsOnlyAndGuestsCannotReachHostServices() {
        assertThat(ok(routed, "node3", "curl -sS -m 10 " + upstream.url(80)).stdout()).isEqualTo("upstream:80\n");
        ExecResult blocked = routed.exec("node3", "curl -sS -m 5 " + upstream.url(8080));
        assertThat(blocked.exitCode()).as("port 8080 is not on the allowlist").isNotZero();
        int port = hostService.getLocalPort();
        String wanGateway = gatewayOf(routed.node("node3").address("wan"));
        assertThat(routed.exec("node3", "nc -z -w 3 " + wanGateway + " " + port).exitCode()).isNotZero();
        String controlGateway = gatewayOf(ok(routed, "node3", "ip -4 -o addr show dev mgmt0").stdout().split("\\s+")[3].split("/")[0]);
        assertThat(routed.exec("node3", "nc -z -w 3 " + controlGateway + " " + port).exitCode()).isNotZero();
    }

    @Test
    @Order(5)
    void aNetworkWithoutEgressReachesNothingOutside() {
        String closed = other.node("node1").address("closed");
        assertThat(closed).isNotNull();
        ok(other, "node1", "ip route replace default via " + gatewayOf(closed));
        assertThat(other.exec("node1", "curl -sS -m 5 " + upstream.url(80)).exitCode()).isNotZero();
        assertThat(other.exec("node1", "nc -z -w 3 " + gatewayOf(closed) + " " + hostService.getLocalPort()).exitCode()).isNotZero();
    }

    @Test
    @Order(6)
    void spoofingANeighboursAddressOrMacGetsNothingThrough() {
        String node1Wan = routed.node("node1").address("wan");
        String node3Wan = routed.node("node3").address("wan");
        String gw = gatewayOf(node3Wan);
        String node1Mac = ok(routed, "node1", "cat /sys/class/net/eth0/address").stdout().strip();
        String node3Mac = ok(routed, "node3", "cat /sys/class/net/eth0/address").stdout().strip();
        ok(routed, "node3", "curl -sS -m 10 " + upstream.url(80));

        // node3 sends as node1's IP (its own address is still there: curl picks the spoofed source explicitly).
        ok(routed, "node3", "ip addr replace " + node1Wan + "/32 dev eth0");
        assertThat(routed.exec("node3", "curl -sS -m 5 --interface " + node1Wan + " " + upstream.url(80)).exitCode())
                .as("as node1's IP").isNotZero();
        ok(routed, "node3", "ip addr del " + node1Wan + "/32 dev eth0");

        // node3 sends with node1's MAC (and its own IP).
        ok(routed, "node3", "ip link set eth0 down && ip link set eth0 address " + node1Mac + " && ip link set eth0 up"
                + " && ip addr replace " + node3Wan + "/24 dev eth0 && ip route replace default via " + gw);
        assertThat(routed.exec("node3", "curl -sS -m 5 " + upstream.url(80)).exitCode()).as("with node1's MAC").isNotZero();

        ok(routed, "node3", "ip link set eth0 down && ip link set eth0 address " + node3Mac + " && ip link set eth0 up"
                + " && ip addr replace " + node3Wan + "/24 dev eth0 && ip route replace default via " + gw);
        assertThat(ok(routed, "node3", "curl -sS -m 10 --retry 3 --retry-all-errors " + upstream.url(80)).stdout()).isEqualTo("upstream:80\n");
        assertThat(ok(routed, "node1", "curl -sS -m 10 " + upstream.url(80)).stdout()).isEqualTo("upstream:80\n");
    }

    @Test
    @Order(7)
    void routerForwardsTheIsolatedLanThroughItsWan() {
        ok(routed, "node1", "ip addr add 10.10.1.254/24 dev eth1 && sysctl -qw net.ipv4.ip_forward=1 && "
                + "nft add table ip nat && nft 'add chain ip nat post { type nat hook postrouting priority 100; }' && "
                + "nft add rule ip nat post oifname eth0 masquerade");
        ok(routed, "node2", "ip addr add 10.10.1.10/24 dev eth0 && ip route add default via 10.10.1.254");
        assertThat(ok(routed, "node2", "curl -sS -m 10 " + upstream.url(80)).stdout()).isEqualTo("upstream:80\n");
        assertThat(routed.exec("node2", "curl -sS -m 5 " + upstream.url(8080)).exitCode())
                .as("the router's own egress is still limited to the allowlist").isNotZero();
    }

    @Test
    @Order(8)
    void clustersWithTheSameCidrCannotReachEachOther() {
        ok(other, "node1", "ip addr add 10.10.1.11/24 dev eth0");
        ok(routed, "node2", "ping -c1 -W3 10.10.1.254");
        other.execAsync("node1", "timeout 60 nc -l -p 8082 >/dev/null");
        assertThat(routed.exec("node2", "ping -c2 -W2 10.10.1.11").exitCode()).isNotZero();
        assertThat(routed.exec("node2", "nc -z -w 3 10.10.1.11 8082").exitCode()).isNotZero();
        assertThat(ok(other, "node1", "ss -ltn").stdout()).as("the listener was there").contains(":8082");
        assertThat(other.exec("node1", "ping -c2 -W2 10.10.1.254").exitCode()).isNotZero();
        assertThat(other.exec("node1", "ping -c2 -W2 10.10.1.10").exitCode()).isNotZero();
    }

    @Test
    @Order(9)
    void closingRemovesBridgesAndFirewallTables() {
        String id = routed.id();
        routed.close();
        assertThat(TestHosts.leftovers(id)).isEmpty();
    }

    private static String gatewayOf(String address) {
        return address.substring(0, address.lastIndexOf('.')) + ".1";
    }
}
