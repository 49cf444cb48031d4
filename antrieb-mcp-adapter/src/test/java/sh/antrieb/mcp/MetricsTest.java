package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import sh.antrieb.mcp.internal.Json;

/**
 * {@code /metrics} on a real Tomcat over clusters that are objects: the series after provision, exec and a failure,
 * parsed as Prometheus text; the same key, Origin and Host rules as {@code /mcp}; no secret value; and every query of
 * the Grafana dashboard in {@code docs/grafana/antrieb.json} names a series the server exports.
 */
class MetricsTest {
    @TempDir
    static Path state;
    static AntriebMcpServer server;
    static URI metrics;
    static String key;
    static McpSyncClient client;

    @BeforeAll
    static void start() {
        server = AntriebMcpServer.builder(new FakeClusters()).stateDir(state).build();
        key = server.keys().create("alice", null, null).key();
        URI mcp = server.startHttp("127.0.0.1", 0);
        metrics = mcp.resolve("/metrics");
        client = McpTestClients.http(mcp, key, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        ItSupport.closeAll(client, server);
    }

    @Test
    void afterProvisionExecAndAFailureTheSeriesCountThem() throws Exception {
        PrometheusText before = PrometheusText.scrape(metrics, key);
        String id = (String) ok(call(client, "provision", Map.of("cluster", List.of("debian12 x2")))).get("session_id");
        ok(call(client, "exec", Map.of("session_id", id, "node", "node1", "command", "hostname",
                "secret_env", Map.of("API_TOKEN", "s3cr3t-metrics-value"))));
        ok(call(client, "exec", Map.of("session_id", id, "node", "node2", "command", "false")));
        ok(call(client, "exec", Map.of("session_id", id, "node", "node2", "command", "unreachable")));
        error(call(client, "exec", Map.of("session_id", "nosuchcluster", "node", "node1", "command", "true")));

        PrometheusText m = PrometheusText.scrape(metrics, key);
        assertThat(m.text).doesNotContain("s3cr3t-metrics-value").doesNotContain("API_TOKEN").doesNotContain("hostname").doesNotContain(key);
        assertThat(m.types).containsEntry("antrieb_provision_seconds", "histogram").containsEntry("antrieb_exec_seconds", "histogram")
                .containsEntry("antrieb_clusters_live", "gauge").containsEntry("antrieb_nodes_live", "gauge")
                .containsEntry("antrieb_tool_failures_total", "counter");
        assertThat(m.value("antrieb_clusters_live", Map.of()) - before.value("antrieb_clusters_live", Map.of())).isEqualTo(1);
        assertThat(m.value("antrieb_nodes_live", Map.of()) - before.value("antrieb_nodes_live", Map.of())).isEqualTo(2);
        assertThat(m.value("antrieb_provision_seconds_count", Map.of("outcome", "ok"))
                - before.value("antrieb_provision_seconds_count", Map.of("outcome", "ok"))).isEqualTo(1);
        for (String outcome : List.of("ok", "nonzero", "unreachable")) {
            assertThat(m.value("antrieb_exec_seconds_count", Map.of("outcome", outcome))
                    - before.value("antrieb_exec_seconds_count", Map.of("outcome", outcome))).as(outcome).isEqualTo(1);
        }
        assertThat(m.value("antrieb_exec_seconds_bucket", Map.of("outcome", "ok", "le", "+Inf"))).isGreaterThanOrEqualTo(1);
        assertThat(m.value("antrieb_tool_failures_total", Map.of("tool", "exec", "cause", "unknown_session"))).isGreaterThanOrEqualTo(1);
        assertThat(m.value("antrieb_tool_calls_total", Map.of("tool", "exec"))).isGreaterThanOrEqualTo(4);
        // Series a dashboard reads exist before their first event.
        assertThat(before.names()).contains("antrieb_validation_runs_total", "antrieb_validation_iterations_count",
                "antrieb_provision_seconds_bucket", "antrieb_exec_seconds_bucket");

        ok(call(client, "delete", Map.of("type", "cluster", "name", id)));
        assertThat(PrometheusText.scrape(metrics, key).value("antrieb_clusters_live", Map.of()))
                .isEqualTo(before.value("antrieb_clusters_live", Map.of()));
    }

    @Test
    void metricsNeedAKeyAndFollowTheOriginAndHostRules() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder get = HttpRequest.newBuilder(metrics).GET();
        assertThat(http.send(get.copy().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(get.copy().header("Authorization", "Bearer ant_wrong").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(http.send(get.copy().header("Authorization", "Bearer " + key).header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(http.send(get.copy().header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyQueryOfTheGrafanaDashboardNamesAnExportedSeries() throws Exception {
        Path json = ItSupport.repoRoot().resolve("docs/grafana/antrieb.json");
        Map<String, Object> dashboard = Json.readMap(Files.readString(json));
        assertThat(dashboard).containsKeys("title", "uid", "panels", "schemaVersion");
        Set<String> exported = PrometheusText.scrape(metrics, key).names();
        Set<String> queried = new TreeSet<>();
        Pattern metric = Pattern.compile("\\bantrieb_[a-z_]+\\b");
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
            assertThat(targets).as("targets of panel %s", panel.get("title")).isNotEmpty();
            for (Map<String, Object> t : targets) {
                String expr = (String) t.get("expr");
                Matcher m = metric.matcher(expr);
                boolean any = false;
                while (m.find()) {
                    queried.add(m.group());
                    any = true;
                }
                assertThat(any).as("panel %s queries an antrieb_ series: %s", panel.get("title"), expr).isTrue();
            }
        }
        assertThat(exported).containsAll(queried);
        assertThat(queried).contains("antrieb_provision_seconds_bucket", "antrieb_exec_seconds_bucket", "antrieb_clusters_live",
                "antrieb_nodes_live", "antrieb_tool_failures_total", "antrieb_validation_runs_total", "antrieb_validation_iterations_bucket");
    }
}
