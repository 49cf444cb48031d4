package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/**
 * A real 1-node cluster with a short TTL: it works, then it is destroyed at its deadline. The TTL is short
 * (the test mostly waits for it) but long enough for a cold boot under TCG on a loaded host.
 */
class SingleNodeTtlIT {
    private static final Duration TTL = Duration.ofSeconds(50);

    @Test
    void oneNodeWorksUntilItsTtlThenIsGone() throws Exception {
        try (Antrieb antrieb = TestHosts.client().build()) {
            Cluster cluster = antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(TTL).build());
            assertThat(cluster.accelerator()).isEqualTo(TestHosts.cpuHasVirtualization() ? Accelerator.KVM : Accelerator.TCG);
            assertThat(cluster.nodes()).hasSize(1);
            ExecResult r = cluster.exec("node1", "hostname; systemctl is-system-running --wait >/dev/null 2>&1; id -u; pwd");
            assertThat(r.stdout()).startsWith("node1\n").endsWith("0\n/root\n");
            assertThat(cluster.expiresAt()).isBetween(cluster.createdAt().plus(TTL).minusSeconds(1), cluster.createdAt().plus(TTL).plusSeconds(1));

            String id = cluster.id();
            Duration wait = Duration.between(Instant.now(), cluster.expiresAt()).plusSeconds(3);
            Thread.sleep(Math.max(0, wait.toMillis()));
            assertThat(cluster.isOpen()).isFalse();
            assertThatThrownBy(() -> cluster.exec("node1", "true"))
                    .isInstanceOf(ClusterExpiredException.class).hasMessageContaining("expired");
            // The reaper is destroying it now (domains, networks, volumes, firewall tables); the client lists it
            // until that is done.
            Instant deadline = Instant.now().plusSeconds(60);
            while (!antrieb.clusters().isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertThat(antrieb.clusters()).isEmpty();
            assertThat(TestHosts.leftovers(id)).isEmpty();
        }
    }
}
