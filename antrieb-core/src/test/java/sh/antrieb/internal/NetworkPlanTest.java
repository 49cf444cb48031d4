package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;

class NetworkPlanTest {
    private final ClusterLabel label = new ClusterLabel("abcdefgh", Instant.ofEpochSecond(2_000_000_000L), 42);

    private static ClusterSpec router() {
        return ClusterSpec.builder().nodes("debian12 x3")
                .network(NetworkSpec.named("wan"))
                .network(NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false))
                .nics("node1", "wan", "lan")
                .nics("node2", "lan")
                .nics("node3", "wan")
                .build();
    }

    @Test
    void defaultClusterHasOneDhcpNetworkWithEgress() {
        NetworkPlan plan = NetworkPlan.plan(ClusterSpec.of("debian12 x2"), label, AddressPlan.empty());
        assertThat(plan.networks()).hasSize(1);
        NetworkPlan.Net net = plan.networks().get(0);
        assertThat(net.spec().name()).isEqualTo("default");
        assertThat(net.subnet().overlaps(AddressPlan.CLUSTER_POOL, 13)).isTrue();
        assertThat(plan.node(2).nodeIp()).isEqualTo(net.subnet().node(2));
        assertThat(plan.clusterHostsSeenBy(plan.node(1)))
                .isEqualTo(net.subnet().node(1) + " node1\n" + net.subnet().node(2) + " node2\n");
        assertThat(plan.networkXml().get(1)).contains("<forward mode='nat'/>").contains("<dhcp>");
    }

    @Test
    void nicsFollowTheDeclaredOrderWithTheirOwnTapsAndMacs() {
        NetworkPlan plan = NetworkPlan.plan(router(), label, AddressPlan.empty());
        NetworkPlan.NodeNics node1 = plan.node(1);
        assertThat(node1.nics()).extracting(n -> n.guestName() + "=" + n.net().spec().name()).containsExactly("eth0=wan", "eth1=lan");
        assertThat(node1.control().guestName()).isEqualTo("mgmt0");
        assertThat(node1.nics()).extracting(NetworkPlan.Nic::tap).containsExactly("atabcdefgh1n1", "atabcdefgh1n2");
        assertThat(plan.nodes()).flatExtracting(NetworkPlan.NodeNics::nics).extracting(NetworkPlan.Nic::mac).doesNotHaveDuplicates();
        assertThat(plan.nodes()).flatExtracting(NetworkPlan.NodeNics::nics).extracting(NetworkPlan.Nic::tap)
                .allMatch(t -> t.length() <= 15);
    }

    @Test
    void dhcpFalseNetworksGetNoAddressesAndNoHostPresence() {
        NetworkPlan plan = NetworkPlan.plan(router(), label, AddressPlan.empty());
        NetworkPlan.Net lan = plan.networks().get(1);
        assertThat(lan.hostAddressed()).isFalse();
        assertThat(plan.node(1).nics().get(1).address()).isNull();
        assertThat(plan.networkXml().get(2)).doesNotContain("<ip").doesNotContain("<forward");
        // node2 is on lan only: NODE_IP is its control address; others reach it there (SSH only).
        assertThat(plan.node(2).nodeIp()).isEqualTo(plan.node(2).control().address());
        assertThat(plan.node(2).addresses()).isEmpty();
        // node1 and node3 share wan: they see each other's wan address.
        String wan3 = plan.node(3).nics().get(0).address();
        assertThat(plan.addressSeenBy(plan.node(1), plan.node(3))).isEqualTo(wan3);
        assertThat(plan.addressSeenBy(plan.node(2), plan.node(3))).isEqualTo(plan.node(3).control().address());
    }

    @Test
    void aFixedCidrOverlappingALiveNetworkIsRefusedUnlessTheHostIsNotOnIt() {
        AddressPlan used = AddressPlan.empty();
        used.reserve(Subnet.parse("10.10.1.0/24"));
        ClusterSpec hostOnIt = ClusterSpec.builder().nodes("debian12").network("lan cidr=10.10.1.0/24").nics("node1", "lan").build();
        assertThatThrownBy(() -> NetworkPlan.plan(hostOnIt, label, used)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("10.10.1.0/24 overlaps").hasMessageContaining("omit cidr");
        ClusterSpec isolated = ClusterSpec.builder().nodes("debian12").network("lan cidr=10.10.1.0/24 dhcp=false egress=false")
                .nics("node1", "lan").build();
        assertThat(NetworkPlan.plan(isolated, label, used).networks().get(0).subnet()).isEqualTo(Subnet.parse("10.10.1.0/24"));
        ClusterSpec twice = ClusterSpec.builder().nodes("debian12").network("a cidr=10.20.1.0/24").network("b cidr=10.20.1.0/24")
                .nics("node1", "a", "b").build();
        assertThatThrownBy(() -> NetworkPlan.plan(twice, label, AddressPlan.empty())).hasMessageContaining("network 'b'");
    }

    @Test
    void aFixedCidrOnAHostRouteOrAnotherClustersNetworkIsRefusedNamingItAndAFreeOne() {
        AddressPlan used = AddressPlan.empty();
        used.addNetworkXml(ClusterLabel.create(Instant.now().plusSeconds(600)).name("net-wan"),
                "<network><ip address='10.10.1.1' prefix='24'/></network>");
        used.addRoutes(List.of("Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT",
                "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0"));
        ClusterSpec onRoute = ClusterSpec.builder().nodes("debian12").network("lan cidr=192.0.2.0/24").nics("node1", "lan").build();
        assertThatThrownBy(() -> NetworkPlan.plan(onRoute, label, used)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("192.0.2.0/24 overlaps a route of this host (192.0.2.0/24 dev eth0)")
                .hasMessageContaining("10.10.2.0/24 is free now");
        ClusterSpec onOther = ClusterSpec.builder().nodes("debian12").network("lan cidr=10.10.1.0/24 egress=false").nics("node1", "lan").build();
        assertThatThrownBy(() -> NetworkPlan.plan(onOther, label, used))
                .hasMessageMatching(".*10\\.10\\.1\\.0/24 overlaps network 'wan' of the live cluster [a-z0-9]+ \\(10\\.10\\.1\\.0/24\\).*");
        // The default route (prefix 0) blocks nothing.
        ClusterSpec elsewhere = ClusterSpec.builder().nodes("debian12").network("lan cidr=10.30.1.0/24").nics("node1", "lan").build();
        assertThat(NetworkPlan.plan(elsewhere, label, used).networks().get(0).subnet()).isEqualTo(Subnet.parse("10.30.1.0/24"));
    }

    @Test
    void firewallPinsEachPortToItsMacAndAddressAndAllowsOnlySshOnControl() {
        NetworkPlan plan = NetworkPlan.plan(router(), label, AddressPlan.empty());
        String rules = HostFirewall.ruleset(label, plan, List.of(22, 53, 80, 443));
        NetworkPlan.Nic wan1 = plan.node(1).nics().get(0);
        NetworkPlan.Nic lan1 = plan.node(1).nics().get(1);
        assertThat(rules).contains("table bridge " + label.name("fw")).contains("table inet " + label.name("fw"));
        assertThat(rules).contains("iifname \"" + wan1.tap() + "\" ether saddr != " + wan1.mac() + " drop");
        assertThat(rules).contains("iifname \"" + wan1.tap() + "\" ip saddr != { " + wan1.address() + ", 0.0.0.0 } drop");
        assertThat(rules).contains("iifname \"" + lan1.tap() + "\" ether saddr != " + lan1.mac() + " drop")
                .doesNotContain("iifname \"" + lan1.tap() + "\" ip saddr");
        assertThat(rules).contains("tcp dport 22 accept").contains("tcp dport { 22, 53, 80, 443 } accept");
        assertThat(rules).contains("iifname \"" + plan.control().bridge() + "\" drop");
    }

    @Test
    void firewallRulesetIsAcceptedByNft() throws Exception {
        NetworkPlan plan = NetworkPlan.plan(router(), label, AddressPlan.empty());
        String rules = HostFirewall.ruleset(label, plan, List.of(22, 53, 80, 443));
        Process p;
        try {
            p = new ProcessBuilder("nft", "-c", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("nft not installed here: " + e.getMessage());
            return;
        }
        p.getOutputStream().write(rules.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        int rc = p.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(out.toString().contains("Operation not permitted"), "nft needs root");
        assertThat(rc).as("nft -c says: %s\n%s", out, rules).isZero();
    }
}
