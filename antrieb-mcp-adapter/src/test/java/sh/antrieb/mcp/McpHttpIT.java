package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpHttpProtocolTest.assertClusterExpired;
import static sh.antrieb.mcp.McpHttpProtocolTest.ids;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.Antrieb;

/**
 * The HTTP server on real VMs, with the SDK's own client: provision, exec, search, delete, the error cases,
 * two accounts, the per-account limit, TTL expiry, and the README's curl walk-through. VMs are 1 vCPU /
 * 768 MiB and shared across the ordered methods; at most two run at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpHttpIT {
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);
    @TempDir
    static Path state;
    static Antrieb antrieb;
    static AntriebMcpServer server;
    static URI url;
    static String aliceKey;
    static String bobKey;
    static McpSyncClient alice;
    static McpSyncClient bob;
    static String aliceCluster;
    static String bobCluster;

    @BeforeAll
    static void start() {
        antrieb = ItSupport.antrieb().catalogDir(state.resolve("catalog")).build();
        server = AntriebMcpServer.builder(antrieb).stateDir(state).build();
        aliceKey = server.keys().create("alice", null, null).key();
        // bob: one cluster at a time and a short TTL, to see both limits on real VMs.
        bobKey = server.keys().create("bob", null, new AccountLimits(1, 4, Duration.ofSeconds(150))).key();
        url = server.startHttp("127.0.0.1", 0);
        alice = McpTestClients.http(url, aliceKey, CALL_TIMEOUT);
        bob = McpTestClients.http(url, bobKey, CALL_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        ItSupport.closeAll(alice, bob, server, antrieb);
    }

    @Test
    @Order(1)
    void toolsAreListedWithSchemas() {
        List<McpSchema.Tool> tools = alice.listTools().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("provision", "exec", "save", "search", "delete", "validate", "fault");
        assertThat(tools).allSatisfy(t -> assertThat(t.inputSchema()).containsKey("properties"));
        assertThat(tools.get(0).description()).contains("[debian12");
    }

    @Test
    @Order(2)
    void withoutAValidKey401AndFromAForeignOrigin403() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
        HttpRequest.Builder base = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(init))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        assertThat(http.send(base.copy().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(base.copy().header("Authorization", "Bearer ant_wrong").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
        assertThat(http.send(base.copy().header("Authorization", "Bearer " + aliceKey).header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        assertThat(http.send(base.copy().header("Authorization", "Bearer " + aliceKey).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void theMalformedRequestBatteryGetsClearErrorsOnTheRealServerAndNothingIsMade() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Path> before = McpHttpMalformedTest.tree(state.resolve("catalog"));
        List<MalformedRequests.Case> cases = new java.util.ArrayList<>(MalformedRequests.envelopes());
        cases.addAll(MalformedRequests.toolArguments(server.tools()));
        for (MalformedRequests.Case c : cases) {
            MalformedRequests.assertClearError(c, MalformedRequests.send(http, url, aliceKey, c));
        }
        assertThat(McpHttpMalformedTest.tree(state.resolve("catalog"))).isEqualTo(before);
        assertThat(antrieb.clusters()).isEmpty();
        // The next test provisions a real cluster through the same server: it still serves.
    }

    @Test
    @Order(3)
    void provisionARealOneNodeClusterAndExecOnIt() throws Exception {
        Map<String, Object> p = ok(call(alice, "provision", Map.of("cluster", List.of("debian12"))));
        aliceCluster = (String) p.get("session_id");
        assertThat(p).containsEntry("status", "cluster_ready").containsEntry("nodes", List.of("node1"))
                .containsEntry("node_images", List.of(Map.of("node", "node1", "ani", "antrieb:debian12:v1")))
                .containsEntry("ttl_seconds", 600).containsEntry("warnings", List.of());
        assertThat(Instant.parse((String) p.get("expires_at"))).isAfter(Instant.now().plusSeconds(400));
        assertThat(((Number) p.get("provision_time_ms")).longValue()).isPositive();

        Map<String, Object> e = ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1",
                "command", "hostname\necho \"$NODE_NAME $NODE_INDEX\"\nid -u\necho oops >&2\nexit 3")));
        assertThat(e).containsEntry("node", "node1").containsEntry("exit_code", 3).containsEntry("stdout", "node1\nnode1 1\n0\n")
                .containsEntry("stderr", "oops\n");

        Map<String, Object> secret = ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1",
                "command", "[ \"${#API_TOKEN}\" -eq 12 ] && [ \"$(printf %s \"$API_TOKEN\" | md5sum | cut -c1-8)\" = " + md5Prefix("s3cr3t value") + " ] && echo token-ok", "secret_env", Map.of("API_TOKEN", "s3cr3t value"))));
        assertThat(secret).containsEntry("exit_code", 0).containsEntry("stdout", "token-ok\n");
        // 80 KB scripts in, 100 KB output out, unmodified.
        String big = "x=0\n" + "x=$((x+1)) # padding padding padding padding padding padding padding\n".repeat(1200) + "echo $x\n"
                + "head -c 100000 /dev/zero | tr '\\0' a\n";
        assertThat(big.length()).isGreaterThan(80_000);
        Map<String, Object> huge = ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1", "command", big)));
        assertThat(huge).containsEntry("exit_code", 0).containsEntry("stdout", "1200\n" + "a".repeat(100_000));

        String log = Files.readString(server.commandLog().file("alice"));
        assertThat(log).contains("\"node\":\"node1\"").contains("API_TOKEN").doesNotContain("s3cr3t value");
    }

    private static String md5Prefix(String s) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d).substring(0, 8);
    }

    @Test
    @Order(4)
    void metricsShowTheRealProvisionAndExecsAndNoSecret() throws Exception {
        PrometheusText m = PrometheusText.scrape(url.resolve("/metrics"), aliceKey);
        assertThat(m.text).doesNotContain("s3cr3t value").doesNotContain("API_TOKEN").doesNotContain(aliceKey);
        assertThat(m.value("antrieb_provision_seconds_count", Map.of("outcome", "ok"))).isEqualTo(1);
        assertThat(m.value("antrieb_provision_seconds_sum", Map.of("outcome", "ok"))).isPositive();
        // hostname ... exit 3, the secret one, the 80 KB script
        assertThat(m.value("antrieb_exec_seconds_count", Map.of())).isEqualTo(3);
        assertThat(m.value("antrieb_exec_seconds_count", Map.of("outcome", "nonzero"))).isEqualTo(1);
        assertThat(m.value("antrieb_exec_seconds_bucket", Map.of("outcome", "ok", "le", "+Inf"))).isEqualTo(2);
        assertThat(m.value("antrieb_clusters_live", Map.of())).isEqualTo(1);
        assertThat(m.value("antrieb_nodes_live", Map.of())).isEqualTo(1);
        assertThat(m.names()).contains("antrieb_tool_failures_total", "antrieb_validation_runs_total");
        assertThat(m.value("antrieb_tool_failures_total", Map.of())).as("the malformed battery's tool-argument cases").isPositive();
    }

    @Test
    @Order(4)
    void searchListsTheAccountsClusters() {
        assertThat(ids(ok(call(alice, "search", Map.of("type", "cluster"))))).containsExactly(aliceCluster);
        assertThat(ids(ok(call(bob, "search", Map.of("type", "cluster"))))).isEmpty();
    }

    @Test
    @Order(5)
    void aNodeFrozenThroughTheFaultToolAnswersExecWithMinusOneUntilHealed() {
        // After the metrics test: these execs are not among the ones it counts.
        Map<String, Object> frozen = ok(call(alice, "fault", Map.of("session_id", aliceCluster, "action", "freeze", "nodes", List.of("node1"))));
        assertThat(frozen).containsEntry("active", List.of(Map.of("kind", "freeze", "nodes", List.of("node1"), "description", "freeze node1")));
        Map<String, Object> onFrozen = ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1", "command", "hostname")));
        assertThat(onFrozen).containsEntry("exit_code", -1);
        assertThat((String) onFrozen.get("stderr")).contains("node1 is frozen");
        assertThat(ok(call(alice, "fault", Map.of("session_id", aliceCluster, "action", "heal")))).containsEntry("active", List.of());
        assertThat(ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1", "command", "hostname"))))
                .containsEntry("exit_code", 0).containsEntry("stdout", "node1\n");
    }

    @Test
    @Order(5)
    void errorCasesAreResultsTheModelCanActOn() {
        assertThat(error(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node2", "command", "true"))))
                .containsEntry("error", "unknown_node");
        assertThat(error(call(alice, "exec", Map.of("session_id", "nosuchid", "node", "node1", "command", "true"))))
                .containsEntry("error", "unknown_session");
        assertThat(error(call(alice, "provision", Map.of("cluster", List.of("ubuntu24.04")))))
                .containsEntry("error", "unknown_image").extracting("available_images", InstanceOfAssertFactories.LIST).contains("debian12", "ansible-controller");
        assertThat(error(call(alice, "provision", Map.of("cluster", List.of("debian12 x5"))))).containsEntry("error", "limit_exceeded");
        assertThat(error(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1")))).containsEntry("error", "invalid_arguments");
    }

    @Test
    @Order(6)
    void accountsAreIsolatedAndTheThirdConcurrentClusterIsRefused() {
        // Two boots at once: alice's second cluster and bob's only one.
        CompletableFuture<McpSchema.CallToolResult> second = CompletableFuture.supplyAsync(
                () -> call(alice, "provision", Map.of("cluster", List.of("debian12"))));
        Map<String, Object> b = ok(call(bob, "provision", Map.of("cluster", List.of("debian12"))));
        bobCluster = (String) b.get("session_id");
        String aliceSecond = (String) ok(second.join()).get("session_id");
        try {
            assertThat(b).containsEntry("ttl_seconds", 150);
            assertThat(error(call(alice, "provision", Map.of("cluster", List.of("debian12")))))
                    .containsEntry("error", "limit_exceeded").extracting("message").asString().contains("limit of 2");
            assertThat(error(call(bob, "provision", Map.of("cluster", List.of("debian12")))))
                    .containsEntry("error", "limit_exceeded").extracting("message").asString().contains("limit of 1");
            assertThat(error(call(alice, "exec", Map.of("session_id", bobCluster, "node", "node1", "command", "hostname"))))
                    .containsEntry("error", "unknown_session");
            assertClusterExpired(() -> call(alice, "delete", Map.of("type", "cluster", "name", bobCluster)), bobCluster);
            assertThat(ok(call(bob, "exec", Map.of("session_id", bobCluster, "node", "node1", "command", "hostname"))))
                    .containsEntry("exit_code", 0).containsEntry("stdout", "node1\n");
            assertThat(error(call(bob, "exec", Map.of("session_id", aliceCluster, "node", "node1", "command", "hostname"))))
                    .containsEntry("error", "unknown_session");
        } finally {
            ok(call(alice, "delete", Map.of("type", "cluster", "name", aliceSecond)));
        }
    }

    @Test
    @Order(7)
    void aClusterPastItsTtlIsClusterExpired() throws Exception {
        Map<String, Object> c = ok(call(bob, "search", Map.of("type", "cluster", "fq_name", bobCluster)));
        @SuppressWarnings("unchecked")
        Instant expires = Instant.parse((String) ((Map<String, Object>) c.get("cluster")).get("expires_at"));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis()) + 3000);
        assertClusterExpired(() -> call(bob, "exec", Map.of("session_id", bobCluster, "node", "node1", "command", "true")), bobCluster);
        assertClusterExpired(() -> call(bob, "delete", Map.of("type", "cluster", "name", bobCluster)), bobCluster);
        assertThat(ids(ok(call(bob, "search", Map.of("type", "cluster"))))).isEmpty();
    }

    @Test
    @Order(8)
    void whileANodeRebootsExecIsANormalResultWithExitCodeMinusOne() throws Exception {
        Map<String, Object> before = ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1",
                "command", "cat /proc/sys/kernel/random/boot_id")));
        ok(call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1",
                "command", "nohup setsid sh -c 'sleep 2; sync; echo b > /proc/sysrq-trigger' >/dev/null 2>&1 &")));
        boolean sawUnreachable = false;
        Map<String, Object> after = null;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        while (Instant.now().isBefore(deadline)) {
            McpSchema.CallToolResult r = call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1",
                    "command", "cat /proc/sys/kernel/random/boot_id"));
            Map<String, Object> body = ok(r);
            if (((Number) body.get("exit_code")).intValue() == -1) {
                sawUnreachable = true;
                assertThat((String) body.get("stderr")).contains("node1");
            } else if (sawUnreachable && !body.get("stdout").equals(before.get("stdout"))) {
                after = body;
                break;
            }
            Thread.sleep(1000);
        }
        assertThat(sawUnreachable).as("exec during the reboot gave exit_code -1").isTrue();
        assertThat(after).as("node1 came back with a new boot id and the same name").isNotNull();
    }

    @Test
    @Order(9)
    void deleteDestroysTheClusterAndIsIdempotentAsClusterExpired() {
        assertThat(ok(call(alice, "delete", Map.of("type", "cluster", "name", aliceCluster)))).containsEntry("deleted", true);
        assertClusterExpired(() -> call(alice, "exec", Map.of("session_id", aliceCluster, "node", "node1", "command", "true")), aliceCluster);
        assertClusterExpired(() -> call(alice, "delete", Map.of("type", "cluster", "name", aliceCluster)), aliceCluster);
        assertThat(antrieb.clusters()).isEmpty();
    }

    @Test
    @Order(10)
    void theReadmeCurlWalkthroughRunsAsWritten() throws Exception {
        String key = server.keys().create("curl", null, null).key();
        CurlWalkthrough.Run run = CurlWalkthrough.run(url, key, Duration.ofMinutes(10));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"status\":\"cluster_ready\"").contains("\"exit_code\":0")
                .contains("node1\\n12.").contains("\"deleted\":true");
        assertThat(antrieb.clusters()).isEmpty();
    }
}
