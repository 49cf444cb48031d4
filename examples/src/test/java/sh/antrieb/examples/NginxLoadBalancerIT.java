package sh.antrieb.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;
import sh.antrieb.junit.AntriebCluster;
import sh.antrieb.junit.AntriebTest;

/**
 * A load balancer on three real VMs: nginx on node1 balances across nginx on node2 and node3, each of
 * which answers with its own hostname. The test installs nginx from Debian's packages, configures the
 * three nodes, and checks that requests to the balancer reach both backends.
 *
 * <p>Copy this to start your own: one cluster for the class (a static field), set-up in
 * {@code @BeforeAll}, assertions on what the commands printed. The cluster is destroyed after the class,
 * whatever happens; if a test fails, its report lists every command with its output and the tail of
 * each node's console. Runs with {@code mvn verify} (it boots VMs, so it is an integration test).
 */
@AntriebTest
class NginxLoadBalancerIT {

    /** Three small nodes: small VMs boot quickly, also without KVM. */
    @AntriebCluster(nodes = "debian12 x3", vcpus = 1, memoryMiB = 768)
    static Cluster cluster;

    private static final String INSTALL_NGINX = """
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -q
            apt-get install -y -q --no-install-recommends nginx curl
            """;

    /** Backends: the default site serves index.html first, so that is where the hostname goes. */
    private static final String SERVE_HOSTNAME = "hostname > /var/www/html/index.html";

    /** The balancer: round-robin over the backends, reached by their cluster hostnames. */
    private static final String CONFIGURE_BALANCER = """
            cat > /etc/nginx/sites-available/default <<'EOF'
            upstream backends {
                server node2;
                server node3;
            }
            server {
                listen 80 default_server;
                location / {
                    proxy_pass http://backends;
                }
            }
            EOF
            nginx -t && systemctl reload nginx
            """;

    @BeforeAll
    static void setUpLoadBalancer() {
        // The installs are independent: run them on all nodes at once.
        List<CompletableFuture<ExecResult>> installs = cluster.nodes().stream()
                .map(node -> cluster.execAsync(node.name(), INSTALL_NGINX))
                .toList();
        installs.forEach(install -> assertThat(install.join()).succeeded());

        assertThat(cluster.exec("node2", SERVE_HOSTNAME)).succeeded();
        assertThat(cluster.exec("node3", SERVE_HOSTNAME)).succeeded();
        assertThat(cluster.exec("node1", CONFIGURE_BALANCER)).succeeded();
    }

    @Test
    void eachBackendServesItsHostname() {
        assertThat(cluster.exec("node1", "curl -fsS http://node2/")).succeeded().stdoutIsEqualTo("node2");
        assertThat(cluster.exec("node1", "curl -fsS http://node3/")).succeeded().stdoutIsEqualTo("node3");
    }

    @Test
    void balancerAnswersFromBothBackends() {
        ExecResult answers = cluster.exec("node1", "for i in 1 2 3 4 5 6; do curl -fsS http://localhost/; done");

        assertThat(answers).succeeded().stdoutContains("node2", "node3");
        // round-robin: every answer comes from one of the two backends
        assertThat(answers.stdout().lines()).hasSize(6).allMatch(line -> line.equals("node2") || line.equals("node3"));
    }
}
