package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.Faults;
import sh.antrieb.HostNotReadyException;
import sh.antrieb.Link;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NoSuchNodeException;

/** Fault rules and commands as text, and the fault state machine against a backend that records what it is asked. */
class ClusterFaultsTest {
    private final ClusterLabel label = new ClusterLabel("abcdefgh", Instant.ofEpochSecond(2_000_000_000L), 42);
    private final String table = "antrieb-abcdefgh-2000000000-42-faults";

    /** node1 on wan and lan, node2 on lan, node3 on wan. */
    private NetworkPlan plan() {
        return NetworkPlan.plan(ClusterSpec.builder().nodes("debian12 x3")
                .network(NetworkSpec.named("wan"))
                .network(NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false))
                .nics("node1", "wan", "lan")
                .nics("node2", "lan")
                .nics("node3", "wan")
                .build(), label, AddressPlan.empty());
    }

    /** Records every call; {@code failTc} makes tc fail like a kernel without netem. */
    private static final class Recorder implements ClusterFaults.Backend {
        final List<String> calls = new ArrayList<>();
        boolean failTc;
        boolean failUp;

        @Override
        public void checkOpen() {
        }

        @Override
        public void nft(String script) {
            calls.add("nft\n" + script);
        }

        @Override
        public void delay(String node, List<String> taps, Link link) {
            if (failTc) {
                throw new HostNotReadyException("this host cannot delay packets");
            }
            calls.add("delay " + node + " " + taps + " " + link.describe());
        }

        @Override
        public void undelay(String node, List<String> taps) {
            calls.add("undelay " + node + " " + taps);
        }

        @Override
        public void powerOff(String node) {
            calls.add("off " + node);
        }

        @Override
        public void start(String node) {
            calls.add("start " + node);
        }

        @Override
        public void awaitUp(String node) {
            if (failUp) {
                throw new sh.antrieb.ProvisionException(node + " did not come up", Map.of(), null);
            }
            calls.add("up " + node);
        }

        @Override
        public void freeze(String node) {
            calls.add("freeze " + node);
        }

        @Override
        public void thaw(String node) {
            calls.add("thaw " + node);
        }

        String last() {
            return calls.get(calls.size() - 1);
        }
    }

    @Test
    void aPartitionDropsFramesBetweenTheTwoNodesDataTapsBothWaysAndNeverTouchesControl() {
        String s = FaultRules.script(table, plan(), List.of(FaultRules.Pair.of("node2", "node1")), List.of(), Map.of());
        assertThat(s).startsWith("add table bridge " + table + "\ndelete table bridge " + table + "\ntable bridge " + table + " {\n");
        assertThat(s).contains("""
                  chain forward {
                    type filter hook forward priority -200; policy accept;
                    iifname { "atabcdefgh1n1", "atabcdefgh1n2" } oifname { "atabcdefgh2n1" } drop
                    iifname { "atabcdefgh2n1" } oifname { "atabcdefgh1n1", "atabcdefgh1n2" } drop
                  }
                """);
        // The control NICs (nic 0) never appear: exec and readiness are not touched.
        assertThat(s).doesNotContain("n0\"").doesNotContain("prerouting").doesNotContain("postrouting");
    }

    @Test
    void isolationDropsEverythingFromAndToTheNodesDataTaps() {
        String s = FaultRules.script(table, plan(), List.of(), List.of("node3"), Map.of());
        assertThat(s).contains("type filter hook prerouting priority -200; policy accept;\n    iifname { \"atabcdefgh3n1\" } drop\n")
                .contains("type filter hook postrouting priority -200; policy accept;\n    oifname { \"atabcdefgh3n1\" } drop\n")
                .doesNotContain("atabcdefgh3n0");
    }

    @Test
    void lossIsARandomDropOfFramesToTheNodeInPartsPerMillion() {
        String s = FaultRules.script(table, plan(), List.of(), List.of(), Map.of("node2", Link.lossOf(0.05)));
        assertThat(s).contains("oifname { \"atabcdefgh2n1\" } numgen random mod 1000000 < 50000 drop");
        assertThat(FaultRules.script(table, plan(), List.of(), List.of(), Map.of("node2", Link.lossOf(1))))
                .contains("oifname { \"atabcdefgh2n1\" } drop");
    }

    @Test
    void noFaultsLeaveOnlyTheDeletionOfTheTable() {
        assertThat(FaultRules.script(table, plan(), List.of(), List.of(), Map.of()))
                .isEqualTo("add table bridge " + table + "\ndelete table bridge " + table + "\n");
        // A latency-only link is tc's business: no nft rule.
        assertThat(FaultRules.script(table, plan(), List.of(), List.of(), Map.of("node1", Link.latency(Duration.ofMillis(100)))))
                .doesNotContain("{");
    }

    @Test
    void theTableIsLabelledSoTheSweepOfDeadClustersFindsIt() {
        assertThat(FaultRules.table(label)).isEqualTo(table);
        assertThat(ClusterLabel.parse(table)).hasValueSatisfying(l -> assertThat(l.label()).isEqualTo(label));
    }

    @Test
    void latencyIsNetemOnEachDataTapInMicroseconds() {
        Link l = Link.latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(50));
        assertThat(FaultRules.delay("atabcdefgh1n1", l))
                .containsExactly("qdisc", "replace", "dev", "atabcdefgh1n1", "root", "netem", "delay", "200000us", "50000us");
        assertThat(FaultRules.undelay("atabcdefgh1n1")).containsExactly("qdisc", "del", "dev", "atabcdefgh1n1", "root");
    }

    @Test
    void linksCheckTheirValues() {
        assertThatThrownBy(() -> Link.lossOf(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 1");
        assertThatThrownBy(() -> Link.latency(Duration.ofMillis(10)).jitter(Duration.ofMillis(20)))
                .hasMessageContaining("0 to the latency (10 ms)");
        assertThatThrownBy(() -> Link.latency(Duration.ofMillis(-1))).hasMessageContaining("out of range");
        assertThat(Link.latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(50)).loss(0.05).describe())
                .isEqualTo("latency 200 ms, jitter 50 ms, loss 5%");
    }

    @Test
    void partitionIsolateAndHealRewriteTheTableAndHealDeletesIt() {
        Recorder r = new Recorder();
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        f.partition("node1", "node3");
        assertThat(r.last()).contains("iifname { \"atabcdefgh1n1\", \"atabcdefgh1n2\" } oifname { \"atabcdefgh3n1\" } drop");
        f.partition("node3", "node1"); // the same pair: same rules
        f.isolate("node2");
        assertThat(r.last()).contains("oifname { \"atabcdefgh3n1\" }").contains("iifname { \"atabcdefgh2n1\" } drop");
        assertThat(f.active()).extracting(Faults.Active::description).containsExactly("partition node1 <-> node3", "isolate node2");
        f.heal();
        assertThat(r.last()).isEqualTo("nft\nadd table bridge " + table + "\ndelete table bridge " + table + "\n");
        assertThat(f.active()).isEmpty();
        int calls = r.calls.size();
        f.heal(); // nothing installed: nothing to do
        assertThat(r.calls).hasSize(calls);
    }

    @Test
    void aGroupPartitionCutsEveryPairAcrossAndRefusesANodeOnBothSides() {
        Recorder r = new Recorder();
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        f.partition(List.of("node1"), List.of("node2", "node3"));
        assertThat(f.active()).extracting(Faults.Active::description)
                .containsExactly("partition node1 <-> node2", "partition node1 <-> node3");
        assertThatThrownBy(() -> f.partition(List.of("node1", "node2"), List.of("node2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node2 is on both sides");
        assertThatThrownBy(() -> f.partition("node1", "node9")).isInstanceOf(NoSuchNodeException.class).hasMessageContaining("node9");
    }

    @Test
    void aLinkTheHostCannotDelayFailsAndChangesNothing() {
        Recorder r = new Recorder();
        r.failTc = true;
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        assertThatThrownBy(() -> f.link("node1", Link.latency(Duration.ofMillis(100)).loss(0.1)))
                .isInstanceOf(HostNotReadyException.class).hasMessageContaining("cannot delay");
        assertThat(r.calls).isEmpty();
        assertThat(f.active()).isEmpty();
        f.link("node1", Link.lossOf(0.1)); // loss alone needs no netem
        assertThat(r.last()).contains("oifname { \"atabcdefgh1n1\", \"atabcdefgh1n2\" } numgen random mod 1000000 < 100000 drop");
    }

    @Test
    void aDelayIsRemovedByHealAndPutBackOnTheNewTapsAfterAPowerCycle() {
        Recorder r = new Recorder();
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        f.link("node2", Link.latency(Duration.ofMillis(100)));
        assertThat(r.calls).containsExactly("delay node2 [atabcdefgh2n1] latency 100 ms");
        f.powerOff("node2");
        assertThat(f.unreachable("node2")).contains("powered off");
        f.powerOn("node2");
        assertThat(r.calls).containsSubsequence("off node2", "start node2", "delay node2 [atabcdefgh2n1] latency 100 ms", "up node2");
        assertThat(f.unreachable("node2")).isNull();
        f.heal();
        assertThat(r.calls).contains("undelay node2 [atabcdefgh2n1]");
        assertThat(r.calls.stream().filter(c -> c.startsWith("nft"))).isEmpty();
    }

    @Test
    void powerAndPauseAreIdempotentAndHealStartsAndThawsEverything() {
        Recorder r = new Recorder();
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        f.freeze("node1");
        f.freeze("node1");
        assertThat(f.unreachable("node1")).contains("frozen").contains("thaw(\"node1\")");
        f.powerOff("node3");
        f.powerOff("node3");
        assertThatThrownBy(() -> f.freeze("node3")).isInstanceOf(IllegalStateException.class).hasMessageContaining("powerOn(\"node3\") first");
        f.thaw("node2"); // not frozen: nothing
        f.powerOn("node1"); // running: nothing
        assertThat(f.active()).extracting(Faults.Active::kind).containsExactly("freeze", "power_off");
        f.heal();
        assertThat(r.calls).containsExactly("freeze node1", "off node3", "thaw node1", "start node3", "up node3");
        assertThat(f.active()).isEmpty();
        assertThat(f.unreachable("node1")).isNull();
        assertThat(f.unreachable("node3")).isNull();
    }

    @Test
    void aNodeThatDoesNotComeUpStaysPoweredOff() {
        Recorder r = new Recorder();
        ClusterFaults f = new ClusterFaults("abcdefgh", label, plan(), r);
        f.powerOff("node2");
        r.failUp = true;
        assertThatThrownBy(() -> f.powerOn("node2")).hasMessageContaining("did not come up");
        assertThat(f.unreachable("node2")).contains("powered off");
        assertThat(f.active()).extracting(Faults.Active::kind).containsExactly("power_off");
        r.failUp = false;
        f.powerOn("node2");
        assertThat(f.active()).isEmpty();
    }
}
