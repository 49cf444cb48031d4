package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.NodeSpec;

class RunbookWriterTest {

    private static ExecResult ran(String node, String command, int exitCode) {
        return new ExecResult(node, command, exitCode, "", "", Instant.EPOCH, Duration.ofMillis(1), false);
    }

    static final List<ExecResult> SESSION = List.of(
            ran("node1", "apt-get update", 0),
            ran("node1", "apt-get install -y ngnix", 100),
            ran("node1", "apt-get install -y nginx", 0),
            ran("node2", "echo hello > /tmp/x\n", 0),
            ran("node2", "cat <<'EOF' > /etc/motd\n```\nfenced in a heredoc\n```\nEOF", 0),
            ran("node1", "curl -fsS http://node2/ | grep '<TITLE>'", 0),
            ran("node3", "timeout 1 sleep 5", 124));

    @Test
    void fromSessionKeepsTheSuccessfulCommandsInOrderGroupedPerConsecutiveNode() {
        Runbook rb = Runbook.fromSession("nginx by hand", "Installed nginx, then checked it.", ClusterSpec.of("debian12 x3"), SESSION);

        assertThat(rb.title()).isEqualTo("nginx by hand");
        assertThat(rb.description()).isEqualTo("Installed nginx, then checked it.");
        assertThat(rb.topology().nodes()).containsExactly(NodeSpec.of("debian12", 3));
        assertThat(rb.steps()).extracting(Step::title).containsExactly(
                "On node1: `apt-get update`", "On node2: `echo hello > /tmp/x`", "On node1: `curl -fsS http://node2/ | grep '<TITLE>'`");
        assertThat(rb.steps().get(0).commands()).extracting(CommandBlock::script)
                .containsExactly("apt-get update", "apt-get install -y nginx");
        assertThat(rb.verify()).isEmpty();
    }

    @Test
    void theRunbookReRunsExactlyTheSessionsSuccessfulCommands() {
        Runbook rb = Runbook.fromSession("round trip", null, ClusterSpec.of("debian12 x3"), SESSION);
        RecordingCluster cluster = new RecordingCluster("debian12 x3");

        RunbookResult result = rb.runOn(cluster);

        assertThat(result.succeeded()).isTrue();
        assertThat(cluster.callTexts()).containsExactly(
                "node1: apt-get update",
                "node1: apt-get install -y nginx",
                "node2: echo hello > /tmp/x",
                "node2: cat <<'EOF' > /etc/motd\n```\nfenced in a heredoc\n```\nEOF",
                "node1: curl -fsS http://node2/ | grep '<TITLE>'");
    }

    @Test
    void placeholderLookingTextBecomesAVariableDefaultingToItself() {
        Runbook rb = Runbook.fromSession("t", null, ClusterSpec.of("debian12 x3"), SESSION);

        assertThat(rb.variables()).extracting(Variable::name, Variable::defaultValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("TITLE", "<TITLE>"));
        assertThat(rb.withVariables(Map.of("TITLE", "Welcome")).runOn(new RecordingCluster("debian12 x3")).commands())
                .extracting(ExecResult::command).contains("curl -fsS http://node2/ | grep 'Welcome'");
    }

    @Test
    void theWriterAddsVerifyCommandsAndDeclaredNetworks() {
        Topology topology = Runbook.builtin("antrieb/router-isolated-lan").topology();

        String md = RunbookWriter.create("router\nby hand", topology)
                .description("## not a section\nA router.")
                .commands(List.of(ran("node1", "sysctl -w net.ipv4.ip_forward=1", 0)))
                .verify(List.of(ran("node2", "ping -c1 10.10.1.254", 0), ran("node3", "false", 1)))
                .toMarkdown();
        Runbook rb = Runbook.parse(md);

        assertThat(rb.title()).isEqualTo("router by hand");
        assertThat(rb.description()).isEqualTo("\\## not a section\nA router.");
        assertThat(rb.topology()).isEqualTo(topology);
        assertThat(rb.verify()).containsExactly(new CommandBlock(List.of("node2"), "ping -c1 10.10.1.254", rb.verify().get(0).line()));
        assertThat(md).contains("""
                ## Topology required

                ```yaml
                nodes: ["debian12 x3"]
                networks:
                  - {name: wan, egress: true, dhcp: true}
                  - {name: lan, cidr: "10.10.1.0/24", egress: false, dhcp: false}
                nics:
                  node1: [wan, lan]
                  node2: [lan]
                  node3: [wan]
                ```
                """);
    }

    @Test
    void aSessionWithNothingSuccessfulIsRefused() {
        assertThatThrownBy(() -> Runbook.fromSession("nothing worked", null, ClusterSpec.of("debian12"), List.of(ran("node1", "false", 1))))
                .isInstanceOf(RunbookException.class)
                .hasMessage("runbook: no command of the session succeeded, so there is nothing to re-run: a runbook needs at least one step");
    }

    @Test
    void aCommandOnANodeOutsideTheTopologyIsRefused() {
        assertThatThrownBy(() -> Runbook.fromSession("t", null, ClusterSpec.of("debian12"), List.of(ran("node2", "true", 0))))
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("a command ran on node2, which the topology does not have");
    }

    @Test
    void controllerGroupsSurviveTheRoundTrip() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12 x2").node(NodeSpec.controller("debian12")).build();

        Runbook rb = Runbook.fromSession("t", null, spec, List.of(ran("node3", "true", 0)));

        assertThat(rb.topology().toClusterSpec()).isEqualTo(spec);
    }
}
