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
 * none depends on what the others left; the failover runbook isolates node1 and heals it before the class ends.
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

    /**
     * A primary/standby service from what the image has: node1 serves, node2 watches it over the network under
     * test and serves in its place once node1 stops answering, node3 is the client. The failover step's
     * {@code ```fault} block isolates node1 at the host; Verify passes only because it did.
     */
    static final Runbook FAILOVER = Runbook.parse("""
            # Standby takes over when the primary drops off the network

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Variables

            - `<PORT>`: the service's port (default: 8080)
            - `<WAIT_SECONDS>`: how long the client waits for the standby (default: 60)

            ## Steps

            ### 1. Serve as primary on node1

            ```sh node1
            set -e
            mkdir -p /srv/failover-<PORT>
            echo "primary node1" > /srv/failover-<PORT>/index.html
            nohup setsid python3 -m http.server <PORT> --directory /srv/failover-<PORT> >/var/log/failover-<PORT>.log 2>&1 </dev/null &
            for i in $(seq 100); do curl -fsS -m 2 http://127.0.0.1:<PORT>/ && exit 0; sleep 0.2; done
            exit 1
            ```

            ### 2. Stand by on node2

            The watcher asks node1 every second; after three missed answers in a row it serves in node1's place.

            ```sh node2
            set -e
            mkdir -p /srv/failover-<PORT>
            echo "standby node2 took over" > /srv/failover-<PORT>/index.html
            cat > /usr/local/bin/failover-watch-<PORT> <<'WATCH'
            #!/bin/sh
            misses=0
            while :; do
              if curl -fsS -m 2 -o /dev/null http://node1:<PORT>/; then misses=0; else misses=$((misses + 1)); fi
              if [ "$misses" -ge 3 ]; then
                exec python3 -m http.server <PORT> --directory /srv/failover-<PORT>
              fi
              sleep 1
            done
            WATCH
            chmod +x /usr/local/bin/failover-watch-<PORT>
            curl -fsS -m 5 http://node1:<PORT>/
            nohup setsid /usr/local/bin/failover-watch-<PORT> >/var/log/failover-watch-<PORT>.log 2>&1 </dev/null &
            ```

            ### 3. The primary drops off the network

            ```fault
            isolate node1
            ```

            ## Verify

            ```sh node3
            for i in $(seq <WAIT_SECONDS>); do
              if curl -fsS -m 2 http://node2:<PORT>/ 2>/dev/null | grep -q "took over"; then echo "node2 took over"; exit 0; fi
              sleep 1
            done
            echo "node2 did not take over within <WAIT_SECONDS> s" >&2
            exit 1
            ```
            """);

    @Test
    @Order(6)
    void aFailoverRunbookPassesBecauseItsFaultFiredAndItsFaultIsHealedAfterwards() {
        // Without the fault block the standby never takes over, so the same Verify fails: it proves the failover.
        Runbook noFault = Runbook.parse(FAILOVER.markdown().replace("```fault\nisolate node1\n```\n", ""));
        assertThat(noFault.steps().get(2).commands()).isEmpty();
        long t0 = System.nanoTime();
        RunbookResult without = noFault.withVariables(Map.of("PORT", "8081", "WAIT_SECONDS", "15")).runOn(cluster);
        log.info("failover runbook without its fault: {} in {}", without.succeeded() ? "succeeded" : "failed", RealGuests.seconds(without.duration()));
        assertThat(without.succeeded()).as(without.toMarkdown()).isFalse();
        assertThat(without.failure().orElseThrow().phase()).isEqualTo(RunbookResult.Phase.VERIFY);
        assertThat(without.failure().orElseThrow().result().stderr()).contains("node2 did not take over");
        assertThat(without.healed()).isEmpty();

        RunbookResult result = FAILOVER.runOn(cluster);

        log.info("failover runbook: {} in {} (both runs {})", result.succeeded() ? "succeeded" : "FAILED", RealGuests.seconds(result.duration()),
                RealGuests.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        RealGuests.logTimings(log, result);
        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(result.steps().get(2).faults()).extracting(f -> f.fault().toString()).containsExactly("isolate node1");
        assertThat(result.healed()).extracting(sh.antrieb.Faults.Active::description).containsExactly("isolate node1");
        assertThat(result.toMarkdown()).contains("- fault `isolate node1`").contains("## Faults healed at the end of the run");

        // Healed at the end: nothing in force, and node1 answers node2 across the network again.
        assertThat(cluster.faults().active()).isEmpty();
        ExecResult back = cluster.exec("node2", "curl -fsS -m 5 http://node1:8080/");
        assertThat(back.exitCode()).as(back.stderr()).isZero();
        assertThat(back.stdout()).isEqualTo("primary node1\n");
    }

    @Test
    @Order(99)
    void theWholeClassTookOneClusterOfThreeNodes() {
        assertThat(cluster.nodes()).hasSize(3);
        assertThat(cluster.isOpen()).as("the runbooks never close a cluster they were given").isTrue();
        log.info("cluster {} lived {}", cluster.id(), RealGuests.seconds(Duration.between(cluster.createdAt(), java.time.Instant.now())));
    }
}
