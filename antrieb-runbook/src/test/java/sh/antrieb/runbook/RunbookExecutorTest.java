package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.NetworkSpec;

/** The executor's control flow, against a {@link RecordingCluster}: no VMs. */
class RunbookExecutorTest {

    static final Runbook THREE_STEPS = Runbook.parse("""
            # Three steps

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Steps

            ### 1. Prepare the backends

            ```sh node2,node3
            prepare
            ```

            ### 2. Configure

            ```sh node1
            configure-a
            ```

            ```sh node1
            configure-b
            ```

            ### 3. Start

            ```sh all
            start
            ```

            ## Verify

            ```sh node1
            check-1
            ```

            ```sh node2
            check-2
            ```
            """);

    @Test
    void runsEveryStepInOrderThenVerify() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3");

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.failure()).isEmpty();
        assertThat(cluster.callTexts()).containsExactly(
                "node2: prepare", "node3: prepare",
                "node1: configure-a", "node1: configure-b",
                "node1: start", "node2: start", "node3: start",
                "node1: check-1", "node2: check-2");
        assertThat(result.steps()).extracting(RunbookResult.StepResult::number).containsExactly(1, 2, 3);
        assertThat(result.steps()).allMatch(RunbookResult.StepResult::succeeded);
        assertThat(result.steps().get(2).commands()).extracting(ExecResult::node).containsExactly("node1", "node2", "node3");
        assertThat(result.verifyRan()).isTrue();
        assertThat(result.verify()).extracting(ExecResult::command).containsExactly("check-1", "check-2");
        assertThat(result.clusterId()).isEqualTo("recording-1");
        assertThat(result.commands()).hasSize(9);
    }

    @Test
    void aFailingStepReportsItsStepNodeAndCommandAndStops() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .failWhen("node1", "configure-a", 2, "configure-a: no such file\n");

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(result.succeeded()).isFalse();
        RunbookResult.Failure f = result.failure().orElseThrow();
        assertThat(f.phase()).isEqualTo(RunbookResult.Phase.STEP);
        assertThat(f.step()).isEqualTo(2);
        assertThat(f.title()).isEqualTo("Configure");
        assertThat(f.node()).isEqualTo("node1");
        assertThat(f.command()).isEqualTo("configure-a");
        assertThat(f.exitCode()).isEqualTo(2);
        assertThat(f.result().stderr()).isEqualTo("configure-a: no such file\n");
        assertThat(f.summary()).startsWith("step 2 (Configure) failed on node1: exit 2 after ");

        assertThat(cluster.callTexts()).as("nothing after the failing command runs, verify neither")
                .containsExactly("node2: prepare", "node3: prepare", "node1: configure-a");
        assertThat(result.steps()).hasSize(2);
        assertThat(result.steps().get(1).succeeded()).isFalse();
        assertThat(result.verifyRan()).isFalse();
        assertThat(result.verify()).isEmpty();
    }

    @Test
    void aBlockOnSeveralNodesRunsOnAllOfThemAndReportsTheFirstFailingNodeInOrder() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .failWhen("node3", "prepare", 100, "E: Unable to locate package\n");

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(cluster.callTexts()).containsExactly("node2: prepare", "node3: prepare");
        assertThat(result.failure().orElseThrow().node()).isEqualTo("node3");
        assertThat(result.failure().orElseThrow().step()).isEqualTo(1);
    }

    @Test
    void verifyRunsOnlyAfterEveryStepPassedAndItsFailureIsReported() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3").failWhen("node1", "check-1", 1, "");

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.steps()).hasSize(3).allMatch(RunbookResult.StepResult::succeeded);
        assertThat(result.verifyRan()).isTrue();
        RunbookResult.Failure f = result.failure().orElseThrow();
        assertThat(f.phase()).isEqualTo(RunbookResult.Phase.VERIFY);
        assertThat(f.step()).isZero();
        assertThat(f.node()).isEqualTo("node1");
        assertThat(f.summary()).startsWith("verify failed on node1: exit 1");
        assertThat(cluster.callTexts()).last().isEqualTo("node1: check-1");
    }

    @Test
    void anUnreachableNodeIsAFailureLikeAnyOther() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .failWhen("node1", "start", -1, "node1 is not reachable (rebooting?)");

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(result.failure().orElseThrow().exitCode()).isEqualTo(-1);
        assertThat(result.failure().orElseThrow().step()).isEqualTo(3);
    }

    @Test
    void aClusterThatExpiresMidRunEndsTheRunWithAFailureAndKeepsWhatRan() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .throwWhen("node1", "configure-b", new ClusterExpiredException("recording-1", "reached its TTL"));

        RunbookResult result = THREE_STEPS.runOn(cluster);

        RunbookResult.Failure f = result.failure().orElseThrow();
        assertThat(f.step()).isEqualTo(2);
        assertThat(f.command()).isEqualTo("configure-b");
        assertThat(f.exitCode()).isEqualTo(-1);
        assertThat(f.result().stderr()).startsWith("cluster_expired: cluster recording-1 reached its TTL");
        assertThat(result.steps().get(1).commands()).extracting(ExecResult::command).containsExactly("configure-a", "configure-b");
    }

    @Test
    void aClusterThatExpiresDuringAMultiNodeBlockIsReportedToo() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .throwWhen("node2", "prepare", new ClusterExpiredException("recording-1", "was closed"));

        RunbookResult result = THREE_STEPS.runOn(cluster);

        assertThat(result.failure().orElseThrow().node()).isEqualTo("node2");
        assertThat(result.failure().orElseThrow().result().stderr()).contains("was closed");
    }

    @Test
    void execOptionsReachEveryCommand() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3");
        ExecOptions options = ExecOptions.timeout(Duration.ofMinutes(3));

        THREE_STEPS.runOn(cluster, options);

        assertThat(cluster.calls()).extracting(RecordingCluster.Call::options).containsOnly(options);
    }

    @Test
    void aClusterWithTheWrongNodeCountIsRefusedBeforeAnythingRuns() {
        RecordingCluster cluster = new RecordingCluster("debian12 x2");

        RunbookException e = catchThrowableOfType(RunbookException.class, () -> THREE_STEPS.runOn(cluster));

        assertThat(e).hasMessage("runbook: this runbook needs 3 node(s) [debian12 x3] and cluster recording-1 has 2: "
                + "node1 (debian12), node2 (debian12); provision the runbook's topology (runbook.topology().toClusterSpec()) "
                + "or use run(antrieb)");
        assertThat(cluster.calls()).isEmpty();
    }

    @Test
    void aClusterWithTheWrongImageIsRefusedBeforeAnythingRuns() {
        RecordingCluster cluster = new RecordingCluster("debian12 x2", "my-nginx");

        RunbookException e = catchThrowableOfType(RunbookException.class, () -> THREE_STEPS.runOn(cluster));

        assertThat(e).hasMessageContaining("needs node3 booted from 'debian12' and cluster recording-1 has it from 'my-nginx'");
        assertThat(cluster.calls()).isEmpty();
    }

    @Test
    void aSavedImagePinnedInTheProvisioningNamespaceIsTheImageTheRunbookNames() {
        Runbook web = Runbook.parse("""
                # Web

                ## Topology required

                ```yaml
                nodes: ["web", "debian12"]
                ```

                ## Steps

                ### 1. Start

                ```sh node1
                start
                ```

                ## Verify

                ```sh node1
                check
                ```
                """);
        // provisioning on behalf of namespace acme pins a saved image to antrieb:acme/web:v2 (ProvisionOptions.namespace)
        RecordingCluster acme = new RecordingCluster("antrieb:acme/web:v2", "antrieb:debian12:v1");

        assertThat(web.runOn(acme).succeeded()).isTrue();
        assertThat(acme.callTexts()).containsExactly("node1: start", "node1: check");

        RecordingCluster bobs = new RecordingCluster("antrieb:bob/web:v2", "debian12");
        Runbook acmesWeb = Runbook.parse(web.markdown().replace("\"web\"", "\"acme/web\""));
        RunbookException e = catchThrowableOfType(RunbookException.class, () -> acmesWeb.runOn(bobs));
        assertThat(e).hasMessageContaining("needs node1 booted from 'acme/web' and cluster recording-1 has it from 'antrieb:bob/web:v2'");
        assertThat(bobs.calls()).isEmpty();
    }

    @Test
    void aRouterRunbookIsRefusedOnAClusterWithoutItsNetworks() {
        Runbook router = Runbook.builtin("antrieb/router-isolated-lan");
        RecordingCluster onDefault = new RecordingCluster("debian12 x3");

        RunbookException e = catchThrowableOfType(RunbookException.class, () -> router.runOn(onDefault));

        assertThat(e).hasMessageContaining("needs the networks [wan, lan]").hasMessageContaining("only the default network");
        assertThat(onDefault.calls()).isEmpty();
    }

    @Test
    void aClusterWhoseNetworksOrNicsDifferIsRefusedBeforeAnythingRuns() {
        Runbook router = Runbook.builtin("antrieb/router-isolated-lan");
        ClusterSpec wanted = router.topology().toClusterSpec();
        ClusterSpec lanWithDhcp = wanted.withNetworks(List.of(NetworkSpec.named("wan"),
                NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false)));
        ClusterSpec swappedNics = ClusterSpec.builder().nodes("debian12 x3").network("wan")
                .network("lan cidr=10.10.1.0/24 egress=false dhcp=false")
                .nics("node1", "lan", "wan").nics("node2", "lan").nics("node3", "wan").build();

        RecordingCluster dhcp = new RecordingCluster(lanWithDhcp);
        RecordingCluster swapped = new RecordingCluster(swappedNics);

        assertThat(catchThrowableOfType(RunbookException.class, () -> router.runOn(dhcp)))
                .hasMessageContaining("needs network 'lan cidr=10.10.1.0/24 egress=false dhcp=false'")
                .hasMessageContaining("has 'lan cidr=10.10.1.0/24 egress=false'");
        assertThat(catchThrowableOfType(RunbookException.class, () -> router.runOn(swapped)))
                .hasMessageContaining("needs node1's NICs on [wan, lan] (eth0 first)").hasMessageContaining("has them on [lan, wan]");
        assertThat(dhcp.calls()).isEmpty();
        assertThat(swapped.calls()).isEmpty();
        assertThat(router.runOn(new RecordingCluster(wanted)).succeeded()).isTrue();
    }

    @Test
    void aVersionedImageNameMatchesItsBaseName() {
        RecordingCluster cluster = new RecordingCluster("antrieb:debian12:v1 x3");

        assertThat(THREE_STEPS.runOn(cluster).succeeded()).isTrue();
    }

    @Test
    void aRunbookWithoutVerifyCommandsSucceedsOnItsSteps() {
        Runbook rb = Runbook.parse("# T\n\n## Topology required\n\n```yaml\nnodes: [debian12]\n```\n\n## Steps\n\n### 1. One\n\n"
                + "```sh node1\ntrue\n```\n\n## Verify\n\nNothing to check.\n");

        RunbookResult result = rb.runOn(new RecordingCluster("debian12"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.verifyRan()).isTrue();
        assertThat(result.verify()).isEmpty();
        assertThat(result.toMarkdown()).contains("nothing beyond the steps was proven");
    }

    @Test
    void theResultKeepsTheRunbookItRan() {
        RunbookResult result = THREE_STEPS.runOn(new RecordingCluster("debian12 x3"));

        assertThat(result.runbook()).isSameAs(THREE_STEPS);
        assertThat(result.toString()).isEqualTo("RunbookResult[Three steps: succeeded]");
        assertThat(List.of(result.duration())).allMatch(d -> !d.isNegative());
    }
}
