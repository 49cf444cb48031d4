package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.internal.ClusterLabel;
import sh.antrieb.internal.LibvirtHost;

/**
 * A libvirt host the client reaches only over SSH. This machine plays it: {@code remote-host.sh} starts an sshd on
 * one end of a veth pair, and the client is a child JVM ({@link RemoteHostChild}) in a network namespace at the
 * other end, with no route to the guests' networks and libvirt's sockets and directories hidden from it; it
 * connects with {@code qemu+ssh://root@<veth address>/system}. Everything a user does there must work as on a local
 * host: guests are reached through the one SSH session, host commands (nft, logs, console tails) run on the host,
 * images travel through libvirt's storage API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteHostIT {
    private static final Logger log = LoggerFactory.getLogger(RemoteHostIT.class);

    private RemoteHost remote;
    private FakeUpstream upstream;
    private String uri;

    @BeforeAll
    void up() throws Exception {
        remote = RemoteHost.up("rhit" + ProcessHandle.current().pid() % 1000);
        // MINA (guests, host commands) is given the key and known_hosts in the URI; libvirt's own ssh takes them from
        // the ssh_config the harness mounts in the client's namespace.
        uri = remote.uri() + "?keyfile=" + enc(remote.keyFile()) + "&known_hosts=" + enc(remote.knownHosts());
        upstream = FakeUpstream.start(80, 8080);
    }

    @AfterAll
    void down() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    void aClusterOnARemoteHostWorksAsOnALocalOne() throws Exception {
        Process child = child("cluster", uri, "http://" + FakeUpstream.ADDRESS);
        Map<String, String> facts = facts(child, what -> {
            String id = what.substring("firewall ".length());
            assertThat(sh("nft", "list", "tables")).as("the cluster's firewall is on the host").contains("antrieb-" + id + "-");
            assertThat(sh("ip", "netns", "exec", remote.name(), "nft", "list", "tables"))
                    .as("and not where the client runs").doesNotContain("antrieb-" + id + "-");
        });
        log.info("remote client saw: {}", facts);
        assertThat(facts).containsEntry("host", uri)
                .containsEntry("env", "node2 hi")
                .containsEntry("lan-ping", "0")
                .containsEntry("egress-80", "upstream:80")
                .containsEntry("saved-copy", "saved-on-the-remote-host")
                .containsEntry("image-deleted", "true");
        assertThat(facts.get("hostname")).isEqualTo("node1");
        assertThat(facts.get("ssh-node2")).isEqualTo("node2");
        assertThat(facts.get("egress-8080")).as("port 8080 is not on the egress allowlist").isNotEqualTo("0");
        assertThat(facts.get("cluster-to-cluster")).as("one cluster cannot reach another").isNotEqualTo("0");
        assertThat(facts.get("other-start")).as("warm start on the remote host").isEqualTo("WARM");
        assertThat(Long.parseLong(facts.get("boot-failure-tail-lines"))).as("the console tail of a boot cut short").isPositive();
        assertThat(TestHosts.leftovers(facts.get("id"))).isEmpty();
    }

    @Test
    void aPoolSpreadsClustersAndAHostThatStopsAnsweringIsLeftOutAndItsClusterLost() throws Exception {
        Process child = new ProcessBuilder(remote.localCommand(javaCommand("pool", uri)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, String> facts = facts(child, what -> {
            if (what.equals("cut")) {
                remote.cut();
            } else if (what.equals("restore")) {
                remote.restore();
            }
        });
        log.info("pool client saw: {}", facts);
        assertThat(facts).containsEntry("first-host", Antrieb.DEFAULT_LIBVIRT_URI.toString())
                .containsEntry("second-host", uri).containsEntry("second-exec", "node1")
                .containsEntry("third-host", Antrieb.DEFAULT_LIBVIRT_URI.toString()).containsEntry("third-exec", "node1")
                .containsEntry("lost", "true");
        assertThat(facts.get("lost-exec-exit")).as("a command on the lost host's cluster fails").isEqualTo("-1");
        assertThat(Long.parseLong(facts.get("lost-exec-ms"))).as("and does not hang").isLessThan(120_000);
    }

    @Test
    void aRemoteClientKilledMidProvisionLeavesNothingOnceSwept() throws Exception {
        Process child = child("orphan", uri);
        CompletableFuture.runAsync(() -> drain(child));
        String id = awaitDomainOf(child.pid());
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        // libvirtd destroys the AUTODESTROY domain when the killed client's SSH-carried connection closes.
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < waitUntil && TestHosts.leftovers(id).stream().anyMatch(s -> s.startsWith("domain "))) {
            Thread.sleep(250);
        }
        assertThat(TestHosts.leftovers(id)).as("the domain goes with the connection").noneMatch(s -> s.startsWith("domain "));
        try (Antrieb antrieb = TestHosts.client().build()) { // sweeps at start
            antrieb.sweep();
        }
        log.info("remote client SIGKILLed mid-provision: swept {} ms after the kill", (System.nanoTime() - killedAt) / 1_000_000);
        assertThat(TestHosts.leftovers(id)).isEmpty();
    }

    private Process child(String... args) throws IOException {
        return new ProcessBuilder(remote.command(javaCommand(args))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static List<String> javaCommand(String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), RemoteHostChild.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** What the parent does when the child waits for it ({@code WAIT what}). */
    private interface OnWait {
        void run(String what) throws Exception;
    }

    /**
     * The child's {@code FACT name=value} lines, once it ended with exit status 0 (else the assertion shows all it
     * printed); each {@code WAIT what} is answered after {@code onWait} ran.
     */
    private static Map<String, String> facts(Process child, OnWait onWait) throws Exception {
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = child.getOutputStream()) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
                if (line.startsWith("FACT ")) {
                    String f = line.substring(5);
                    facts.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
                } else if (line.startsWith("WAIT ")) {
                    onWait.run(line.substring(5));
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
        } finally {
            if (!child.waitFor(2, TimeUnit.MINUTES)) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).as("the child's run; its output:\n%s", String.join("\n", out)).isZero();
        return facts;
    }

    private static void drain(Process p) {
        try {
            p.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the child is gone
        }
    }

    /** The id of the cluster whose domain the process {@code pid} made. */
    private static String awaitDomainOf(long pid) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            try (LibvirtHost host = LibvirtHost.connect(URI.create("qemu:///system"))) {
                for (String n : host.domains()) {
                    Optional<ClusterLabel.Labelled> l = ClusterLabel.parse(n);
                    if (l.isPresent() && l.get().label().ownerPid() == pid) {
                        return l.get().label().id();
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the remote client made no domain within 5 minutes");
    }

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static String enc(Path p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }
}
