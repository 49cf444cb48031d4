package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.runbook.CommandBlock;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.validation.internal.Plan;

/** How code becomes steps: bash step markers, Ansible on node1, runbooks with their values. */
class PlanTest {
    private static final List<String> NODES = List.of("node1", "node2", "node3");

    @Test
    void aScriptWithoutMarkersIsOneStepOnNode1() {
        Plan p = Plan.of(Code.bash("#!/bin/bash\nset -e\necho hi\n"), NODES, List.of());
        assertThat(p.steps()).hasSize(1);
        assertThat(p.steps().get(0).commands().get(0).nodes()).containsExactly("node1");
        assertThat(p.steps().get(0).commands().get(0).script()).isEqualTo("#!/bin/bash\nset -e\necho hi");
    }

    @Test
    void markersSplitStepsOnTheirNodesAndThePreambleGoesInFrontOfEach() {
        Plan p = Plan.of(Code.bash("""
                set -eu
                PORT=8080
                # step node2,node3: Start the backends
                echo $PORT
                # STEP all: Everywhere
                true
                #step: Back on node1
                echo done
                """), NODES, List.of(new Check("node1", "curl -fs localhost")));
        assertThat(p.steps()).extracting(Step::title).containsExactly("Start the backends", "Everywhere", "Back on node1");
        assertThat(p.steps()).extracting(s -> s.commands().get(0).nodes())
                .containsExactly(List.of("node2", "node3"), NODES, List.of("node1"));
        assertThat(p.steps().get(0).commands().get(0).script()).isEqualTo("set -eu\nPORT=8080\necho $PORT");
        assertThat(p.verify()).extracting(CommandBlock::script).containsExactly("curl -fs localhost");
    }

    @Test
    void unknownNodesAreRefusedNamingTheNodesThereAre() {
        assertThatThrownBy(() -> Plan.of(Code.bash("# step node7: x\ntrue"), NODES, List.of()))
                .hasMessageContaining("node7").hasMessageContaining("[node1, node2, node3]");
        assertThatThrownBy(() -> Validation.of(Code.bash("true")).on("debian12").verify("node2", "true").build())
                .hasMessageContaining("verify check names node2");
        assertThatThrownBy(() -> Validation.of(Code.bash("true")).build()).hasMessageContaining(".on(\"debian12\")");
    }

    @Test
    void aPlaybookRunsOnNode1AgainstEveryNode() {
        Plan p = Plan.of(Code.ansible("- hosts: all\n  tasks: []\n"), NODES, List.of());
        String script = p.steps().get(0).commands().get(0).script();
        assertThat(script).contains("- hosts: all\n  tasks: []\nANTRIEB_PLAYBOOK_EOF\n")
                .contains("echo 'node1 ansible_connection=local'; echo 'node2 ansible_user=root'; echo 'node3 ansible_user=root'")
                .endsWith("ansible-playbook -i inventory playbook.yml");
        assertThat(p.ansible()).isTrue();
    }

    @Test
    void aRunbookBringsItsStepsVerifyAndValues() {
        Runbook rb = Runbook.parse("""
                # Page

                ## Topology required

                ```yaml
                nodes: ["debian12"]
                ```

                ## Variables

                - `<PORT>`: the port (default: 8080)

                ## Steps

                ### 1. Serve

                ```sh node1
                echo <PORT>
                ```

                ## Verify

                ```sh node1
                curl -fs localhost:<PORT>
                ```
                """).withVariables(java.util.Map.of("PORT", "9000"));
        Plan p = Plan.of(Code.runbook(rb), List.of("node1"), List.of(new Check("node1", "true")));
        assertThat(p.steps().get(0).commands().get(0).script()).isEqualTo("echo 9000");
        assertThat(p.verify()).extracting(CommandBlock::script).containsExactly("curl -fs localhost:9000", "true");
        assertThat(Validation.of(Code.runbook(rb)).build().spec().nodeNames()).containsExactly("node1");
    }
}
