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
}
