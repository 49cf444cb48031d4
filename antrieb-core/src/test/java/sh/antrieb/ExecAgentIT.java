package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import sh.antrieb.internal.ExecAgentTestAccess;

/**
 * The exec contract on the path commands take once a node's exec agent runs (one long-lived SSH channel,
 * a bash per command): the same behaviour as a command on its own SSH channel.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecAgentIT {
    private static final long LIMIT = 100_000;
    @AutoClose
    private static Antrieb antrieb;
    private static Cluster cluster;
    /** The first command, run as soon as {@code provision} returned. */
    private static ExecResult first;

    @BeforeAll
    static void provision() throws InterruptedException {
        antrieb = TestHosts.client().outputLimit(LIMIT).build();
        cluster = antrieb.provision("debian12");
        first = cluster.exec("node1", "echo $NODE_NAME $USER $HOME; echo $SSH_CONNECTION; echo ${XDG_SESSION_ID:+session}; cat /proc/self/cgroup");
        assertThat(ExecAgentTestAccess.awaitAgents(cluster, Duration.ofMinutes(2))).as("exec agent running").isTrue();
    }

    @Test
    @Order(0)
    void theFirstCommandAfterProvisionGoesThroughTheAgentInAnSshSessionOfRoot() {
        assertThat(first.transport()).as("the copy's agent runs before provision returns").isEqualTo(ExecResult.Transport.AGENT);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        List<String> lines = first.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("node1 root /root");
        // sshd's variables of this connection: the host's end, then the node's control address and port 22
        assertThat(lines.get(1)).matches("[0-9.]+ \\d+ [0-9.]+ 22");
        // in root's logind session, as a command on its own SSH channel is
        assertThat(lines.get(2)).isEqualTo("session");
        assertThat(lines.get(3)).matches("0::/user\\.slice/user-0\\.slice/session-\\d+\\.scope");
    }

    @Test
    @Order(1)
    void eachCommandHasItsOwnShellWithTheClusterEnvironment() {
        ExecResult a = cluster.exec("node1", "[ \"$$\" = \"$BASHPID\" ] && echo own-shell; echo $$; echo $NODE_NAME $NODE_INDEX; pwd; id -un");
        ExecResult b = cluster.exec("node1", "echo $$");
        assertThat(a.exitCode()).as(a.stderr()).isZero();
        List<String> lines = a.stdout().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("own-shell");
        assertThat(lines.subList(2, 5)).containsExactly("node1 1", "/root", "root");
        assertThat(b.stdout().strip()).isNotEqualTo(lines.get(1));
        assertThat(cluster.exec("node1", "echo $LINENO\necho $LINENO").stdout()).isEqualTo("1\n2\n");
    }

    @Test
    @Order(2)
    void valuesRoundTripWhateverTheyContain() {
        String tricky = "it's \"quoted\" $HOME `x` \\ \nsecond line";
        ExecResult r = cluster.exec("node1", "printf '%s' \"$TRICKY\"", ExecOptions.DEFAULTS.withEnv(Map.of("TRICKY", tricky)));
        assertThat(r.stdout()).isEqualTo(tricky);
        assertThat(cluster.exec("node1", "echo 'single '\"'\"' quote'; exit 0").stdout()).isEqualTo("single ' quote\n");
    }

    @Test
    @Order(3)
    void exitCodesSignalsAndAnEmptyStdin() {
        ExecResult r = cluster.exec("node1", "cat; echo out; echo err >&2; exit 7");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        ExecResult killed = cluster.exec("node1", "kill -KILL $$");
        assertThat(killed.exitCode()).isEqualTo(137);
        assertThat(killed.stderr()).contains("signal KILL");
        ExecResult pipe = cluster.exec("node1", "yes | head -n 1");
        assertThat(pipe.stdout()).isEqualTo("y\n");
        assertThat(pipe.stderr()).as("SIGPIPE has its default action").isEmpty();
    }

    @Test
    @Order(4)
    void rcFilesAreReadLikeSshdsBashReadsThem() {
        cluster.exec("node1", "cp /root/.bashrc /root/.bashrc.orig; echo 'export FROM_RC=yes' >>/root/.bashrc");
        try {
            assertThat(cluster.exec("node1", "echo $FROM_RC").stdout()).isEqualTo("yes\n");
        } finally {
            cluster.exec("node1", "mv /root/.bashrc.orig /root/.bashrc");
        }
        assertThat(cluster.exec("node1", "echo \"[$FROM_RC]\"").stdout()).isEqualTo("[]\n");
    }

    @Test
    @Order(5)
    void outputOverTheLimitIsCutWithAMarker() {
        ExecResult r = cluster.exec("node1", "head -c 250000 /dev/zero | tr '\\0' a; echo done >&2");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("a".repeat((int) LIMIT)).contains("output cut here: 150000 more bytes");
        assertThat(r.stderr()).isEqualTo("done\n");
    }

    @Test
    @Order(6)
    void aTimeoutKillsTheWholeProcessGroupButNotWhatLeftIt() {
        ExecResult r = cluster.exec("node1", "nohup setsid sleep 300 >/dev/null 2>&1 & sleep 400 & echo started; wait",
                ExecOptions.timeout(Duration.ofSeconds(3)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.stdout()).isEqualTo("started\n");
        ExecResult left = cluster.exec("node1", "pgrep -x sleep | wc -l; pgrep -f 'sleep 300' >/dev/null && pkill -f 'sleep 300'; true");
        assertThat(left.stdout()).isEqualTo("1\n");
    }

    @Test
    @Order(7)
    void manyCommandsAtOnce() {
        List<CompletableFuture<ExecResult>> runs = IntStream.range(0, 6)
                .mapToObj(i -> cluster.execAsync("node1", "sleep 1; echo " + i + "; echo e" + i + " >&2")).toList();
        List<ExecResult> results = runs.stream().map(CompletableFuture::join).toList();
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).stdout()).isEqualTo(i + "\n");
            assertThat(results.get(i).stderr()).isEqualTo("e" + i + "\n");
        }
    }

    @Test
    @Order(8)
    void commandsWorkAgainAfterAReboot() throws InterruptedException {
        String bootId = cluster.exec("node1", "cat /proc/sys/kernel/random/boot_id").stdout();
        cluster.exec("node1", "nohup setsid sh -c 'sleep 1; systemctl reboot' >/dev/null 2>&1 &");
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        ExecResult r;
        do {
            Thread.sleep(2000);
            r = cluster.exec("node1", "cat /proc/sys/kernel/random/boot_id");
        } while ((r.exitCode() != 0 || r.stdout().equals(bootId)) && System.nanoTime() < deadline);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).as("the node rebooted").isNotEqualTo(bootId);
        assertThat(ExecAgentTestAccess.awaitAgents(cluster, Duration.ofMinutes(2))).as("exec agent running again").isTrue();
        assertThat(cluster.exec("node1", "echo $NODE_NAME").stdout()).isEqualTo("node1\n");
    }

    @Test
    @Order(9)
    void commandsFallBackToTheirOwnChannelWhenTheAgentDies() throws InterruptedException {
        ExecResult killer = cluster.exec("node1", "echo before; sleep 1; pkill -KILL -f 'python3 -S -I -c # Antrieb exec agent'; sleep 5");
        assertThat(killer.exitCode()).isEqualTo(-1);
        assertThat(killer.stdout()).isEqualTo("before\n");
        assertThat(killer.stderr()).contains("exec agent on node1 ended before the command finished");

        ExecResult r = cluster.exec("node1", "echo $NODE_NAME; echo err >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("node1\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        ExecResult slow = cluster.exec("node1", "echo started; sleep 300", ExecOptions.timeout(Duration.ofSeconds(3)));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.stdout()).isEqualTo("started\n");
        Thread.sleep(6000); // the killer's sleep 5 ends too
        ExecResult left = cluster.exec("node1", "pgrep -f '^(/usr/bin/)?(python3 -S -I -c # Antrieb|bash --norc -c \\. /dev/fd/3)' | wc -l; "
                + "pgrep -x sleep | wc -l; ls /run | grep -c '^antrieb-exec-'");
        assertThat(left.stdout()).as("agent, its shells, sleeps, pid files left").isEqualTo("0\n0\n1\n");
    }
}
