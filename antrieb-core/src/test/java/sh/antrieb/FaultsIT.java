package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults made at the host on one real 3-node cluster (default network) shared by the class: each test makes a
 * fault, checks what it does to traffic between the nodes and that exec keeps working on every node, and heals it.
 * The last test closes the cluster with faults in force and looks for leftovers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    private static final Pattern LOSS = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern RTT = Pattern.compile("rtt min/avg/max/mdev = ([\\d.]+)/([\\d.]+)/([\\d.]+)/");
    @AutoClose
    private static Antrieb antrieb;
    private static Cluster cluster;

    @BeforeAll
    static void provision() {
        antrieb = TestHosts.client().build();
        cluster = antrieb.provision(ClusterSpec.builder().nodes("debian12 x3").ttl(Duration.ofMinutes(8)).build());
    }

    private static ExecResult ok(String node, String command) {
        ExecResult r = cluster.exec(node, command);
        assertThat(r.exitCode()).as("%s on %s: %s%s", command, node, r.stdout(), r.stderr()).isZero();
        return r;
    }

    private static boolean pings(String from, String to) {
        return cluster.exec(from, "ping -c1 -W2 " + to).exitCode() == 0;
    }

    private static String hostTables() throws IOException {
        return new String(new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start().getInputStream().readAllBytes());
    }

    private static String faultsTable() {
        return "antrieb-" + cluster.id() + "-";
    }

    @Test
    @Order(1)
    void aPartitionStopsTrafficBetweenTwoNodesOnlyAndHeals() throws IOException {
        assertThat(pings("node1", "node2")).isTrue();
        cluster.faults().partition("node1", "node2");
        assertThat(hostTables()).contains(faultsTable()).containsPattern("table bridge antrieb-" + cluster.id() + "-\\S+-faults");
        assertThat(pings("node1", "node2")).as("node1 -> node2 during the partition").isFalse();
        assertThat(pings("node2", "node1")).as("node2 -> node1 during the partition").isFalse();
        assertThat(cluster.exec("node1", "nc -z -w 3 node2 22").exitCode()).as("TCP too").isNotZero();
        assertThat(pings("node1", "node3")).as("node1 keeps node3").isTrue();
        assertThat(pings("node2", "node3")).as("node2 keeps node3").isTrue();
        // The control path: exec on both sides of the partition.
        assertThat(ok("node1", "hostname").stdout()).isEqualTo("node1\n");
        assertThat(ok("node2", "hostname").stdout()).isEqualTo("node2\n");
        assertThat(cluster.faults().active()).extracting(Faults.Active::description).containsExactly("partition node1 <-> node2");

        cluster.faults().heal();
        assertThat(pings("node1", "node2")).as("after heal").isTrue();
        assertThat(hostTables()).doesNotContainPattern("antrieb-" + cluster.id() + "-\\S+-faults");
        assertThat(cluster.faults().active()).isEmpty();
    }

    @Test
    @Order(2)
    void anIsolatedNodeReachesNothingButIsStillControlled() {
        cluster.faults().isolate("node3");
        String gateway = ok("node3", "ip route show default").stdout().split("\\s+")[2];
        assertThat(pings("node3", "node1")).isFalse();
        assertThat(pings("node2", "node3")).isFalse();
        assertThat(pings("node3", gateway)).as("not even the host's gateway").isFalse();
        assertThat(pings("node1", "node2")).as("the others keep each other").isTrue();
        assertThat(ok("node3", "hostname").stdout()).isEqualTo("node3\n");
        cluster.faults().heal();
        assertThat(pings("node3", "node1")).isTrue();
    }

    @Test
    @Order(3)
    void aLossyLinkLosesAboutTheShareAskedFor() {
        cluster.faults().link("node2", Link.lossOf(0.3));
        ExecResult r = ok("node3", "hostname"); // exec elsewhere meanwhile
        assertThat(r.stdout()).isEqualTo("node3\n");
        ExecResult ping = cluster.exec("node1", "ping -q -n -c 200 -i 0.02 -W 1 node2");
        Matcher m = LOSS.matcher(ping.stdout());
        assertThat(m.find()).as(ping.stdout() + ping.stderr()).isTrue();
        double lost = 1 - Double.parseDouble(m.group(2)) / Double.parseDouble(m.group(1));
        System.out.printf("FaultsIT: link loss 30%% measured as %.1f%% of %s pings%n", lost * 100, m.group(1));
        // 200 pings at 30 %: the standard deviation is 3.2 points; this is about 4.5 of them each way.
        assertThat(lost).as(ping.stdout()).isBetween(0.15, 0.45);
        assertThat(ok("node2", "hostname").stdout()).as("exec on the node with the bad link").isEqualTo("node2\n");
        cluster.faults().heal();
        ExecResult clean = ok("node1", "ping -q -n -c 20 -i 0.05 -W 1 node2");
        assertThat(clean.stdout()).contains("20 received");
    }

    @Test
    @Order(4)
    void latencyAddsTheDelayAskedForToARoundTripAndHealTakesItOut() throws IOException {
        ExecResult before = ok("node1", "ping -q -n -c 5 -i 0.2 node2");
        Matcher b = RTT.matcher(before.stdout());
        assertThat(b.find()).as(before.stdout()).isTrue();
        cluster.faults().link("node2", Link.latency(Duration.ofMillis(200)));
        ExecResult during = ok("node1", "ping -q -n -c 5 -i 0.2 node2");
        assertThat(ok("node3", "hostname").stdout()).as("exec elsewhere").isEqualTo("node3\n");
        assertThat(ok("node2", "hostname").stdout()).as("exec on the delayed node: its control NIC is not delayed").isEqualTo("node2\n");
        Matcher d = RTT.matcher(during.stdout());
        assertThat(d.find()).as(during.stdout()).isTrue();
        double min = Double.parseDouble(d.group(1));
        double added = Double.parseDouble(d.group(2)) - Double.parseDouble(b.group(2));
        System.out.printf("FaultsIT: link latency 200 ms: rtt avg %.1f ms before, %s ms during (min %.1f)%n",
                Double.parseDouble(b.group(2)), d.group(2), min);
        assertThat(min).as("no round trip is faster than the injected delay").isGreaterThanOrEqualTo(200.0);
        assertThat(added).as("the round trip grows by about the delay").isBetween(150.0, 350.0);
        cluster.faults().heal();
        assertThat(cluster.faults().active()).isEmpty();
        assertThat(ok("node1", "ping -q -n -c 3 -i 0.2 node2").stdout()).contains("3 received");
        assertThat(qemuObjects("node2")).as("no delay filter is left in QEMU").doesNotContain("antrieb-delay");
        String taps = new String(new ProcessBuilder("tc", "qdisc", "show").redirectErrorStream(true).start().getInputStream().readAllBytes());
        assertThat(taps.lines().filter(l -> l.contains("netem") && l.contains(cluster.id()))).as("no netem qdisc is left").isEmpty();
    }

    /** The QOM objects of the node's QEMU (where delay filters live when the host has no netem). */
    private static String qemuObjects(String node) throws IOException {
        String domains = new String(new ProcessBuilder("virsh", "-c", "qemu:///system", "list", "--name").start().getInputStream().readAllBytes());
        String domain = domains.lines().filter(l -> l.startsWith("antrieb-" + cluster.id() + "-") && l.endsWith("-" + node))
                .findFirst().orElseThrow();
        return new String(new ProcessBuilder("virsh", "-c", "qemu:///system", "qemu-monitor-command", domain,
                "{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/objects\"}}").redirectErrorStream(true).start()
                .getInputStream().readAllBytes());
    }

    @Test
    @Order(5)
    void aFrozenNodeStopsAndItsClockStandsStillUntilThaw() throws InterruptedException {
        ok("node2", "rm -f /root/ticks; nohup setsid sh -c 'while :; do date +%s >>/root/ticks; sleep 0.2; done' >/dev/null 2>&1 &");
        Thread.sleep(1500);
        long before = Long.parseLong(ok("node2", "wc -l </root/ticks").stdout().strip());
        assertThat(before).as("the ticker runs").isPositive();
        cluster.faults().freeze("node2");
        Instant frozenAt = Instant.now();
        ExecResult onFrozen = cluster.exec("node2", "hostname");
        assertThat(onFrozen.exitCode()).isEqualTo(-1);
        assertThat(onFrozen.stderr()).contains("node2 is frozen");
        assertThat(ok("node1", "hostname").stdout()).as("exec elsewhere").isEqualTo("node1\n");
        assertThat(pings("node1", "node2")).as("a frozen node answers nothing").isFalse();
        Thread.sleep(Math.max(0, 4000 - Duration.between(frozenAt, Instant.now()).toMillis()));
        long frozenFor = Duration.between(frozenAt, Instant.now()).toSeconds();
        cluster.faults().thaw("node2");
        ExecResult after = ok("node2", "wc -l </root/ticks; date +%s");
        long host = Instant.now().getEpochSecond();
        String[] lines = after.stdout().strip().split("\n");
        long ticks = Long.parseLong(lines[0].strip()) - before;
        long lag = host - Long.parseLong(lines[1].strip());
        System.out.printf("FaultsIT: frozen %d s: %d ticks meanwhile (5 a second when running), guest clock %d s behind after thaw%n",
                frozenFor, ticks, lag);
        // Running, the ticker would have written about 5 * frozenFor lines; frozen, only around the freeze and thaw.
        assertThat(ticks).as("ticks while frozen").isLessThan(5 * frozenFor / 2);
        assertThat(lag).as("the guest's clock stood still while frozen").isGreaterThanOrEqualTo(frozenFor - 1);
        Thread.sleep(1500);
        long later = Long.parseLong(ok("node2", "wc -l </root/ticks").stdout().strip());
        assertThat(later).as("the ticker runs again after thaw").isGreaterThan(before + ticks);
        ok("node2", "pkill -f 'date +%s >>/root/ticks' || true");
        assertThat(cluster.faults().active()).isEmpty();
    }

    @Test
    @Order(6)
    void powerOffAndOnKeepDiskNameAndAddresses() {
        String bootId = ok("node3", "echo kept >/root/marker; sync; cat /proc/sys/kernel/random/boot_id").stdout().strip();
        String address = cluster.node("node3").ip();
        cluster.faults().powerOff("node3");
        ExecResult off = cluster.exec("node3", "hostname");
        assertThat(off.exitCode()).isEqualTo(-1);
        assertThat(off.stderr()).contains("node3 is powered off");
        assertThat(ok("node1", "hostname").stdout()).as("exec elsewhere").isEqualTo("node1\n");
        assertThat(pings("node1", "node3")).isFalse();
        assertThat(cluster.faults().active()).extracting(Faults.Active::kind).containsExactly("power_off");

        cluster.faults().powerOn("node3");
        ExecResult on = ok("node3", "hostname; cat /root/marker; cat /proc/sys/kernel/random/boot_id; ip -4 -o addr show dev eth0");
        String[] lines = on.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("node3");
        assertThat(lines[1]).as("the disk is kept").isEqualTo("kept");
        assertThat(lines[2]).as("a new boot").isNotEqualTo(bootId);
        assertThat(lines[3]).contains("inet " + address + "/24");
        assertThat(pings("node1", "node3")).isTrue();
        assertThat(cluster.faults().active()).isEmpty();
    }

    @Test
    @Order(7)
    void closeWithFaultsInForceLeavesNothing() throws IOException {
        cluster.faults().partition("node1", "node2");
        cluster.faults().link("node3", Link.lossOf(0.5));
        cluster.faults().link("node1", Link.latency(Duration.ofMillis(50)));
        cluster.faults().freeze("node3");
        String id = cluster.id();
        cluster.close();
        assertThat(TestHosts.leftovers(id)).isEmpty();
        assertThat(hostTables()).doesNotContain("antrieb-" + id + "-");
    }
}
