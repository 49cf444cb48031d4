package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.Fault.Action;

/** The one model of a fault action: its text form read and written, its shape checked, applied to Faults. */
class FaultTest {

    @Test
    void everyActionIsReadFromItsLineAndWrittenBackTheSame() {
        assertThat(Fault.parse("partition node1 node2")).isEqualTo(new Fault(Action.PARTITION, List.of("node1", "node2"), List.of(), null));
        assertThat(Fault.parse("partition node1,node2 / node3")).isEqualTo(Fault.partition(List.of("node1", "node2"), List.of("node3")));
        assertThat(Fault.parse("partition node1/node2,node3").others()).containsExactly("node2", "node3");
        assertThat(Fault.parse("isolate node3")).isEqualTo(Fault.of(Action.ISOLATE, "node3"));
        assertThat(Fault.parse("isolate node1, node2").nodes()).containsExactly("node1", "node2");
        assertThat(Fault.parse("link node2 latency=200ms jitter=50ms loss=0.05"))
                .isEqualTo(Fault.link(Link.latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(50)).loss(0.05), "node2"));
        assertThat(Fault.parse("link node2 loss=5%").link()).isEqualTo(Link.lossOf(0.05));
        assertThat(Fault.parse("link node2 latency=1s").link()).isEqualTo(Link.latency(Duration.ofSeconds(1)));
        assertThat(Fault.parse("power_off node1")).isEqualTo(Fault.of(Action.POWER_OFF, "node1"));
        assertThat(Fault.parse("power_on node1")).isEqualTo(Fault.of(Action.POWER_ON, "node1"));
        assertThat(Fault.parse("freeze node2")).isEqualTo(Fault.of(Action.FREEZE, "node2"));
        assertThat(Fault.parse("thaw node2")).isEqualTo(Fault.of(Action.THAW, "node2"));
        assertThat(Fault.parse("  heal  ")).isEqualTo(Fault.of(Action.HEAL));

        for (String line : List.of("partition node1 node2", "partition node1,node2 / node3", "isolate node1 node2",
                "link node2 latency=200ms jitter=50ms loss=0.05", "link node2 loss=0.3", "link node2 latency=10ms", "link node2 loss=0",
                "power_off node1", "power_on node1", "freeze node2", "thaw node2", "heal")) {
            assertThat(Fault.parse(line)).hasToString(line);
            assertThat(Fault.parse(Fault.parse(line).toString())).isEqualTo(Fault.parse(line));
        }
    }

    @Test
    void badLinesSayWhatIsWrongAndWhatToWrite() {
        assertThatThrownBy(() -> Fault.parse("explode node1")).hasMessage("unknown fault 'explode': write one of "
                + "partition, isolate, link, power_off, power_on, freeze, thaw, heal");
        assertThatThrownBy(() -> Fault.parse("partition node1")).hasMessageContaining("partition needs two nodes ('partition node1 node2')");
        assertThatThrownBy(() -> Fault.parse("partition node1 /")).hasMessageContaining("other side is empty");
        assertThatThrownBy(() -> Fault.parse("partition node1 / node2 / node3")).hasMessageContaining("exactly two sides");
        assertThatThrownBy(() -> Fault.parse("partition node1 / node1")).hasMessageContaining("on both sides");
        assertThatThrownBy(() -> Fault.parse("isolate")).hasMessage("isolate needs at least one node, e.g. 'isolate node1'");
        assertThatThrownBy(() -> Fault.parse("heal node1")).hasMessageContaining("heal takes no nodes");
        assertThatThrownBy(() -> Fault.parse("link node2")).hasMessageContaining("link needs latency, loss or both");
        assertThatThrownBy(() -> Fault.parse("link node2 latency=200")).hasMessageContaining("write it in ms or s, e.g. latency=200ms");
        assertThatThrownBy(() -> Fault.parse("link node2 loss=lots")).hasMessageContaining("write 0.05 or 5%");
        assertThatThrownBy(() -> Fault.parse("link node2 delay=5ms")).hasMessageContaining("unknown link setting 'delay'");
        assertThatThrownBy(() -> Fault.parse("link node2 latency=10ms jitter=20ms")).hasMessageContaining("0 to the latency (10 ms)");
        assertThatThrownBy(() -> Fault.parse("link node2 loss=1.5")).hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> Fault.parse("link latency=5ms node2")).hasMessageContaining("name the nodes first");
        assertThatThrownBy(() -> Fault.parse("isolate node1 loss=0.1")).hasMessageContaining("settings are for link only");
        assertThatThrownBy(() -> Fault.parse("isolate node1 / node2")).hasMessageContaining("separates the sides of a partition only");
        assertThatThrownBy(() -> Fault.parse("freeze node1 node1")).hasMessageContaining("named twice");
    }

    @Test
    void applyingMakesTheFaultsCallsAndDoneSaysWhatHappened() {
        FakeCluster cluster = new FakeCluster("fake-1", ClusterSpec.of("debian12 x3"));
        Faults faults = cluster.faults();
        Fault.parse("partition node1 / node2,node3").applyTo(faults);
        Fault.parse("link node1 loss=0.05").applyTo(faults);
        Fault.parse("freeze node2 node3").applyTo(faults);
        assertThat(faults.active()).extracting(Faults.Active::description).containsExactly("partition node1 <-> node2",
                "partition node1 <-> node3", "link node1: loss 5%", "freeze node2", "freeze node3");
        assertThat(Fault.parse("partition node1 node2").done()).isEqualTo("partitioned node1 from node2");
        assertThat(Fault.parse("power_on node1").done()).isEqualTo("powered on (answering exec) node1");
        Fault.parse("heal").applyTo(faults);
        assertThat(faults.active()).isEmpty();
        assertThatThrownBy(() -> Fault.parse("isolate node9").applyTo(faults)).isInstanceOf(NoSuchNodeException.class);
    }
}
