package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.mcp.internal.ClusterArguments;

/** provision's arguments into a ClusterSpec: cluster order, shorthand, objects, limits, TTL; networks and nics. */
class ClusterArgumentsTest {
    private static final AccountLimits LIMITS = AccountLimits.DEFAULTS;

    @Test
    void shorthandAndObjectsKeepListOrder() {
        ClusterSpec spec = ClusterArguments.toSpec(List.of("a", "b x2", Map.of("image", "c", "count", 1)), LIMITS, null);
        assertThat(spec.nodeImages()).containsExactly("a", "b", "b", "c");
        assertThat(spec.nodes()).containsExactly(NodeSpec.of("a", 1), NodeSpec.of("b", 2), NodeSpec.of("c", 1));
    }

    @Test
    void objectCountDefaultsToOneAndAcceptsWholeNumbersOnly() {
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12")), LIMITS, null).nodeCount()).isEqualTo(1);
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 3L)), LIMITS, null).nodeCount()).isEqualTo(3);
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 2.0)), LIMITS, null).nodeCount()).isEqualTo(2);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 1.5)), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("whole number");
    }

    @Test
    void theAccountTtlApplies() {
        ClusterSpec spec = ClusterArguments.toSpec(List.of("debian12"), LIMITS.withTtl(Duration.ofSeconds(90)), null);
        assertThat(spec.ttl()).contains(Duration.ofSeconds(90));
    }

    @Test
    void fourNodesPlusOneControllerAtMost() {
        assertThat(ClusterArguments.toSpec(List.of("debian12 x4", "ansible-controller"), LIMITS, null).nodeCount()).isEqualTo(5);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x5"), LIMITS, null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("at most 4").hasMessageNotContaining("NodeSpec");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x4", "ansible-controller x2"), LIMITS, null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("one controller").hasMessageContaining("the request has 2");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x3"), LIMITS.withMaxNodes(2), null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("at most 2");
    }

    @Test
    void malformedEntriesSayWhatIsExpected() {
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(), LIMITS, null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> ClusterArguments.toSpec("debian12", LIMITS, null)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 times three"), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("<image> x<count>");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(Map.of("count", 2)), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("needs an image");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(7), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("shorthand string");
    }

    private static Map<String, Object> nic(String net) {
        return Map.of("net", net);
    }

    @Test
    void networksAndNicsMapOntoTheSpecInOrder() {
        ClusterSpec spec = ClusterArguments.toSpec(List.of("debian12 x2"),
                List.of(Map.of("name", "wan"), Map.of("name", "lan", "cidr", "10.10.7.0/24", "egress", false, "dhcp", false), "@alice/dmz"),
                Map.of("node1", List.of(nic("wan"), nic("lan"), nic("dmz")), "node2", List.of(nic("lan"))), LIMITS, null);
        assertThat(spec.networks()).containsExactly(NetworkSpec.named("wan"),
                NetworkSpec.named("lan").cidr("10.10.7.0/24").egress(false).dhcp(false), NetworkSpec.reference("@alice/dmz"));
        assertThat(spec.nics()).containsEntry("node1", List.of("wan", "lan", "dmz")).containsEntry("node2", List.of("lan")).hasSize(2);
        assertThat(ClusterArguments.toSpec(List.of("debian12 x3"), List.of(Map.of("name", "lan")),
                Map.of("node3", List.of(nic("lan")), "node1", List.of(nic("lan")), "node2", List.of(nic("lan"))), LIMITS, null).nics().keySet())
                .as("node order, whatever the JSON object's").containsExactly("node1", "node2", "node3");
        assertThat(spec.ttl()).contains(LIMITS.ttl());
    }

    @Test
    void noNetworksOrEmptyOnesMeanTheDefaultNetwork() {
        assertThat(ClusterArguments.toSpec(List.of("debian12"), null, null, LIMITS, null).declaresNetworks()).isFalse();
        assertThat(ClusterArguments.toSpec(List.of("debian12"), List.of(), Map.of(), LIMITS, null).declaresNetworks()).isFalse();
        NetworkSpec onlyName = ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan")),
                Map.of("node1", List.of(nic("lan"))), LIMITS, null).networks().get(0);
        assertThat(onlyName.egress()).isTrue();
        assertThat(onlyName.dhcp()).isTrue();
        assertThat(onlyName.cidr()).isEmpty();
    }

    @Test
    void badTopologiesNameTheProblemAndTheFixInTheToolsWords() {
        List<Object> wanLan = List.of(Map.of("name", "wan"), Map.of("name", "lan"));
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x3"), wanLan, Map.of("node1", List.of(nic("wan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("node2 has none")
                .hasMessageContaining("\"nics\": {\"node2\": [{\"net\": \"wan\"}]}").hasMessageNotContaining(".nics(")
                .satisfies(e -> {
                    // chosen on core's code and subject, not its text
                    assertThat(((InvalidSpecException) e).code()).isEqualTo(sh.antrieb.ErrorCode.INCOMPLETE_SPEC);
                    assertThat(((InvalidSpecException) e).subject().node()).isEqualTo("node2");
                });
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), wanLan, null, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("node1 has none");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), null, Map.of("node1", List.of(nic("lan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("no networks declared")
                .hasMessageContaining("\"networks\": [{\"name\": \"lan\"}]").hasMessageNotContaining("NetworkSpec");
        // What core checks, passed through.
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), wanLan, Map.of("node1", List.of(nic("dmz"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown network 'dmz'");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), wanLan,
                Map.of("node1", List.of(nic("wan")), "node2", List.of(nic("wan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown node 'node2'");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan"), Map.of("name", "lan")),
                Map.of("node1", List.of(nic("lan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan", "cidr", "10.10.0.0/16")),
                Map.of("node1", List.of(nic("lan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("only /24");
        for (String unsafe : List.of("127.0.0.0/24", "169.254.1.0/24", "224.0.0.0/24", "0.0.0.0/24", "255.255.255.0/24", "100.64.0.0/24")) {
            assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan", "cidr", unsafe)),
                    Map.of("node1", List.of(nic("lan"))), LIMITS, null))
                    .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unsafe CIDR '" + unsafe + "'")
                    .hasMessageContaining("e.g. 10.10.1.0/24");
        }
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan")),
                Map.of("node1", java.util.Collections.nCopies(9, nic("lan"))), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("at most 8");
    }

    @Test
    void malformedNetworksAndNicsSayWhatIsExpected() {
        Map<String, Object> nics = Map.of("node1", List.of(nic("lan")));
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of("lan"), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("@<namespace>/<name>").hasMessageContaining("{\"name\": \"lan\"");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of("@Alice/lan"), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("invalid network reference");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("cidr", "10.10.1.0/24")), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("needs a name");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan", "vlan", 7)), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("unknown field 'vlan'");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan", "egress", "no")), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("egress of network 'lan' must be true or false");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "Lan")), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("invalid network name 'Lan'");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan")), Map.of("node1", List.of("lan")), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("{\"net\": \"lan\"}");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), List.of(Map.of("name", "lan")), Map.of("node1", "lan"), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("eth0 first");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12"), Map.of("name", "lan"), nics, LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("networks must be a list");
    }
}
