package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

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
