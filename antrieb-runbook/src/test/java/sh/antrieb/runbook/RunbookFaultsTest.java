package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.Fault;
import sh.antrieb.Faults;
import sh.antrieb.Link;
import sh.antrieb.runbook.RunbookException.Problem;
import sh.antrieb.runbook.RunbookResult.FiredFault;

/**
 * {@code ```fault} blocks in runbook steps: parsed with their lines, refused with the line and the fix, written back
 * by {@link RunbookWriter}, and made between the commands around them on a fake cluster whose {@link Faults} is the
 * core's in-memory fake ({@link RecordingFaults}), healed when the run ends.
 */
class RunbookFaultsTest {

    static final String FAILOVER = """
            # Failover

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Steps

            ### 1. Start the primary

            ```sh node1
            start-primary
            ```

            ### 2. Fail it

            Power the primary off and cut node3 from the standby.

            ```fault
            # the primary dies
            power_off node1
            partition node2 / node3
            ```

            ```sh node2
            wait-for-takeover
            ```

            ## Verify

            ```sh node3
            check
            ```
            """;

    @Test
    void aFaultBlockIsPartOfItsStepInDocumentOrderWithItsFaultsAndLines() {
        Runbook rb = Runbook.parse(FAILOVER);

        Step fail = rb.steps().get(1);
        assertThat(fail.commands()).hasSize(2);
        CommandBlock block = fail.commands().get(0);
        assertThat(block.isFault()).isTrue();
        assertThat(block.line()).isEqualTo(21);
        assertThat(block.faults()).containsExactly(Fault.of(Fault.Action.POWER_OFF, "node1"),
                Fault.partition(List.of("node2"), List.of("node3")));
        assertThat(block.nodes()).containsExactly("node1", "node2", "node3");
        assertThat(block.script()).isEqualTo("# the primary dies\npower_off node1\npartition node2 / node3");
        assertThat(fail.commands().get(1).isFault()).isFalse();
        assertThat(fail.why()).isEqualTo("Power the primary off and cut node3 from the standby.");
    }

    @Test
    void everyActionOfTheMcpToolIsAFaultLine() {
        Runbook rb = Runbook.parse(FAILOVER.replace("# the primary dies\npower_off node1\npartition node2 / node3", """
                partition node1 node2
                partition node1,node2 / node3
                isolate node3
                link node2 latency=200ms jitter=50ms loss=0.05
                power_off node1
                power_on node1
                freeze node2
                thaw node2
                heal"""));

        assertThat(rb.steps().get(1).commands().get(0).faults()).extracting(f -> f.action().id()).containsExactly(
                "partition", "partition", "isolate", "link", "power_off", "power_on", "freeze", "thaw", "heal");
        assertThat(rb.steps().get(1).commands().get(0).faults().get(3).link())
                .isEqualTo(Link.latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(50)).loss(0.05));
    }

    @Test
    void badFaultLinesAreEachReportedAtTheirLineWithTheFix() {
        String md = FAILOVER.replace("# the primary dies\npower_off node1\npartition node2 / node3", """
                explode node1
                partition node1
                isolate node7
                link node2 latency=<DELAY>
                link node2 latency=200""")
                .replace("```sh node3\ncheck", "```fault\nheal\n```\n\n```sh node3\ncheck");

        RunbookException e = catchThrowableOfType(RunbookException.class, () -> Runbook.parse(md));

        assertThat(e.problems()).extracting(Problem::line).containsExactly(22, 23, 24, 25, 26, 35);
        assertThat(e.problems().get(0).message()).isEqualTo("cannot read the fault 'explode node1': unknown fault 'explode': "
                + "write one of partition, isolate, link, power_off, power_on, freeze, thaw, heal");
        assertThat(e.problems().get(1).message()).contains("partition needs two nodes ('partition node1 node2')");
        assertThat(e.problems().get(2).message()).isEqualTo("unknown node 'node7' in the fault 'isolate node7': the topology has "
                + "node1..node3 (a fault line names each node; 'all' is for command blocks)");
        assertThat(e.problems().get(3).message()).startsWith("a <VARIABLE> in a fault line ('link node2 latency=<DELAY>')");
        assertThat(e.problems().get(4).message()).contains("write it in ms or s, e.g. latency=200ms");
        assertThat(e.problems().get(5).message()).startsWith("a ```fault``` block in '## Verify': faults are made in a step");
    }

    @Test
    void aFaultBlockNamesNoNodeAfterFaultAndIsNotEmpty() {
        RunbookException named = catchThrowableOfType(RunbookException.class,
                () -> Runbook.parse(FAILOVER.replace("```fault\n", "```fault node1\n")));
        assertThat(named.problems()).containsExactly(new Problem(21, "```fault node1```: a fault block names its nodes on each line, "
                + "not after 'fault': write ```fault``` and then one fault per line, e.g. 'power_off node1', 'partition node1 node2', "
                + "'link node2 latency=200ms loss=0.05' or 'heal'"));

        RunbookException empty = catchThrowableOfType(RunbookException.class,
                () -> Runbook.parse(FAILOVER.replace("power_off node1\npartition node2 / node3\n", "")));
        assertThat(empty.problems()).extracting(Problem::line).containsExactly(21);
        assertThat(empty.problems().get(0).message()).startsWith("an empty fault block: put one fault per line between the fences");
    }

    @Test
    void theWriterWritesFaultBlocksBackAsTheyWereAndTheyParseToTheSameFaults() {
        Runbook rb = Runbook.parse(FAILOVER);
        RunbookWriter w = RunbookWriter.create("Failover again", rb.topology());
        rb.steps().forEach(s -> w.step(s.title(), s.why(), s.commands()));
        w.step("Heal and isolate", "", List.of(CommandBlock.ofFaults(List.of(Fault.of(Fault.Action.HEAL),
                Fault.link(Link.lossOf(0.3), "node2")))));
        w.verifyBlocks(rb.verify());

        String md = w.toMarkdown();
        assertThat(md).contains("```fault\n# the primary dies\npower_off node1\npartition node2 / node3\n```\n")
                .contains("```fault\nheal\nlink node2 loss=0.3\n```\n");
        Runbook again = Runbook.parse(md);
        assertThat(again.steps().get(1).commands()).extracting(CommandBlock::faults)
                .isEqualTo(rb.steps().get(1).commands().stream().map(CommandBlock::faults).toList());
        assertThat(again.steps().get(2).commands().get(0).faults()).containsExactly(Fault.of(Fault.Action.HEAL),
                Fault.link(Link.lossOf(0.3), "node2"));

        RunbookException inVerify = catchThrowableOfType(RunbookException.class,
                () -> w.verifyBlocks(List.of(CommandBlock.ofFaults(List.of(Fault.of(Fault.Action.HEAL))))));
        assertThat(inVerify).hasMessageContaining("a fault block cannot be a verify block");
    }

    @Test
    void faultsAreMadeBetweenTheCommandsAroundThemReportedPerStepAndHealedAtTheEnd() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3");

        RunbookResult result = Runbook.parse(FAILOVER).runOn(cluster);

        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(cluster.timeline()).containsExactly("node1: start-primary", "fault: power_off node1",
                "fault: partition [node2] / [node3]", "node2: wait-for-takeover", "node3: check", "fault: heal");
        assertThat(cluster.faults().active()).isEmpty();
        assertThat(result.steps().get(0).faults()).isEmpty();
        assertThat(result.steps().get(1).faults()).extracting(FiredFault::line).containsExactly(23, 24);
        assertThat(result.faults()).extracting(f -> f.fault().toString()).containsExactly("power_off node1", "partition node2 / node3");
        assertThat(result.healed()).extracting(Faults.Active::description).containsExactly("power off node1", "partition node2 <-> node3");

        String md = result.toMarkdown();
        assertThat(md).contains("2 fault(s) made")
                .contains("### 2. Fail it: passed\n\n- fault `power_off node1` (line 23), ")
                .contains(": powered off node1\n\n- fault `partition node2 / node3` (line 24), ")
                .contains("## Faults healed at the end of the run\n\n- power off node1\n- partition node2 <-> node3\n");
        assertThat(md.indexOf("`partition node2 / node3`")).isLessThan(md.indexOf("wait-for-takeover"));
        assertThat(result.toJson()).contains("\"fault\" : \"power_off node1\"").contains("\"line\" : 23")
                .contains("\"faults_healed\" : [ \"power off node1\", \"partition node2 <-> node3\" ]");
    }

    @Test
    void aFailedRunHealsItsFaultsToo() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3").failWhen("node3", "check", 1, "standby did not take over");

        RunbookResult result = Runbook.parse(FAILOVER).runOn(cluster);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failure().orElseThrow().phase()).isEqualTo(RunbookResult.Phase.VERIFY);
        assertThat(cluster.timeline()).last().isEqualTo("fault: heal");
        assertThat(cluster.faults().active()).isEmpty();
    }

    @Test
    void aFaultThatCannotBeMadeFailsItsStepAtTheHostAndTheRestDoesNotRun() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3");

        RunbookResult result = Runbook.parse(FAILOVER.replace("partition node2 / node3", "freeze node1")).runOn(cluster);

        RunbookResult.Failure f = result.failure().orElseThrow();
        assertThat(f.summary()).startsWith("step 2 (Fail it) failed on host: exit -1");
        assertThat(f.command()).isEqualTo("fault: freeze node1");
        assertThat(f.result().stderr()).startsWith("the fault could not be made: node1 is powered off").contains("powerOn(\"node1\") first");
        assertThat(result.steps().get(1).faults()).extracting(ff -> ff.fault().toString()).containsExactly("power_off node1");
        assertThat(result.steps().get(1).succeeded()).isFalse();
        assertThat(cluster.timeline()).containsExactly("node1: start-primary", "fault: power_off node1", "fault: freeze node1",
                "fault: heal");
    }

    @Test
    void aRunbookWithoutFaultBlocksLeavesTheCallersFaultsAlone() {
        RecordingCluster cluster = new RecordingCluster(ClusterSpec.of("debian12 x3"));
        cluster.faults().isolate("node3");

        RunbookResult result = Runbook.parse(FAILOVER.replace("```fault\n# the primary dies\npower_off node1\npartition node2 / node3\n```\n", ""))
                .runOn(cluster);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.healed()).isEmpty();
        assertThat(cluster.faults().active()).extracting(Faults.Active::description).containsExactly("isolate node3");
        assertThat(result.toMarkdown()).doesNotContain("fault");
    }

    @Test
    void validationMakesTheFaultsInEachRunHealsBetweenThemAndAtTheEnd() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3");

        sh.antrieb.runbook.validation.Findings f = sh.antrieb.runbook.validation.Validation
                .of(sh.antrieb.runbook.validation.Code.runbook(Runbook.parse(FAILOVER))).build().runOn(cluster);

        assertThat(f.passed()).as(f.toString()).isTrue();
        List<String> faultsAndCheck = cluster.timeline().stream().filter(t -> t.startsWith("fault: ") || t.equals("node3: check")).toList();
        assertThat(faultsAndCheck).containsExactly("fault: power_off node1", "fault: partition [node2] / [node3]", "fault: heal",
                "fault: power_off node1", "fault: partition [node2] / [node3]", "node3: check", "fault: heal");
        assertThat(cluster.faults().active()).isEmpty();
    }
}
