package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a base image behaves like a stock Debian server of its release: its package and unit set,
 * nothing masked or failed, the kernel file systems a Debian boot mounts, the D-Bus tools, a working
 * {@code network-online.target}, and after an in-guest reboot: sysctl.d, modules-load.d, fstab, the time
 * zone and units ordered after {@code network-online.target}. One real 3-node cluster per image, with a
 * declared second network, shared by the tests of the class. Differences a node may have from a stock server
 * are the README's list ("What differs from a stock Debian server"), and none of them is allowed here.
 *
 * <p>Subclasses name the image and what its release has that the other does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StockDebianConformance {
    private static final Logger log = LoggerFactory.getLogger(StockDebianConformance.class);

    /** What every Debian release's cloud image has: packages (dpkg names) and units running after boot. */
    static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "udev", "dbus", "libpam-systemd",
            "openssh-server", "python3", "curl", "wget", "jq", "sudo", "iproute2", "nftables", "ca-certificates", "less",
            "vim-tiny", "procps", "cron", "logrotate", "apt", "chrony", "kmod", "tzdata");
    static final List<String> ACTIVE_UNITS = List.of("dbus.service", "systemd-networkd.service", "ssh.service",
            "cron.service", "chrony.service", "systemd-journald.service", "systemd-logind.service",
            "systemd-udevd.service", "network-online.target", "multi-user.target", "systemd-tmpfiles-clean.timer",
            "apt-daily.timer", "e2scrub_all.timer", "fstrim.timer", "logrotate.timer");
    /** Kernel file systems systemd mounts on every Debian boot. */
    static final List<String> MOUNTS = List.of("/dev/mqueue mqueue", "/dev/hugepages hugetlbfs", "/sys/kernel/config configfs",
            "/sys/kernel/debug debugfs", "/sys/kernel/tracing tracefs", "/dev/pts devpts", "/run tmpfs", "/dev/shm tmpfs");

    @AutoClose
    private final Antrieb antrieb = TestHosts.client().build();
    private final String image;
    private Cluster cluster;
    private CompletableFuture<ExecResult> apt;

    StockDebianConformance(String image) {
        this.image = image;
    }

    /** The release's own: packages and active units beyond the family's. */
    abstract List<String> releasePackages();

    abstract List<String> releaseActiveUnits();

    /** The {@code VERSION_CODENAME} of /etc/os-release. */
    abstract String codename();

    /** Whether systemd-resolved owns name resolution on this release's cloud images. */
    abstract boolean resolved();

    @BeforeAll
    void provision() {
        // Each node on a DHCP network with egress (eth0) and a declared lan without platform addresses (eth1).
        cluster = antrieb.provision(ClusterSpec.builder()
                .nodes(image + " x3")
                .network(NetworkSpec.named("wan"))
                .network(NetworkSpec.parse("lan cidr=10.77.1.0/24 egress=false dhcp=false"))
                .nics("node1", "wan", "lan").nics("node2", "wan", "lan").nics("node3", "wan", "lan")
                .build());
        // apt from Debian's archive takes minutes under emulation: it runs on node3 while the rest is checked.
        apt = cluster.execAsync("node3", "apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends hello >/dev/null "
                + "&& hello", ExecOptions.timeout(Duration.ofMinutes(8)));
    }

    ExecResult ok(String node, String command) {
        ExecResult r = cluster.exec(node, command, ExecOptions.timeout(Duration.ofMinutes(3)));
        assertThat(r.exitCode()).as("%s on %s: %s\nstdout: %s\nstderr: %s", command, node, image, r.stdout(), r.stderr()).isZero();
        return r;
    }

    @Test
    @Order(1)
    void isTheReleaseWithItsPackagesAndNothingMaskedOrFailed() {
        assertThat(ok("node1", ". /etc/os-release; echo $ID $VERSION_CODENAME").stdout()).isEqualTo("debian " + codename() + "\n");
        List<String> packages = new java.util.ArrayList<>(PACKAGES);
        packages.addAll(releasePackages());
        String installed = ok("node1", "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' " + String.join(" ", packages)).stdout();
        for (String p : packages) {
            assertThat(installed).as("package %s", p).contains(p + " installed\n");
        }
        assertThat(ok("node1", "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' ifupdown systemd-timesyncd 2>/dev/null | grep ' installed$' || true").stdout())
                .as("ifupdown and systemd-timesyncd are replaced by systemd-networkd and chrony").isEmpty();
        assertThat(ok("node1", "systemctl is-system-running --wait || true").stdout()).isEqualTo("running\n");
        // Debian's packages mask a few units themselves (in /lib: hwclock, cryptdisks, sudo ...); nothing more is.
        assertThat(ok("node1", "find /etc/systemd /run/systemd/system -lname /dev/null 2>/dev/null").stdout()).as("masked units").isEmpty();
        assertThat(ok("node1", "systemctl list-unit-files --state=masked --no-legend | awk '{ print $1 }' | "
                + "while read -r u; do for d in /lib/systemd/system /usr/lib/systemd/system; do [ \"$(readlink $d/$u)\" = /dev/null ] && continue 2; done; "
                + "echo $u; done").stdout()).as("units masked outside Debian's packages").isEmpty();
        assertThat(ok("node1", "systemctl list-units --failed --no-legend --plain").stdout()).as("failed units").isEmpty();
        assertThat(ok("node1", "ls /etc/systemd/system-generators /etc/udev/rules.d 2>/dev/null | grep -v ':$' || true").stdout())
                .as("generators or udev rules overridden").isBlank();
        List<String> units = new java.util.ArrayList<>(ACTIVE_UNITS);
        units.addAll(releaseActiveUnits());
        String active = ok("node1", "for u in " + String.join(" ", units) + "; do echo \"$u $(systemctl is-active $u)\"; done").stdout();
        for (String u : units) {
            assertThat(active).as("unit %s", u).contains(u + " active\n");
        }
    }

    @Test
    @Order(2)
    void mountsWhatADebianBootMounts() {
        String mounts = ok("node1", "findmnt -rn -o TARGET,FSTYPE").stdout();
        for (String m : MOUNTS) {
            assertThat(mounts).as("mount %s", m).contains(m + "\n");
        }
        assertThat(mounts).contains("/ ext4\n");
        assertThat(ok("node1", "findmnt -n -o OPTIONS /").stdout()).contains("rw").contains("discard").contains("errors=remount-ro");
    }

    @Test
    @Order(3)
    void dbusToolsAnswer() {
        assertThat(ok("node1", "hostnamectl hostname 2>/dev/null || hostnamectl --static").stdout()).isEqualTo("node1\n");
        assertThat(ok("node1", "timedatectl show -p Timezone --value").stdout()).isEqualTo("Etc/UTC\n");
        ok("node1", "loginctl list-sessions --no-legend");
        assertThat(ok("node1", "busctl list --no-legend").stdout()).contains("org.freedesktop.systemd1").contains("org.freedesktop.network1");
        assertThat(ok("node1", "networkctl list --no-legend").stdout()).contains("eth0").contains("eth1").contains("mgmt0");
        assertThat(ok("node1", "networkctl status eth0 --no-pager").stdout()).contains("routable");
        if (resolved()) {
            assertThat(ok("node1", "resolvectl status --no-pager").stdout()).contains("eth0");
            assertThat(ok("node1", "readlink /etc/resolv.conf").stdout()).contains("stub-resolv.conf");
        } else {
            assertThat(ok("node1", "cat /etc/resolv.conf").stdout()).startsWith("nameserver ");
        }
    }

    @Test
    @Order(4)
    void networkOnlineIsReachedAndNicsAreInOrder() {
        ok("node1", "/lib/systemd/systemd-networkd-wait-online --timeout=30");
        assertThat(ok("node1", "systemctl is-active network-online.target systemd-networkd-wait-online.service").stdout())
                .isEqualTo("active\nactive\n");
        Node node1 = cluster.nodes().get(0);
        String addrs = ok("node1", "ip -4 -br addr show dev eth0; ip -br link show dev eth1").stdout();
        assertThat(addrs).contains(node1.address("wan")).contains("eth1");
        assertThat(ok("node1", "cat /sys/class/net/eth1/address").stdout().trim()).isNotBlank();
    }

    @Test
    @Order(5)
    void clusterBasicsHold() {
        ExecResult env = ok("node2", "echo $NODE_NAME $NODE_INDEX $NODE_IP; printf '%s\\n' \"$CLUSTER_HOSTS\" | wc -l");
        assertThat(env.stdout()).isEqualTo("node2 2 " + cluster.nodes().get(1).ip() + "\n3\n");
        assertThat(ok("node1", "ssh -o BatchMode=yes node2 hostname").stdout()).isEqualTo("node2\n");
    }

    @Test
    @Order(6)
    void afterARebootSysctlModulesFstabTimezoneAndOnlineUnitsApply() throws Exception {
        ok("node2", String.join("\n",
                "set -e",
                "echo 'kernel.domainname = antrieb-conformance' >/etc/sysctl.d/90-conformance.conf",
                "echo dummy >/etc/modules-load.d/conformance.conf",
                "mkdir -p /mnt/scratch",
                "echo 'tmpfs /mnt/scratch tmpfs noexec,nosuid,nodev,size=16m 0 0' >>/etc/fstab",
                "timedatectl set-timezone Europe/Berlin",
                "cat >/etc/systemd/system/after-online.service <<'EOF'",
                "[Unit]",
                "Wants=network-online.target",
                "After=network-online.target",
                "[Service]",
                "Type=oneshot",
                "RemainAfterExit=yes",
                "ExecStart=/bin/sh -c 'systemctl is-active network-online.target >/run/after-online; ip -4 -br addr show dev eth0 >>/run/after-online'",
                "[Install]",
                "WantedBy=multi-user.target",
                "EOF",
                "systemctl enable after-online.service"));
        Instant start = Instant.now();
        cluster.exec("node2", "systemctl reboot", ExecOptions.timeout(Duration.ofSeconds(20)));
        Instant deadline = start.plusSeconds(300);
        ExecResult r = null;
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(2000);
            r = cluster.exec("node2", "test -e /run/antrieb/warm-done && echo not-rebooted; systemctl is-system-running --wait",
                    ExecOptions.timeout(Duration.ofSeconds(120)));
            if (r.exitCode() != -1 && !r.stdout().contains("not-rebooted")) {
                break;
            }
        }
        log.info("{}: in-guest reboot to SSH-ready and system running: {} ms", image, Duration.between(start, Instant.now()).toMillis());
        assertThat(r).isNotNull();
        assertThat(r.stdout()).as("after reboot: %s", r.stderr()).isEqualTo("running\n");
        assertThat(ok("node2", "sysctl -n kernel.domainname").stdout()).isEqualTo("antrieb-conformance\n");
        assertThat(ok("node2", "lsmod | awk '$1 == \"dummy\"' | wc -l").stdout()).isEqualTo("1\n");
        assertThat(ok("node2", "findmnt -n -o FSTYPE,OPTIONS /mnt/scratch").stdout())
                .startsWith("tmpfs").contains("nosuid").contains("nodev").contains("noexec");
        assertThat(ok("node2", "timedatectl show -p Timezone --value").stdout()).isEqualTo("Europe/Berlin\n");
        assertThat(ok("node2", "systemctl is-active after-online.service; cat /run/after-online").stdout())
                .startsWith("active\nactive\n").contains(cluster.nodes().get(1).address("wan"));
        assertThat(ok("node2", "systemctl list-units --failed --no-legend --plain").stdout()).as("failed units after reboot").isEmpty();
        // The node is still itself and reachable by name.
        assertThat(ok("node1", "ssh -o BatchMode=yes node2 hostname").stdout()).isEqualTo("node2\n");
    }

    @Test
    @Order(7)
    void aptInstallsFromDebiansArchive() throws Exception {
        ExecResult r = apt.get();
        assertThat(r.exitCode()).as("apt on node3: %s", r.stderr()).isZero();
        assertThat(r.stdout()).contains("Hello, world!");
    }

    @Test
    @Order(8)
    void closingLeavesNothing() {
        String id = cluster.id();
        cluster.close();
        assertThat(TestHosts.leftovers(id)).isEmpty();
    }
}
