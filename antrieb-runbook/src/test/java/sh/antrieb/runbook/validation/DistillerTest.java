package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.UserMessage;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.FakeCluster;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.validation.internal.Distiller;
import sh.antrieb.runbook.validation.internal.ModelSession;
import sh.antrieb.runbook.validation.internal.Plan;

/** Distillation of what passed into one runbook, and troubleshooting through fenced blocks for models without tools. */
class DistillerTest {
    private static final ClusterSpec THREE = ClusterSpec.of("debian12 x3");

    private static Findings passed(Code code) {
        return new Findings(code, "c1", Duration.ofSeconds(5), Instant.EPOCH, Duration.ofSeconds(9), List.of(), List.of(), List.of(),
                List.of(), true, null);
    }

    @Test
    void theDistilledRunbookHasTheTopologyTheStepsOnTheirNodesAndTheChecks() {
        Code code = Code.bash("""
                set -eu
                # step node2,node3: Start the backends
                echo "served by $NODE_NAME" > /srv/index.html
                # step: Configure the balancer
                cat > /etc/lb.conf <<'EOF'
                upstream <BACKENDS>
                EOF
                """);
        Plan plan = Plan.of(code, THREE.nodeNames(), List.of(new Check("node1", "curl -fs localhost | grep -q node2")));

        String md = Distiller.distil("nginx on node1 balancing node2 and node3\nmore words", THREE, plan, passed(code), 2);
        Runbook rb = Runbook.parse(md);

        assertThat(rb.title()).isEqualTo("nginx on node1 balancing node2 and node3");
        assertThat(rb.description()).contains("iteration 2").contains("cluster `c1`").contains("twice");
        assertThat(rb.topology().nodeNames()).containsExactly("node1", "node2", "node3");
        assertThat(rb.steps()).extracting(s -> s.title()).containsExactly("Start the backends", "Configure the balancer");
        assertThat(rb.steps().get(0).commands().get(0).nodes()).containsExactly("node2", "node3");
        assertThat(rb.steps().get(0).commands().get(0).script()).isEqualTo("set -eu\necho \"served by $NODE_NAME\" > /srv/index.html");
        // A text that looks like a placeholder is kept literally: the runbook runs what passed.
        assertThat(Code.runbook(rb).runbook().values()).containsEntry("BACKENDS", "<BACKENDS>");
        assertThat(Plan.of(Code.runbook(rb), THREE.nodeNames(), List.of()).steps().get(1).commands().get(0).script())
                .isEqualTo(plan.steps().get(1).commands().get(0).script());
        assertThat(rb.verify()).extracting(b -> b.nodes().get(0) + ": " + b.script()).containsExactly("node1: curl -fs localhost | grep -q node2");
    }

    @Test
    void declaredNetworksAndNicsCarryOverIntoTheRunbooksTopology() {
        ClusterSpec routed = ClusterSpec.builder().nodes("debian12 x2").network("wan").network("lan cidr=10.10.9.0/24 egress=false dhcp=false")
                .nics("node1", "wan", "lan").nics("node2", "lan").build();
        Code code = Code.bash("ip link show eth1");
        Runbook rb = Runbook.parse(Distiller.distil("router", routed, Plan.of(code, routed.nodeNames(), List.of()), passed(code), 1));
        assertThat(rb.topology().toClusterSpec().networks()).isEqualTo(routed.networks());
        assertThat(rb.topology().nics()).isEqualTo(routed.nics());
    }

    @Test
    void aModelWithoutToolCallingTroubleshootsThroughFencedRunBlocks() {
        ScriptedChatModel model = new ScriptedChatModel().withoutToolCalling()
                .reply("Let me look:\n\n```run node1\nsystemctl status web\n```\n")
                .code("# step: Fixed\ntrue");
        FakeCluster cluster = new FakeCluster("f1", ClusterSpec.of("debian12")) {
            @Override
            protected ExecResult run(String node, String command, ExecOptions options) {
                return result(node, command, 3, "web.service - Web\n   Active: failed (Result: exit-code)\n", "");
            }
        };
        ModelSession session = new ModelSession(model, Prompts.DEFAULTS, "serve", Code.Language.BASH, List.of("node1"),
                List.of("debian12"), List.of(), true);
        Findings f = passed(Code.bash("false"));

        ModelSession.Troubleshooting t = session.troubleshoot(cluster, Code.bash("false"), f, 4, 4000, ExecOptions.DEFAULTS);

        assertThat(t.commands()).extracting(ExecResult::command).containsExactly("systemctl status web");
        assertThat(t.code().text()).isEqualTo("# step: Fixed\ntrue\n");
        assertThat(model.requests()).hasSize(2);
        assertThat(model.requests()).allMatch(r -> r.toolSpecifications() == null || r.toolSpecifications().isEmpty());
        UserMessage output = (UserMessage) model.requests().get(1).messages().get(model.requests().get(1).messages().size() - 1);
        assertThat(output.singleText()).startsWith("exit 3").contains("Active: failed");
        assertThat(session.drainExchanges()).extracting(e -> e.role()).containsExactly(ModelExchange.Role.TROUBLESHOOT,
                ModelExchange.Role.TROUBLESHOOT);
    }
}
