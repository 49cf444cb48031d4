package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ClusterSpecTest {

    @Test
    void shorthandWithoutCountIsOneNode() {
        assertThat(NodeSpec.parse("debian12")).isEqualTo(new NodeSpec("debian12", 1, false));
    }

    @Test
    void shorthandWithCount() {
        assertThat(NodeSpec.parse("debian12 x3")).isEqualTo(new NodeSpec("debian12", 3, false));
        assertThat(NodeSpec.parse("  my-nginx   X2 ")).isEqualTo(new NodeSpec("my-nginx", 2, false));
    }

    @Test
    void nodesAreNamedInListOrder() {
        ClusterSpec spec = ClusterSpec.of("a", "b x2");
        assertThat(spec.nodeImages()).containsExactly("a", "b", "b");
        assertThat(spec.nodeNames()).containsExactly("node1", "node2", "node3");
        assertThat(spec.nodeCount()).isEqualTo(3);
    }

    @Test
    void withNodesReplacesTheGroupsAndKeepsTheRest() {
        ClusterSpec spec = ClusterSpec.builder().nodes("a x2").network("lan").nics("node1", "lan").nics("node2", "lan")
                .ttl(Duration.ofMinutes(3)).build();

        ClusterSpec other = spec.withNodes(java.util.List.of(NodeSpec.of("b", 1), NodeSpec.controller("c")));

        assertThat(other.nodeImages()).containsExactly("b", "c");
        assertThat(other.controllerCount()).isEqualTo(1);
        assertThat(other.networks()).isEqualTo(spec.networks());
        assertThat(other.nics()).isEqualTo(spec.nics());
        assertThat(other.ttl()).isEqualTo(spec.ttl());
        assertThatThrownBy(() -> spec.withNodes(java.util.List.of(NodeSpec.of("b", 1)))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("nics for unknown node 'node2'");
    }

    @Test
    void controllerByImageNameOrExplicitly() {
        assertThat(NodeSpec.parse("ansible-controller").controller()).isTrue();
        assertThat(NodeSpec.controller("debian12").controller()).isTrue();
        assertThat(ClusterSpec.builder().nodes("debian12 x4").node(NodeSpec.controller("debian12")).build().controllerCount()).isEqualTo(1);
    }

    @Test
    void malformedShorthandNamesTheExpectedForm() {
        assertThatThrownBy(() -> NodeSpec.parse("debian12 three"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("\"debian12 three\"")
                .hasMessageContaining("<image> x<count>");
        assertThatThrownBy(() -> NodeSpec.parse("debian12 x"))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> NodeSpec.parse(""))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("debian12 x3");
    }

    @Test
    void zeroCountAndBadImageNamesAreRefused() {
        assertThatThrownBy(() -> NodeSpec.parse("debian12 x0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> NodeSpec.parse("Debian12")).hasMessageContaining("lowercase");
        assertThatThrownBy(() -> NodeSpec.of("../etc", 1)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void emptyClusterIsRefused() {
        assertThatThrownBy(() -> ClusterSpec.builder().build()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("at least one node");
    }

    @Test
    void builderVariantsAreIndependent() {
        ClusterSpec a = ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(5)).build();
        ClusterSpec b = a.newBuilder().nodes("debian12").vmSize(VmSize.of(1, 512)).build();
        assertThat(a.nodeCount()).isEqualTo(1);
        assertThat(b.nodeCount()).isEqualTo(2);
        assertThat(b.ttl()).contains(Duration.ofMinutes(5));
        assertThat(a.vmSize()).isEmpty();
    }

    @Test
    void vmSizeIsValidated() {
        assertThat(VmSize.DEFAULT).isEqualTo(new VmSize(4, 2048, 20));
        assertThatThrownBy(() -> VmSize.of(0, 512)).hasMessageContaining("vcpus");
        assertThatThrownBy(() -> VmSize.of(1, 64)).hasMessageContaining("256 MiB");
    }

    @Test
    void execOptionsRejectBadNamesAndTimeouts() {
        assertThatThrownBy(() -> ExecOptions.DEFAULTS.withEnv(java.util.Map.of("BAD-NAME", "x")))
                .hasMessageContaining("BAD-NAME");
        assertThatThrownBy(() -> ExecOptions.timeout(Duration.ZERO)).hasMessageContaining("positive");
        assertThat(ExecOptions.DEFAULTS.withSecretEnv(java.util.Map.of("TOKEN", "s3cret")).toString()).doesNotContain("s3cret");
    }

    @Test
    void topologyProblemsCarryTheirCodeAndWhatTheyConcern() {
        NetworkSpec lan = NetworkSpec.named("lan");
        InvalidSpecException noNics = org.junit.jupiter.api.Assertions.assertThrows(InvalidSpecException.class,
                () -> ClusterSpec.builder().nodes("debian12 x2").network(lan).nics("node1", "lan").build());
        assertThat(noNics.code()).isEqualTo(ErrorCode.INCOMPLETE_SPEC);
        assertThat(noNics.subject()).isEqualTo(new AntriebException.Subject("node2", null, "nics"));
        InvalidSpecException noNetworks = org.junit.jupiter.api.Assertions.assertThrows(InvalidSpecException.class,
                () -> ClusterSpec.builder().nodes("debian12").nics("node1", "lan").build());
        assertThat(noNetworks.code()).isEqualTo(ErrorCode.INCOMPLETE_SPEC);
        assertThat(noNetworks.subject().field()).isEqualTo("networks");
        InvalidSpecException unknownNet = org.junit.jupiter.api.Assertions.assertThrows(InvalidSpecException.class,
                () -> ClusterSpec.builder().nodes("debian12").network(lan).nics("node1", "dmz").build());
        assertThat(unknownNet.code()).isEqualTo(ErrorCode.INVALID_SPEC);
        assertThat(unknownNet.subject()).isEqualTo(new AntriebException.Subject("node1", "dmz", "nics"));
    }

    @Test
    void theNodeLimitCountsOneControllerApart() {
        ClusterSpec.of("debian12 x4", "ansible-controller").checkNodeLimit(4);
        LimitExceededException tooMany = org.junit.jupiter.api.Assertions.assertThrows(LimitExceededException.class,
                () -> ClusterSpec.of("debian12 x5").checkNodeLimit(4));
        assertThat(tooMany.subject().field()).isEqualTo("nodes");
        assertThat(tooMany).hasMessageContaining("5 requested, at most 4");
        LimitExceededException twoControllers = org.junit.jupiter.api.Assertions.assertThrows(LimitExceededException.class,
                () -> ClusterSpec.of("debian12", "ansible-controller x2").checkNodeLimit(4));
        assertThat(twoControllers.subject().field()).isEqualTo("controllers");
    }
}
