package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;

class TopologyTest {

    @Test
    void nodesConvertToAClusterSpec() {
        Topology t = new Topology(List.of(NodeSpec.of("debian12", 2), NodeSpec.controller("debian12")), List.of(), Map.of());

        ClusterSpec spec = t.toClusterSpec();

        assertThat(spec.nodes()).containsExactly(NodeSpec.of("debian12", 2), NodeSpec.controller("debian12"));
        assertThat(t.nodeNames()).containsExactly("node1", "node2", "node3");
        assertThat(t.nodeImages()).containsExactly("debian12", "debian12", "debian12");
    }

    @Test
    void declaredNetworksAndNicsGoIntoTheClusterSpec() {
        Topology t = Runbook.builtin("antrieb/router-isolated-lan").topology();

        ClusterSpec spec = t.toClusterSpec();

        assertThat(spec.networks()).containsExactly(NetworkSpec.named("wan"),
                NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false));
        assertThat(spec.nics()).containsExactly(Map.entry("node1", List.of("wan", "lan")), Map.entry("node2", List.of("lan")),
                Map.entry("node3", List.of("wan")));
        assertThat(spec.nodeImages()).containsExactly("debian12", "debian12", "debian12");
    }

    @Test
    void aCidrStillWaitingForItsVariableIsNoClusterSpec() {
        Runbook rb = Runbook.parse("# T\n\n## Topology required\n\n```yaml\nnodes: [debian12]\n"
                + "networks: [{name: lan, cidr: \"<NET>.0/24\"}]\nnics: {node1: [lan]}\n```\n\n"
                + "## Variables\n\n- `<NET>`: the first three octets\n\n## Steps\n\n### 1. One\n\n"
                + "```sh node1\ntrue\n```\n\n## Verify\n\n```sh node1\ntrue\n```\n");

        assertThatThrownBy(() -> rb.topology().toClusterSpec()).isInstanceOf(RunbookException.class)
                .hasMessageContaining("network 'lan'").hasMessageContaining("<NET>.0/24").hasMessageContaining("withVariables");
        assertThat(rb.withVariables(Map.of("NET", "10.9.8")).topology().toClusterSpec().networks())
                .containsExactly(NetworkSpec.named("lan").cidr("10.9.8.0/24"));
    }

    @Test
    void anUnsafeCidrIsRefusedWrittenOutOrThroughAVariable() {
        String topology = "# T\n\n## Topology required\n\n```yaml\nnodes: [debian12]\n"
                + "networks: [{name: lan, cidr: \"%s\"}]\nnics: {node1: [lan]}\n```\n\n"
                + "## Variables\n\n- `<NET>`: the first three octets\n\n## Steps\n\n### 1. One\n\n"
                + "```sh node1\ntrue\n```\n\n## Verify\n\n```sh node1\ntrue\n```\n";

        assertThatThrownBy(() -> Runbook.parse(String.format(topology, "127.0.0.0/24"))).isInstanceOf(RunbookException.class)
                .hasMessageContaining("unsafe CIDR '127.0.0.0/24'").hasMessageContaining("loopback").hasMessageContaining("e.g. 10.10.1.0/24");
        Runbook rb = Runbook.parse(String.format(topology, "<NET>.0/24"));
        assertThatThrownBy(() -> rb.withVariables(Map.of("NET", "169.254.7")).topology().toClusterSpec())
                .hasMessageContaining("unsafe CIDR '169.254.7.0/24'").hasMessageContaining("link-local");
    }

    @Test
    void ofClusterSpecKeepsTheNodeGroups() {
        Topology t = Topology.of(ClusterSpec.of("debian12", "my-nginx x2"));

        assertThat(t.nodes()).containsExactly(NodeSpec.of("debian12", 1), NodeSpec.of("my-nginx", 2));
        assertThat(t.declaresNetworks()).isFalse();
        assertThat(t.nics()).isEmpty();
    }

    @Test
    void controllerGroupsParse() {
        Runbook rb = Runbook.parse("# T\n\n## Topology required\n\n```yaml\nnodes:\n  - debian12 x2\n"
                + "  - {image: debian12, controller: true}\n  - ansible-controller\n```\n\n## Steps\n\n### 1. One\n\n"
                + "```sh node4\ntrue\n```\n\n## Verify\n\n```sh node3\ntrue\n```\n");

        assertThat(rb.topology().nodes()).containsExactly(NodeSpec.of("debian12", 2), NodeSpec.controller("debian12"),
                NodeSpec.controller("ansible-controller"));
    }
}
