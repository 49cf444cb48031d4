package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkSpecTest {

    @Test
    void defaultsAreEgressAndDhcp() {
        NetworkSpec wan = NetworkSpec.named("wan");
        assertThat(wan.egress()).isTrue();
        assertThat(wan.dhcp()).isTrue();
        assertThat(wan.cidr()).isEmpty();
        assertThat(wan.hostAddressed()).isTrue();
        assertThat(wan.reference()).isEmpty();
    }

    @Test
    void parsesShorthandAndPrintsItBack() {
        NetworkSpec lan = NetworkSpec.parse("lan cidr=10.10.1.0/24 egress=false dhcp=false");
        assertThat(lan).isEqualTo(NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false));
        assertThat(lan.hostAddressed()).isFalse();
        assertThat(NetworkSpec.parse(lan.toString())).isEqualTo(lan);
        assertThat(NetworkSpec.parse("wan").toString()).isEqualTo("wan");
    }

    @Test
    void referencesCarryTheirLastSegmentAsName() {
        NetworkSpec ref = NetworkSpec.parse("@myteam/isolated-lan");
        assertThat(ref.name()).isEqualTo("isolated-lan");
        assertThat(ref.reference()).contains("@myteam/isolated-lan");
        assertThatThrownBy(() -> ref.egress(false)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("saved spec defines it");
        assertThatThrownBy(() -> NetworkSpec.reference("@Team/../x")).hasMessageContaining("@<namespace>/<name>");
    }

    @Test
    void onlySlash24NetworkAddressesAreAccepted() {
        assertThatThrownBy(() -> NetworkSpec.named("lan").cidr("10.10.0.0/16"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("only /24").hasMessageContaining("10.10.0.0/24");
        assertThatThrownBy(() -> NetworkSpec.named("lan").cidr("10.10.1.5/24")).hasMessageContaining("write 10.10.1.0/24");
        assertThatThrownBy(() -> NetworkSpec.named("lan").cidr("10.300.1.0/24")).hasMessageContaining("300");
        assertThatThrownBy(() -> NetworkSpec.named("lan").cidr("lan")).hasMessageContaining("e.g. 10.10.1.0/24");
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0/24, this network", "0.200.1.0/24, this network",
            "127.0.0.0/24, loopback", "127.255.3.0/24, loopback",
            "169.254.0.0/24, link-local", "169.254.169.0/24, link-local",
            "100.64.0.0/24, control range", "100.127.255.0/24, control range",
            "224.0.0.0/24, multicast", "239.255.255.0/24, multicast",
            "240.0.0.0/24, reserved and broadcast", "255.255.255.0/24, reserved and broadcast"})
    void unsafeRangesAreRefusedNamingTheRangeAndASafeExample(String cidr, String range) {
        assertThatThrownBy(() -> NetworkSpec.named("lan").cidr(cidr)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("unsafe CIDR '" + cidr + "'").hasMessageContaining(range)
                .hasMessageContaining("e.g. 10.10.1.0/24");
        assertThatThrownBy(() -> NetworkSpec.parse("lan cidr=" + cidr + " egress=false dhcp=false"))
                .as("refused also where the host has no address").hasMessageContaining(range);
    }

    @Test
    void neighboursOfTheUnsafeRangesAreAccepted() {
        for (String cidr : List.of("1.0.0.0/24", "126.255.255.0/24", "128.0.0.0/24", "169.253.255.0/24", "169.255.0.0/24",
                "100.63.255.0/24", "100.128.0.0/24", "223.255.255.0/24", "10.10.1.0/24", "192.168.1.0/24")) {
            assertThat(NetworkSpec.named("lan").cidr(cidr).cidr()).contains(cidr);
        }
    }

    @Test
    void badNamesAndOptionsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> NetworkSpec.named("LAN")).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> NetworkSpec.named("a/b")).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> NetworkSpec.parse("lan mtu=9000")).hasMessageContaining("cidr, egress and dhcp");
        assertThatThrownBy(() -> NetworkSpec.parse("lan egress=maybe")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> NetworkSpec.parse(" ")).hasMessageContaining("empty network");
    }

    @Test
    void declaredTopologyKeepsNicOrder() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12 x2")
                .network(NetworkSpec.named("wan"))
                .network("lan cidr=10.10.1.0/24 egress=false dhcp=false")
                .nics("node1", "wan", "lan")
                .nics("node2", "lan")
                .build();
        assertThat(spec.declaresNetworks()).isTrue();
        assertThat(spec.nics().get("node1")).containsExactly("wan", "lan");
        assertThat(spec.newBuilder().build()).isEqualTo(spec);
    }

    @Test
    void badTopologiesAreRefusedBeforeAnythingIsMade() {
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12 x2").network("lan").nics("node1", "lan").build())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("node2 has no NICs");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").network("lan").nics("node1", "wan").build())
                .hasMessageContaining("unknown network 'wan'");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").network("lan").nics("node1", "lan").nics("node3", "lan").build())
                .hasMessageContaining("unknown node 'node3'");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").network("lan").network("lan egress=false")
                .nics("node1", "lan").build()).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").nics("node1", "lan").build())
                .hasMessageContaining("no networks declared");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").network("lan")
                .nics("node1", List.of("lan", "lan", "lan", "lan", "lan", "lan", "lan", "lan", "lan")).build())
                .hasMessageContaining("at most 8");
        assertThatThrownBy(() -> ClusterSpec.builder().nodes("debian12").network("lan").nics("node1").build())
                .hasMessageContaining("empty NIC list");
    }
}
