package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Real guests restored from a warm-start template (made by the first provision on this host if missing):
 * each copy is its own node (name, MACs, addresses, machine id, RNG state, clock), arms a timer that powers it
 * off at the cluster's deadline, and survives a reboot, which boots it cold with the same identity.
 */
class WarmStartIT {
    @AutoClose
    static final Antrieb antrieb = TestHosts.client().warmStart(true).build();

    @Test
    void copiesOfOneTemplateAreDistinctNodesWithTheRightClockAndSurviveAReboot() throws Exception {
        // The first cluster makes the template if this host has none; the second certainly restores it.
        try (Cluster first = antrieb.provision("debian12")) {
            assertThat(first.exec("node1", "hostname").stdout()).isEqualTo("node1\n");
        }
        try (Cluster cluster = antrieb.provision("debian12 x2")) {
            List<String> macs = new ArrayList<>();
            Set<String> machineIds = new HashSet<>();
            Set<String> randoms = new HashSet<>();
            for (Node node : cluster.nodes()) {
                assertThat(node.start()).as(node.name() + " reports how it came up").isEqualTo(Node.Start.WARM);
                ExecResult r = cluster.exec(node.name(), "test -e /run/antrieb/warm-done && echo restored; hostname; "
                        + "cat /sys/class/net/mgmt0/address /sys/class/net/eth0/address /etc/machine-id; "
                        + "head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'; echo; date +%s.%N; "
                        + "ip -4 -br addr show dev eth0; systemctl is-active ssh systemd-networkd; "
                        + "for i in $(seq 50); do systemctl is-active -q antrieb-deadline.timer && break; sleep 0.2; done; "
                        + "systemctl is-active antrieb-deadline.timer");
                double hostNow = Instant.now().toEpochMilli() / 1000.0;
                assertThat(r.exitCode()).as(r.stderr()).isZero();
                String[] lines = r.stdout().split("\n");
                assertThat(lines[0]).as("came up from the template").isEqualTo("restored");
                assertThat(lines[1]).isEqualTo(node.name());
                macs.add(lines[2]);
                macs.add(lines[3]);
                machineIds.add(lines[4]);
                randoms.add(lines[5]);
                // Set from QEMU's RTC (whole seconds) when the copy started; the command itself took a while.
                assertThat(Double.parseDouble(lines[6])).as("guest clock").isBetween(hostNow - 5.0, hostNow + 1.0);
                assertThat(lines[7]).contains(node.ip() + "/24");
                assertThat(lines[8] + lines[9]).isEqualTo("activeactive");
                // Restored domains are not tied to the client's connection: the guest powers off at the deadline.
                assertThat(lines[10]).as("deadline timer").isEqualTo("active");
            }
            assertThat(new HashSet<>(macs)).as("MAC addresses " + macs).hasSize(4);
            assertThat(machineIds).hasSize(2);
            assertThat(randoms).as("kernel RNG output of the two copies").hasSize(2);
            assertThat(cluster.exec("node1", "ssh node2 hostname").stdout()).isEqualTo("node2\n");

            // A reboot is a cold boot with the copy's own payload: same identity, not waiting for a template's.
            cluster.exec("node2", "systemctl reboot", ExecOptions.timeout(Duration.ofSeconds(20)));
            Instant deadline = Instant.now().plusSeconds(180);
            ExecResult after = null;
            while (Instant.now().isBefore(deadline)) {
                Thread.sleep(3000);
                after = cluster.exec("node2", "cat /proc/sys/kernel/random/boot_id; hostname; test -e /run/antrieb/warm-done || echo cold",
                        ExecOptions.timeout(Duration.ofSeconds(20)));
                if (after.exitCode() == 0 && after.stdout().contains("cold")) {
                    break;
                }
            }
            assertThat(after).isNotNull();
            assertThat(after.exitCode()).as(after.stderr()).isZero();
            assertThat(after.stdout()).endsWith("node2\ncold\n");
            assertThat(cluster.exec("node1", "ssh node2 hostname").stdout()).isEqualTo("node2\n");
        }
    }
}
