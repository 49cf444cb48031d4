package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The executor on real guests. One 3-node cluster, provisioned from the nginx load balancer's own
 * topology, serves the whole class: first the built-in runbook runs on it while it is fresh, then
 * small runbooks of this class show how a run stops at a failing step, how variables reach the guests
 * and that missing ones are refused before anything runs. Each of those works in files of its own, so
 * none depends on what the others left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunbookExecutorIT {
    private static final Logger log = LoggerFactory.getLogger(RunbookExecutorIT.class);
    private static final Runbook NGINX = Runbook.builtin("antrieb/nginx-load-balancer");

    @AutoClose
    private static Antrieb antrieb;
    private static Cluster cluster;

    @BeforeAll
    static void provision() {
        antrieb = RealGuests.client();
        cluster = antrieb.provision(NGINX.topology().toClusterSpec());
        log.info("provisioned {} ({} nodes) in {}", cluster.id(), cluster.nodes().size(), RealGuests.seconds(cluster.provisionTime()));
    }

    @Test
    @Order(1)
    void nginxLoadBalancerRunsOnAFreshClusterAndBothBackendsAnswer() {
        RunbookResult result = NGINX.runOn(cluster);

        log.info("antrieb/nginx-load-balancer on {}: {} in {}", cluster.id(), result.succeeded() ? "succeeded" : "FAILED",
                RealGuests.seconds(result.duration()));
        RealGuests.logTimings(log, result);
        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(result.steps()).extracting(RunbookResult.StepResult::number).containsExactly(1, 2, 3);
        assertThat(result.steps().get(0).commands()).extracting(ExecResult::node).containsExactly("node1", "node2", "node3");
        assertThat(result.steps().get(1).commands()).extracting(ExecResult::stdout)
                .containsExactly("served by node2\n", "served by node3\n");
        assertThat(result.verifyRan()).isTrue();
        String answers = result.verify().get(0).stdout();
        assertThat(answers).contains("served by node2").contains("served by node3");

        // The balancer keeps balancing after the run: the scenario is real, not an artefact of the verify block.
        ExecResult again = cluster.exec("node1", "for i in 1 2 3 4; do curl -fsS http://127.0.0.1/; done");
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(again.stdout()).contains("served by node2").contains("served by node3");
    }

    static final Runbook STOPS_AT_NODE3 = Runbook.parse("""
            # Stops where node3 fails

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Steps

            ### 1. Give node1 and node2 an input file

            ```sh node1,node2
            set -e
            mkdir -p /srv/rb-stop
            echo "input of $NODE_NAME" > /srv/rb-stop/input
            ```

            ### 2. Read the input on node2 and node3

            node3 never got one, so this step fails there and only there.

            ```sh node2,node3
            cat /srv/rb-stop/input
            ```

            ```sh node1
            touch /tmp/rb-stop-step2-second-block
            ```

            ### 3. Never reached

            ```sh all
            touch /tmp/rb-stop-step3
            ```

            ## Verify

            ```sh all
            touch /tmp/rb-stop-verify
            ```
            """);

    @Test
    @Order(2)
    void aFailingStepReportsItsStepAndNodeAndNothingAfterItRuns() {
        RunbookResult result = STOPS_AT_NODE3.runOn(cluster);

        assertThat(result.succeeded()).isFalse();
        RunbookResult.Failure failure = result.failure().orElseThrow();
        assertThat(failure.phase()).isEqualTo(RunbookResult.Phase.STEP);
        assertThat(failure.step()).isEqualTo(2);
        assertThat(failure.title()).isEqualTo("Read the input on node2 and node3");
        assertThat(failure.node()).isEqualTo("node3");
        assertThat(failure.command()).isEqualTo("cat /srv/rb-stop/input");
        assertThat(failure.exitCode()).isEqualTo(1);
        assertThat(failure.result().stderr()).contains("/srv/rb-stop/input: No such file or directory");

        // Step 2's block ran on both of its nodes; node2's half succeeded on the real guest.
        assertThat(result.steps()).extracting(RunbookResult.StepResult::number).containsExactly(1, 2);
        assertThat(result.steps().get(1).commands()).extracting(ExecResult::node).containsExactly("node2", "node3");
        assertThat(result.steps().get(1).commands().get(0).stdout()).isEqualTo("input of node2\n");
        assertThat(result.verifyRan()).isFalse();
        assertThat(result.verify()).isEmpty();

        // Nothing after the failing block ran: not the step's second block, not step 3, not verify.
        for (String node : new String[] {"node1", "node2", "node3"}) {
            ExecResult files = cluster.exec(node, "ls /tmp/rb-stop-step2-second-block /tmp/rb-stop-step3 /tmp/rb-stop-verify 2>/dev/null; true");
            assertThat(files.stdout()).as("files left on %s", node).isEmpty();
        }
        assertThat(result.toMarkdown()).contains("step 2 (Read the input on node2 and node3) failed on node3: exit 1")
                .contains("No such file or directory");
        JsonNode json = JsonMapper.builder().build().readTree(result.toJson());
        assertThat(json.get("failure").get("step").asInt()).isEqualTo(2);
        assertThat(json.get("failure").get("node").asString()).isEqualTo("node3");
        assertThat(json.get("steps").get(2).get("status").asString()).isEqualTo("not_run");
    }

    static final Runbook GREETS = Runbook.parse("""
            # Greets with the caller's words

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Variables

            - `<GREETING>`: what to write; the caller must say
            - `<GREETING_FILE>`: where to write it (default: /tmp/rb-greeting)

            ## Steps

            ### 1. Write the greeting on node1 and node3

            ```sh node1,node3
            printf '%s\\n' "<GREETING> from $NODE_NAME" > <GREETING_FILE>
            ```

            ## Verify

            ```sh node3
            test "$(cat <GREETING_FILE>)" = "<GREETING> from node3"
            ```
            """);

    @Test
    @Order(3)
    void suppliedAndDefaultVariablesAreSubstitutedBeforeTheCommandsRun() {
        RunbookResult result = GREETS.withVariables(Map.of("GREETING", "hello, it's the caller")).runOn(cluster);

        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(result.commands()).extracting(ExecResult::command).noneMatch(c -> c.contains("<GREETING"));
        assertThat(cluster.exec("node1", "cat /tmp/rb-greeting").stdout()).isEqualTo("hello, it's the caller from node1\n");
        assertThat(cluster.exec("node3", "cat /tmp/rb-greeting").stdout()).isEqualTo("hello, it's the caller from node3\n");
        assertThat(cluster.exec("node2", "test -e /tmp/rb-greeting || echo absent").stdout()).isEqualTo("absent\n");

        // A supplied value replaces the default.
        RunbookResult elsewhere = GREETS.withVariables(Map.of("GREETING", "again", "GREETING_FILE", "/root/rb-greeting")).runOn(cluster);
        assertThat(elsewhere.succeeded()).as(elsewhere.toMarkdown()).isTrue();
        assertThat(cluster.exec("node1", "cat /root/rb-greeting").stdout()).isEqualTo("again from node1\n");
    }

    static final Runbook NEEDS_A_TOKEN = Runbook.parse("""
            # Needs a token

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Variables

            - `<TOKEN>`: a token only the caller knows

            ## Steps

            ### 1. Leave a mark, then use the token

            ```sh all
            touch /tmp/rb-token-step1
            ```

            ```sh node1
            echo <TOKEN> > /tmp/rb-token
            ```

            ## Verify

            ```sh node1
            test -s /tmp/rb-token
            ```
            """);

    @Test
    @Order(4)
    void aMissingVariableIsRefusedBeforeAnyCommandRunsOrAnyClusterIsMade() {
        int commandsBefore = cluster.history().size();
        int clustersBefore = antrieb.clusters().size();

        RunbookException onCluster = catchThrowableOfType(RunbookException.class, () -> NEEDS_A_TOKEN.runOn(cluster));
        RunbookException provisioning = catchThrowableOfType(RunbookException.class, () -> NEEDS_A_TOKEN.run(antrieb));

        assertThat(onCluster).hasMessageContaining("<TOKEN>").hasMessageContaining("line 11")
                .hasMessageContaining("withVariables");
        assertThat(provisioning).hasMessageContaining("<TOKEN>");
        assertThat(cluster.history()).hasSize(commandsBefore);
        assertThat(antrieb.clusters()).hasSize(clustersBefore);
        for (String node : new String[] {"node1", "node2", "node3"}) {
            assertThat(cluster.exec(node, "ls /tmp/rb-token-step1 /tmp/rb-token 2>/dev/null; true").stdout())
                    .as("files left on %s", node).isEmpty();
        }
    }

    @Test
    @Order(5)
    void aClusterOfAnotherShapeIsRefusedBeforeAnyCommandRuns() {
        Runbook oneNode = Runbook.parse("""
                # One node

                ## Topology required

                ```yaml
                nodes: ["debian12"]
                ```

                ## Steps

                ### 1. Mark

                ```sh node1
                touch /tmp/rb-one-node
                ```

                ## Verify

                ```sh node1
                true
                ```
                """);
        int commandsBefore = cluster.history().size();

        RunbookException e = catchThrowableOfType(RunbookException.class, () -> oneNode.runOn(cluster));

        assertThat(e).hasMessageContaining("needs 1 node(s)").hasMessageContaining("has 3");
        assertThat(cluster.history()).hasSize(commandsBefore);
        assertThat(cluster.exec("node1", "test -e /tmp/rb-one-node || echo absent").stdout()).isEqualTo("absent\n");
    }

    @Test
    @Order(99)
    void theWholeClassTookOneClusterOfThreeNodes() {
        assertThat(cluster.nodes()).hasSize(3);
        assertThat(cluster.isOpen()).as("the runbooks never close a cluster they were given").isTrue();
        log.info("cluster {} lived {}", cluster.id(), RealGuests.seconds(Duration.between(cluster.createdAt(), java.time.Instant.now())));
    }
}
