package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One real 3-node cluster shared by every test of the class; the last test closes it and looks for leftovers. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterIT {
    @AutoClose
    private static Antrieb antrieb;
    private static Cluster cluster;

    @BeforeAll
    static void provision() {
        antrieb = TestHosts.client().build();
        cluster = antrieb.provision("debian12 x3");
    }

    @Test
    @Order(1)
    void nodesAreNamedAndAddressedInOrder() {
        assertThat(cluster.nodes()).extracting(Node::name).containsExactly("node1", "node2", "node3");
        List<String> ips = cluster.nodes().stream().map(Node::ip).toList();
        assertThat(ips.get(0)).endsWith(".10");
        assertThat(ips.get(1)).endsWith(".11");
        assertThat(ips.get(2)).endsWith(".12");
        assertThat(cluster.provisionTime()).isPositive();
        assertThat(cluster.expiresAt()).isAfter(cluster.createdAt());
    }

    @Test
    @Order(2)
    void everyNodeHasItsHostnameAndEveryNodeInEtcHosts() {
        for (Node n : cluster.nodes()) {
            ExecResult r = cluster.exec(n.name(), "hostname; cat /etc/hosts");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith(n.name() + "\n");
            for (Node other : cluster.nodes()) {
                assertThat(r.stdout()).contains(other.ip() + " " + other.name());
            }
        }
    }

    @Test
    @Order(3)
    void nodeToNodeSshNeedsNoPromptOrHostKeyQuestion() {
        ExecResult r = cluster.exec("node1", "ssh -o BatchMode=yes node2 hostname");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("node2\n");
        assertThat(cluster.exec("node3", "ssh -o BatchMode=yes node1 'echo $NODE_NAME' ; ssh -o BatchMode=yes node1 hostname").stdout())
                .endsWith("node1\n");
    }

    @Test
    @Order(4)
    void everyCommandSeesTheClusterEnvironment() {
        Node node2 = cluster.node("node2");
        ExecResult r = cluster.exec("node2", "printf '%s|%s|%s\\n' \"$NODE_NAME\" \"$NODE_INDEX\" \"$NODE_IP\"; "
                + "printf '%s\\n' \"$CLUSTER_HOSTS\"");
        String expectedHosts = String.join("\n", cluster.nodes().stream().map(n -> n.ip() + " " + n.name()).toList());
        assertThat(r.stdout()).isEqualTo("node2|2|" + node2.ip() + "\n" + expectedHosts + "\n");

        ExecResult keys = cluster.exec("node3", "[ \"$CLUSTER_SSH_PUBKEY\" = \"$(cat /root/.ssh/id_ed25519.pub)\" ] && echo pub-ok; "
                + "[ \"$CLUSTER_SSH_PRIVKEY\" = \"$(cat /root/.ssh/id_ed25519)\" ] && echo priv-ok; "
                + "grep -qxF \"$CLUSTER_SSH_PUBKEY\" /root/.ssh/authorized_keys && echo authorized");
        assertThat(keys.stdout()).isEqualTo("pub-ok\npriv-ok\nauthorized\n");
        assertThat(cluster.exec("node1", "echo $CLUSTER_SSH_PUBKEY").stdout()).startsWith("ssh-ed25519 ");
    }

    @Test
    @Order(5)
    void extraAndSecretEnvironment() {
        ExecResult r = cluster.exec("node1", "echo \"$GREETING $TOKEN\"",
                ExecOptions.DEFAULTS.withEnv(java.util.Map.of("GREETING", "hello")).withSecretEnv(java.util.Map.of("TOKEN", "s3cret")));
        assertThat(r.stdout()).isEqualTo("hello s3cret\n");
    }

    @Test
    @Order(6)
    void nonZeroExitAndStderrComeBack() {
        ExecResult r = cluster.exec("node1", "echo to-out; echo to-err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stdout()).isEqualTo("to-out\n");
        assertThat(r.stderr()).isEqualTo("to-err\n");
        assertThat(cluster.exec("node1", "no-such-command").exitCode()).isEqualTo(127);
    }

    @Test
    @Order(7)
    void aHangingCommandEndsAtItsTimeoutWithWhatItPrinted() {
        ExecResult r = cluster.exec("node2", "echo started; sleep 600; echo never", ExecOptions.timeout(Duration.ofSeconds(3)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).isEqualTo("started\n");
        assertThat(r.stderr()).contains("timed out after 3 s");
        assertThat(r.duration()).isLessThan(Duration.ofSeconds(30));
        assertThat(cluster.exec("node2", "pgrep -x sleep || echo none").stdout()).isEqualTo("none\n");
    }

    @Test
    @Order(8)
    void backgroundWorkSurvivesTheCall() {
        cluster.exec("node3", "nohup setsid sh -c 'sleep 2; echo done >/tmp/bg' >/dev/null 2>&1 &");
        ExecResult r = cluster.exec("node3", "for i in $(seq 50); do [ -f /tmp/bg ] && break; sleep 0.2; done; cat /tmp/bg");
        assertThat(r.stdout()).isEqualTo("done\n");
    }

    @Test
    @Order(9)
    void largeCommandsAndOutputsAreKeptWhole() {
        ExecResult big = cluster.exec("node1", "head -c 3000000 /dev/zero | tr '\\0' a");
        assertThat(big.stdout()).hasSize(3_000_000);
        StringBuilder script = new StringBuilder();
        IntStream.range(0, 3000).forEach(i -> script.append("echo line-").append(i).append(" >/dev/null\n"));
        script.append("echo end\n");
        assertThat(script.length()).isGreaterThan(70_000);
        assertThat(cluster.exec("node1", script.toString()).stdout()).isEqualTo("end\n");
    }

    @Test
    @Order(10)
    void severalCommandsRunOnOneNodeAtOnce() {
        List<CompletableFuture<ExecResult>> runs = IntStream.range(0, 4)
                .mapToObj(i -> cluster.execAsync("node2", "sleep 2; echo " + i)).toList();
        long t0 = System.nanoTime();
        List<String> outs = runs.stream().map(CompletableFuture::join).map(ExecResult::stdout).toList();
        assertThat(outs).containsExactly("0\n", "1\n", "2\n", "3\n");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ran side by side, not one after another").isLessThan(Duration.ofSeconds(8));
    }

    @Test
    @Order(11)
    void eachNodeHasItsOwnHostKey() {
        List<String> keys = cluster.nodes().stream()
                .map(n -> cluster.exec(n.name(), "cat /etc/ssh/ssh_host_ed25519_key.pub").stdout().split(" ")[1]).toList();
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(cluster.exec("node1", "ls /etc/ssh/ | grep -c '^ssh_host_.*_key$'").stdout()).isEqualTo("1\n");
    }

    @Test
    @Order(12)
    void unknownNodeIsAClearError() {
        assertThatThrownBy(() -> cluster.exec("node9", "true"))
                .isInstanceOf(NoSuchNodeException.class)
                .hasMessageContaining("node9").hasMessageContaining("[node1, node2, node3]");
    }

    @Test
    @Order(13)
    void theDefaultNetworkReachesOutsideOnlyThroughTheAllowlist() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(80, 8080)) {
            ExecResult allowed = cluster.exec("node1", "curl -sS -m 10 " + upstream.url(80));
            assertThat(allowed.exitCode()).as(allowed.stderr()).isZero();
            assertThat(allowed.stdout()).isEqualTo("upstream:80\n");
            ExecResult refused = cluster.exec("node1", "curl -sS -m 5 " + upstream.url(8080));
            assertThat(refused.exitCode()).as("port 8080 is not on the allowlist, yet the host reaches it").isNotZero();
            // Inside the cluster every port is open.
            cluster.execAsync("node2", "timeout 30 nc -l -p 8080 >/dev/null");
            ExecResult inside = cluster.exec("node1", "for i in 1 2 3 4 5; do nc -z -w 2 node2 8080 && exit 0; sleep 1; done; exit 1");
            assertThat(inside.exitCode()).isZero();
        }
    }

    @Test
    @Order(99)
    void closeLeavesNothingBehind() {
        String id = cluster.id();
        assertThat(TestHosts.leftovers(id)).isNotEmpty();
        cluster.close();
        cluster.close();
        assertThat(TestHosts.leftovers(id)).isEmpty();
        assertThat(cluster.isOpen()).isFalse();
        assertThatThrownBy(() -> cluster.exec("node1", "true")).isInstanceOf(ClusterExpiredException.class)
                .hasMessageContaining("cluster_expired");
    }
}
