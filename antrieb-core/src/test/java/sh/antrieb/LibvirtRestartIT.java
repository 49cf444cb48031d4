package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.internal.ClusterLabel;
import sh.antrieb.internal.LibvirtHost;

/**
 * libvirtd restarted (killed and started again exactly as bin/setup-host starts it, as a package upgrade
 * restarts it) while the client is idle, during an exec, during a provision and during a delete: the same
 * {@link Antrieb} client serves again without a restart, the call in flight has a clear result, the cluster
 * made before stays usable, and nothing of any cluster of the test is left at the end. Kept down for longer
 * than a connection's reconnect timeout, a call fails with {@link HostUnavailableException} saying what to do,
 * and the next call once libvirtd is back works on the same connection object. One shared 1-node
 * cluster; one more for the provision and the delete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtRestartIT {
    private static final Logger log = LoggerFactory.getLogger(LibvirtRestartIT.class);
    private static final Path PID_FILE = Path.of("/var/run/libvirtd.pid");
    static Antrieb antrieb;
    static Cluster shared;
    static final Set<String> ids = new LinkedHashSet<>();
    static Cluster second;

    @BeforeAll
    static void start() {
        antrieb = TestHosts.client().build();
        shared = antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(10)).build());
        ids.add(shared.id());
    }

    @AfterAll
    static void stop() throws Exception {
        if (antrieb != null) {
            antrieb.close();
        }
        // Whatever the restarts did, nothing of the test's clusters is left once its client has closed and swept.
        try (Antrieb sweeper = TestHosts.client().build()) {
            sweeper.sweep();
        }
        for (String id : ids) {
            assertThat(TestHosts.leftovers(id)).as("leftovers of %s", id).isEmpty();
        }
    }

    @Test
    @Order(1)
    void whileIdleTheClientServesAgainWithoutARestart() throws Exception {
        restartLibvirtd();
        assertThat(antrieb.sweep()).as("a sweep right after the restart works").isGreaterThanOrEqualTo(0);
        assertThat(shared.exec("node1", "hostname").stdout()).isEqualTo("node1\n");
        assertThat(domainsOf(shared.id())).as("the guest kept running").hasSize(1);
        assertThat(antrieb.clusters()).extracting(Cluster::id).contains(shared.id());
    }

    @Test
    @Order(2)
    void duringAnExecTheCommandFinishes() throws Exception {
        CompletableFuture<ExecResult> r = CompletableFuture.supplyAsync(() -> shared.exec("node1", "sleep 6; echo survived"));
        Thread.sleep(1500);
        restartLibvirtd();
        ExecResult done = r.get(2, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        assertThat(done.stdout()).isEqualTo("survived\n");
    }

    @Test
    @Order(3)
    void duringAProvisionItCompletesOrIsRolledBackCompletely() throws Exception {
        Set<String> before = labelsOfThisProcess();
        CompletableFuture<Cluster> p = CompletableFuture.supplyAsync(() ->
                antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(10)).build()));
        // Restart while the attempt's objects exist on the host: its networks are made first, then its domain.
        String attempt = awaitNewLabel(before, Duration.ofSeconds(60));
        ids.add(attempt);
        restartLibvirtd();
        try {
            second = p.get(10, TimeUnit.MINUTES);
            log.info("provision in flight during the restart completed: {}", second.id());
            assertThat(second.id()).isEqualTo(attempt);
            assertThat(second.exec("node1", "hostname").stdout()).isEqualTo("node1\n");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            log.info("provision in flight during the restart failed: {}", cause.toString());
            assertThat(cause).isInstanceOfAny(HostUnavailableException.class, ProvisionException.class);
            assertThat(cause.getMessage()).contains(attempt).containsAnyOf("everything the attempt made was removed", "everything it created was removed");
            assertThat(TestHosts.leftovers(attempt)).as("a failed attempt is rolled back completely").isEmpty();
        }
        // Either way the client provisions again, and the shared cluster is still usable.
        if (second == null) {
            second = antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(10)).build());
            ids.add(second.id());
        }
        assertThat(shared.exec("node1", "true").exitCode()).isZero();
    }

    @Test
    @Order(4)
    void duringADeleteNothingOfTheClusterIsLeft() throws Exception {
        assertThat(second).as("the cluster of the previous test").isNotNull();
        String id = second.id();
        CompletableFuture<Void> close = CompletableFuture.runAsync(second::close);
        Thread.sleep(300);
        restartLibvirtd();
        try {
            close.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            log.info("delete during the restart failed: {}", e.getCause().toString());
            assertThat(e.getCause()).isInstanceOf(HostUnavailableException.class);
        }
        assertThat(second.isOpen()).isFalse();
        antrieb.sweep();
        assertThat(TestHosts.leftovers(id)).isEmpty();
        assertThat(antrieb.clusters()).extracting(Cluster::id).containsExactly(shared.id());
        assertThat(shared.exec("node1", "echo still").stdout()).isEqualTo("still\n");
    }

    @Test
    @Order(5)
    void whileLibvirtdStaysDownACallFailsClearlyInBoundedTimeAndTheNextOneAfterItIsBackWorks() throws Exception {
        try (LibvirtHost host = LibvirtHost.connect(java.net.URI.create("qemu:///system"), Duration.ofSeconds(3))) {
            assertThat(host.domains()).isNotEmpty();
            stopLibvirtd();
            long t0 = System.nanoTime();
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(host::domains).isInstanceOf(HostUnavailableException.class)
                        .hasMessageContaining("libvirt at qemu:///system is unavailable")
                        .hasMessageContaining("could not be re-opened within 3 s").hasMessageContaining("Is libvirtd running?")
                        .hasMessageContaining("no restart needed");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the wait is bounded").isLessThan(Duration.ofSeconds(20));
                assertThat(host.isReachable()).as("a host whose connection could not be re-opened is lost").isFalse();
            } finally {
                startLibvirtd(System.nanoTime());
            }
            assertThat(host.domains()).as("the same connection object serves again").anyMatch(n -> n.startsWith("antrieb-" + shared.id() + "-"));
            assertThat(host.isReachable()).as("and reachable again").isTrue();
        }
        assertThat(shared.exec("node1", "hostname").stdout()).isEqualTo("node1\n");
    }

    /** Stops libvirtd and starts it again as bin/setup-host does ({@code libvirtd -d} where systemd is not PID 1). */
    static void restartLibvirtd() throws Exception {
        long t0 = System.nanoTime();
        if (systemd()) {
            run("systemctl", "restart", "libvirtd");
        } else {
            stopLibvirtd();
            run("libvirtd", "-d");
        }
        awaitLibvirtd(t0);
    }

    private static boolean systemd() throws Exception {
        return Files.readString(Path.of("/proc/1/comm")).strip().equals("systemd");
    }

    private static void stopLibvirtd() throws Exception {
        if (systemd()) {
            run("systemctl", "stop", "libvirtd");
            return;
        }
        long pid = Long.parseLong(Files.readString(PID_FILE).strip());
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("libvirtd (pid " + pid + ") is not running"));
        daemon.destroy(); // SIGTERM, as `kill` sends
        daemon.onExit().get(60, TimeUnit.SECONDS);
    }

    private static void startLibvirtd(long t0) throws Exception {
        run(systemd() ? new String[] {"systemctl", "start", "libvirtd"} : new String[] {"libvirtd", "-d"});
        awaitLibvirtd(t0);
    }

    private static void awaitLibvirtd(long t0) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (new ProcessBuilder("virsh", "-q", "-c", "qemu:///system", "version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() != 0) {
            assertThat(Instant.now()).as("libvirtd answers again").isBefore(deadline);
            Thread.sleep(200);
        }
        log.info("libvirtd answering again {} ms after it was stopped", (System.nanoTime() - t0) / 1_000_000);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }

    private static List<String> domainsOf(String id) {
        try (LibvirtHost host = LibvirtHost.connect(java.net.URI.create("qemu:///system"))) {
            return host.domains().stream().filter(n -> n.startsWith("antrieb-" + id + "-")).filter(host::isDomainActive).toList();
        }
    }

    /** Ids of clusters of this process that have a network or domain on the host. */
    private static Set<String> labelsOfThisProcess() {
        long pid = ProcessHandle.current().pid();
        Set<String> found = new LinkedHashSet<>();
        try (LibvirtHost host = LibvirtHost.connect(java.net.URI.create("qemu:///system"))) {
            List<String> names = new ArrayList<>(host.networks());
            names.addAll(host.domains());
            for (String n : names) {
                ClusterLabel.parse(n).filter(l -> l.label().ownerPid() == pid).ifPresent(l -> found.add(l.label().id()));
            }
        }
        return found;
    }

    private static String awaitNewLabel(Set<String> before, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Set<String> now = labelsOfThisProcess();
            now.removeAll(before);
            if (!now.isEmpty()) {
                return now.iterator().next();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the provision made nothing on the host within " + timeout.toSeconds() + " s");
    }
}
