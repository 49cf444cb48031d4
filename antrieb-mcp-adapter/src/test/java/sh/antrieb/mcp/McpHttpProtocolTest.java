package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.Json;

/**
 * The whole MCP layer over streamable HTTP with the SDK's own client and with raw HTTP as existing
 * clients speak it, on clusters that are objects (no VMs): results, errors, accounts, compatibility.
 */
class McpHttpProtocolTest {
    @TempDir
    static Path state;
    static FakeClusters clusters;
    static AntriebMcpServer server;
    static URI url;
    static String alice;
    static String bob;
    static String carol;
    static String shortLived;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        clusters = new FakeClusters();
        server = AntriebMcpServer.builder(clusters).stateDir(state).build();
        alice = server.keys().create("alice", null, null).key();
        bob = server.keys().create("bob", null, null).key();
        carol = server.keys().create("carol", null, AccountLimits.DEFAULTS.withMaxConcurrentClusters(1)).key();
        shortLived = server.keys().create("brief", null, AccountLimits.DEFAULTS.withTtl(Duration.ofSeconds(2))).key();
        url = server.startHttp("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static McpSyncClient client(String key) {
        return McpTestClients.http(url, key, Duration.ofSeconds(30));
    }

    static String provision(McpSyncClient c) {
        return (String) ok(call(c, "provision", Map.of("cluster", List.of("debian12")))).get("session_id");
    }

    @Test
    void initializeListsTheSevenToolsWithSchemas() {
        try (McpSyncClient c = client(alice)) {
            assertThat(c.getServerInfo().name()).isEqualTo("antrieb");
            assertThat(c.getServerInstructions()).contains("antrieb/primer");
            List<McpSchema.Tool> tools = c.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactly("provision", "exec", "save", "search", "delete", "validate", "fault");
            for (McpSchema.Tool t : tools) {
                assertThat(t.inputSchema()).as(t.name()).containsKey("properties");
                assertThat(t.outputSchema()).as(t.name()).isNotNull();
                assertThat(t.description()).as(t.name()).isNotBlank();
            }
        }
    }

    @Test
    void provisionExecSearchDeleteThenTheClusterIsExpired() {
        try (McpSyncClient c = client(alice)) {
            Map<String, Object> p = ok(call(c, "provision", Map.of("cluster", List.of("debian12", Map.of("image", "debian12", "count", 1)))));
            String id = (String) p.get("session_id");
            assertThat(p).containsEntry("status", "cluster_ready").containsEntry("nodes", List.of("node1", "node2"))
                    .containsEntry("ttl_seconds", 600).containsEntry("warnings", List.of())
                    .containsEntry("node_images", List.of(Map.of("node", "node1", "ani", "antrieb:debian12:v1"),
                            Map.of("node", "node2", "ani", "antrieb:debian12:v1")));
            assertThat(p.get("provision_time_ms")).isEqualTo(42);
            assertThat(clusters.namespaces).containsEntry(id, "alice"); // provisioned on behalf of the key's account
            assertThat(Instant.parse((String) p.get("expires_at"))).isAfter(Instant.now().plusSeconds(590));
            assertThat((String) p.get("message")).contains(id).contains("node1 (debian12, 10.99.0.10)");

            Map<String, Object> e = ok(call(c, "exec", Map.of("session_id", id, "node", "node2", "command", "hostname")));
            assertThat(e).containsEntry("node", "node2").containsEntry("exit_code", 0).containsEntry("stdout", "ran on node2: hostname\n")
                    .containsEntry("stderr", "");
            assertThat(ok(call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "false")))).containsEntry("exit_code", 1);

            Map<String, Object> s = ok(call(c, "search", Map.of("type", "cluster")));
            assertThat(ids(s)).contains(id);
            Map<String, Object> one = ok(call(c, "search", Map.of("type", "cluster", "fq_name", id)));
            assertThat(one).extracting("cluster").extracting("session_id").isEqualTo(id);

            assertThat(ok(call(c, "delete", Map.of("type", "cluster", "name", id))))
                    .containsEntry("deleted", true).containsEntry("type", "cluster").containsEntry("name", id);
            assertThat(clusters.made.get(id).isOpen()).isFalse();
            assertThat(ids(ok(call(c, "search", Map.of("type", "cluster"))))).doesNotContain(id);

            assertClusterExpired(() -> call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "true")), id);
            assertClusterExpired(() -> call(c, "delete", Map.of("type", "cluster", "name", id)), id);
            assertClusterExpired(() -> call(c, "delete", Map.of("name", id)), id);
        }
    }

    @Test
    void aClusterPastItsTtlIsClusterExpired() throws Exception {
        try (McpSyncClient c = client(shortLived)) {
            Map<String, Object> p = ok(call(c, "provision", Map.of("cluster", List.of("debian12"))));
            assertThat(p).containsEntry("ttl_seconds", 2);
            String id = (String) p.get("session_id");
            Thread.sleep(2500);
            assertClusterExpired(() -> call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "true")), id);
            assertClusterExpired(() -> call(c, "delete", Map.of("type", "cluster", "name", id)), id);
        }
    }

    @Test
    void clustersBelongToTheKeyNotToTheMcpSession() {
        try (McpSyncClient one = client(alice); McpSyncClient two = client(alice)) {
            String id = provision(one);
            assertThat(ok(call(two, "exec", Map.of("session_id", id, "node", "node1", "command", "echo shared")))).containsEntry("exit_code", 0);
            assertThat(ids(ok(call(two, "search", Map.of("type", "cluster"))))).contains(id);
            ok(call(two, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void anotherAccountCannotSeeUseOrDeleteACluster() {
        try (McpSyncClient a = client(alice); McpSyncClient b = client(bob)) {
            String id = provision(a);
            Map<String, Object> err = error(call(b, "exec", Map.of("session_id", id, "node", "node1", "command", "id")));
            assertThat(err).containsEntry("error", "unknown_session");
            assertThat(ids(ok(call(b, "search", Map.of("type", "cluster"))))).doesNotContain(id);
            assertThat(error(call(b, "search", Map.of("type", "cluster", "fq_name", id)))).containsEntry("error", "unknown_session");
            assertThatThrownBy(() -> call(b, "delete", Map.of("type", "cluster", "name", id))).isInstanceOf(McpError.class);
            assertThat(clusters.made.get(id).isOpen()).isTrue();
            assertThat(ok(call(a, "exec", Map.of("session_id", id, "node", "node1", "command", "id")))).containsEntry("exit_code", 0);
            ok(call(a, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void errorsAreJsonObjectsTheModelCanActOn() {
        try (McpSyncClient c = client(alice)) {
            String id = provision(c);
            assertThat(error(call(c, "exec", Map.of("session_id", id, "node", "node7", "command", "true"))))
                    .containsEntry("error", "unknown_node").extracting("message").asString().contains("node7").contains("[node1]");
            assertThat(error(call(c, "exec", Map.of("session_id", "nosuchid", "node", "node1", "command", "true"))))
                    .containsEntry("error", "unknown_session").extracting("message").asString().contains(id);
            assertThat(error(call(c, "exec", Map.of("session_id", id, "node", "node1"))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString().contains("command");
            assertThat(error(call(c, "provision", Map.of("cluster", "debian12")))).containsEntry("error", "invalid_arguments");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("ubuntu24.04")))))
                    .containsEntry("error", "unknown_image").containsEntry("available_images", List.of("debian12"))
                    .extracting("message").asString().contains("ubuntu24.04").contains("debian12");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of(Map.of("name", "lan"))))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString().contains("node1").contains("nics");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12 x5")))))
                    .containsEntry("error", "limit_exceeded").extracting("message").asString().contains("at most 4");
            assertThat(error(call(c, "save", Map.of("type", "runbook", "name", "my-runbook", "body", "# x"))))
                    .containsEntry("error", "not_available");
            assertThat(error(call(c, "delete", Map.of("type", "runbook", "name", "antrieb/primer")))).containsEntry("error", "read_only");
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void faultActionsReachTheClusterAndEveryResultListsWhatIsInForce() {
        try (McpSyncClient c = client(alice)) {
            String id = (String) ok(call(c, "provision", Map.of("cluster", List.of("debian12 x3")))).get("session_id");
            Map<String, Object> p = ok(call(c, "fault", Map.of("session_id", id, "action", "partition", "nodes", List.of("node1", "node2"))));
            assertThat(p).containsEntry("session_id", id).containsEntry("action", "partition");
            assertThat((List<Map<String, Object>>) p.get("active")).containsExactly(
                    Map.of("kind", "partition", "nodes", List.of("node1", "node2"), "description", "partition node1 <-> node2"));
            assertThat((String) p.get("message")).isEqualTo("Partitioned node1 from node2. In force: partition node1 <-> node2.");
            Map<String, Object> l = ok(call(c, "fault", Map.of("session_id", id, "action", "link", "nodes", List.of("node3"),
                    "latency_ms", 200, "jitter_ms", 50, "loss", 0.05)));
            assertThat((String) l.get("message")).startsWith("Link into node3: latency 200 ms, jitter 50 ms, loss 5%.");
            ok(call(c, "fault", Map.of("session_id", id, "action", "power_off", "nodes", List.of("node2"))));
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "freeze", "nodes", List.of("node2")))))
                    .containsEntry("error", "invalid_state").extractingByKey("message").asString().contains("powerOn(\"node2\") first");
            Map<String, Object> listed = ok(call(c, "fault", Map.of("session_id", id, "action", "list")));
            assertThat((List<Map<String, Object>>) listed.get("active")).extracting(m -> m.get("kind"))
                    .containsExactly("partition", "link", "power_off");
            assertThat((List<?>) ok(call(c, "fault", Map.of("session_id", id, "action", "heal"))).get("active")).isEmpty();

            // Bad arguments: named, nothing done.
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "partition", "nodes", List.of("node1")))))
                    .containsEntry("error", "invalid_arguments").extractingByKey("message").asString().contains("two nodes");
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "link", "nodes", List.of("node1")))))
                    .extractingByKey("message").asString().contains("latency_ms, loss or both");
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "link", "nodes", List.of("node1"),
                    "latency_ms", 10, "jitter_ms", 20)))).containsEntry("error", "invalid_arguments")
                    .extractingByKey("message").asString().contains("0 to the latency (10 ms)");
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "heal", "nodes", List.of("node1")))))
                    .extractingByKey("message").asString().contains("takes no nodes");
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "isolate", "nodes", List.of("node9")))))
                    .containsEntry("error", "unknown_node");
            assertThat(error(call(c, "fault", Map.of("session_id", id, "action", "explode")))).containsEntry("error", "invalid_arguments");
            assertThat(clusters.made.get(id).faults().active()).isEmpty();
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
            assertThatThrownBy(() -> call(c, "fault", Map.of("session_id", id, "action", "list")))
                    .isInstanceOf(McpError.class).hasMessageContaining("cluster_expired");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void declaredNetworksAndNicsBecomeTheClusterSpecWithWarnings() {
        try (McpSyncClient c = client(alice)) {
            Map<String, Object> p = ok(call(c, "provision", Map.of("cluster", List.of("debian12 x2"),
                    "networks", List.of(Map.of("name", "wan"), Map.of("name", "lan", "cidr", "10.10.7.0/24", "egress", false, "dhcp", false)),
                    "nics", Map.of("node1", List.of(Map.of("net", "wan"), Map.of("net", "lan")), "node2", List.of(Map.of("net", "lan"))))));
            String id = (String) p.get("session_id");
            sh.antrieb.ClusterSpec spec = clusters.made.get(id).spec();
            assertThat(spec.networks()).containsExactly(sh.antrieb.NetworkSpec.named("wan"),
                    sh.antrieb.NetworkSpec.named("lan").cidr("10.10.7.0/24").egress(false).dhcp(false));
            assertThat(spec.nics()).containsOnly(Map.entry("node1", List.of("wan", "lan")), Map.entry("node2", List.of("lan")));
            assertThat(p).containsEntry("node_addresses", Map.of("node1", Map.of("wan", "10.99.1.10"), "node2", Map.of()));
            assertThat((String) p.get("message")).contains("node1 (debian12; eth0 wan 10.99.1.10, eth1 lan no platform address)")
                    .contains("node2 (debian12; eth0 lan no platform address)");
            assertThat((List<String>) p.get("warnings")).hasSize(3).anySatisfy(w -> assertThat(w)
                    .contains("'lan' (10.10.7.0/24) has dhcp:false").contains("node1 eth1, node2 eth0"))
                    .anySatisfy(w -> assertThat(w).contains("'lan' (10.10.7.0/24) has egress:false"))
                    .anySatisfy(w -> assertThat(w).startsWith("node2 has no platform-assigned address"));
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void badTopologiesAndForeignNamesAreErrorsThatCreateNothing() {
        try (McpSyncClient c = client(bob)) {
            int before = clusters.made.size();
            List<Map<String, Object>> wanLan = List.of(Map.of("name", "wan"), Map.of("name", "lan", "egress", false));
            Map<String, Object> node1Both = Map.of("node1", List.of(Map.of("net", "wan"), Map.of("net", "lan")));
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12 x2"), "networks", wanLan, "nics", node1Both))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString()
                    .contains("node2 has none").contains("\"node2\": [{\"net\": \"wan\"}]");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"), "networks", wanLan,
                    "nics", Map.of("node1", List.of(Map.of("net", "dmz"))))))).containsEntry("error", "invalid_arguments")
                    .extracting("message").asString().contains("unknown network 'dmz'");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"), "nics", node1Both))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString().contains("no networks declared");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"),
                    "networks", List.of(Map.of("name", "lan"), Map.of("name", "lan")), "nics", Map.of("node1", List.of(Map.of("net", "lan")))))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString().contains("declared twice");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"),
                    "networks", List.of(Map.of("name", "lan", "cidr", "10.10.7.5/24")), "nics", Map.of("node1", List.of(Map.of("net", "lan")))))))
                    .containsEntry("error", "invalid_arguments").extracting("message").asString().contains("cidr");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of("@alice/lan"),
                    "nics", Map.of("node1", List.of(Map.of("net", "lan")))))))
                    .containsEntry("error", "forbidden_namespace").extracting("message").asString()
                    .contains("@alice/lan").contains("namespace alice").contains("@bob/");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of("@bob/lan"),
                    "nics", Map.of("node1", List.of(Map.of("net", "lan")))))))
                    .containsEntry("error", "not_found").extracting("message").asString().contains("save it first");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("alice/my-image")))))
                    .containsEntry("error", "forbidden_namespace").extracting("message").asString().contains("namespace alice");
            assertThat(clusters.made).hasSize(before);
            // The server keeps serving.
            ok(call(c, "delete", Map.of("type", "cluster", "name", provision(c))));
        }
    }

    @Test
    void anUnreachableNodeIsANormalResultWithExitCodeMinusOne() {
        try (McpSyncClient c = client(alice)) {
            String id = provision(c);
            McpSchema.CallToolResult r = call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "unreachable"));
            assertThat(ok(r)).containsEntry("exit_code", -1).extracting("stderr").asString().contains("not reachable");
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void overTheAccountLimitProvisionIsRefusedUntilAClusterIsDeleted() {
        try (McpSyncClient c = client(carol)) {
            String first = provision(c);
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12")))))
                    .containsEntry("error", "limit_exceeded").extracting("message").asString().contains("limit of 1").contains(first);
            ok(call(c, "delete", Map.of("type", "cluster", "name", first)));
            ok(call(c, "delete", Map.of("type", "cluster", "name", provision(c))));
        }
    }

    @Test
    void secretEnvReachesTheCommandButNeverTheLogOrTheResult() throws Exception {
        try (McpSyncClient c = client(bob)) {
            String id = provision(c);
            Map<String, Object> r = ok(call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "deploy --token-from-env",
                    "secret_env", Map.of("API_TOKEN", "s3cr3t-value"))));
            assertThat(Json.write(r)).doesNotContain("s3cr3t-value");
            assertThat(clusters.made.get(id).lastSecretEnv).containsEntry("API_TOKEN", "s3cr3t-value");
            List<Map<String, Object>> log = server.commandLog().read("bob", 10);
            assertThat(log).last().satisfies(line -> {
                assertThat(line).containsEntry("session_id", id).containsEntry("node", "node1").containsEntry("command", "deploy --token-from-env")
                        .containsEntry("exit_code", 0).containsEntry("secret_env_names", List.of("API_TOKEN")).containsKeys("time", "duration_ms");
            });
            assertThat(java.nio.file.Files.readString(server.commandLog().file("bob"))).doesNotContain("s3cr3t-value");
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void anAliasedImageIsReportedNeverSilent() {
        try (McpSyncClient c = client(bob)) {
            Map<String, Object> r = ok(call(c, "provision", Map.of("cluster", List.of("debian12", "ubuntu22.04"))));
            assertThat(r).extracting("node_images").asList().containsExactly(
                    Map.of("node", "node1", "ani", "antrieb:debian12:v1"),
                    Map.of("node", "node2", "ani", "antrieb:debian12:v1", "requested_image", "ubuntu22.04", "aliased", true));
            assertThat(r).extracting("warnings").asList().singleElement().asString()
                    .contains("node2 asked for image 'ubuntu22.04'").contains("runs 'debian12' instead");
            ok(call(c, "delete", Map.of("type", "cluster", "name", r.get("session_id"))));
        }
    }

    @Test
    void builtInRunbooksAndImagesAreSearchable() {
        try (McpSyncClient c = client(alice)) {
            for (String asked : List.of("antrieb/primer", "@antrieb/primer", "antrieb/networking-primer")) {
                Map<String, Object> r = ok(call(c, "search", Map.of("type", "runbook", "fq_name", asked)));
                assertThat(r).extracting("runbook").extracting("fq_name").isEqualTo(asked);
                assertThat(r).extracting("runbook").extracting("body").asString().startsWith("# ").hasSizeGreaterThan(500);
            }
            Map<String, Object> all = ok(call(c, "search", Map.of("type", "runbook")));
            assertThat(fqNames(all, "runbooks")).contains("antrieb/primer", "antrieb/networking-primer");
            assertThat(fqNames(ok(call(c, "search", Map.of("type", "runbook", "keywords", "nginx balancer"))), "runbooks"))
                    .containsExactly("antrieb/nginx-load-balancer");
            Map<String, Object> images = ok(call(c, "search", Map.of()));
            assertThat(images).extracting("images").asList().singleElement()
                    .satisfies(i -> assertThat(Json.write(i)).contains("\"ani\":\"antrieb:debian12:v1\"").contains("\"fq_name\":\"antrieb/debian12\"")
                            .contains("\"image_interface\":{\"version\":1,\"scope\":\"exact-ani\",\"ani\":\"antrieb:debian12:v1\","
                                    + "\"provenance\":\"managed\",\"namespace\":\"antrieb\"}"));
            assertThat(error(call(c, "search", Map.of("type", "runbook", "fq_name", "antrieb/nope"))))
                    .containsEntry("error", "not_found").extracting("message").asString().contains("antrieb/primer");
            assertThat(ok(call(c, "search", Map.of("type", "network")))).containsEntry("count", 0);
        }
    }

    // ---- raw HTTP, as existing clients and curl speak it --------------------------------------------

    private static HttpResponse<String> post(String key, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + key);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
            + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    private static String toolCall(int id, String tool, Map<String, Object> args) {
        return Json.write(Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call", "params", Map.of("name", tool, "arguments", args)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(r.body().strip()).doesNotContain("\n");
        Map<String, Object> rpc = Json.readMap(r.body());
        Map<String, Object> result = (Map<String, Object>) rpc.get("result");
        List<Map<String, Object>> content = (List<Map<String, Object>>) result.get("content");
        assertThat(Json.readMap((String) content.get(0).get("text"))).isEqualTo(result.get("structuredContent"));
        return (Map<String, Object>) result.get("structuredContent");
    }

    @Test
    void initializeMayBeRepeatedAndToolsCallNeedsNoInitializedNorToolsList() throws Exception {
        HttpResponse<String> first = post(alice, INIT, "Content-Type", "application/json", "Accept", "application/json, text/event-stream");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(Json.readMap(first.body())).extracting("result").extracting("serverInfo").extracting("name").isEqualTo("antrieb");
        assertThat(post(alice, INIT).statusCode()).isEqualTo(200);
        // No Accept, no Content-Type, a session id this server never issued: still served.
        Map<String, Object> p = structured(post(alice, toolCall(2, "provision", Map.of("cluster", List.of("debian12"))),
                "Mcp-Session-Id", "made-up-session"));
        String id = (String) p.get("session_id");
        assertThat(structured(post(alice, toolCall(3, "exec", Map.of("session_id", id, "node", "node1", "command", "uptime")))))
                .containsEntry("exit_code", 0);
        assertThat(structured(post(alice, toolCall(4, "delete", Map.of("type", "cluster", "name", id))))).containsEntry("deleted", true);
        HttpResponse<String> again = post(alice, toolCall(5, "delete", Map.of("type", "cluster", "name", id)));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.readMap(again.body())).extracting("error").extracting("message").asString().startsWith("cluster_expired");
    }

    @Test
    void badInputIsAnsweredAndTheServerStaysUp() throws Exception {
        assertThat(post(alice, "this is not json").statusCode()).isEqualTo(400);
        assertThat(post(alice, "[" + INIT + "," + INIT + "]").statusCode()).isEqualTo(400);
        assertThat(post(alice, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"nope\"}}").body())
                .contains("\"error\"");
        assertThat(post(alice, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"no/such/method\"}").body()).contains("-32601");
        Map<String, Object> err = structured(post(alice, toolCall(10, "exec", Map.of("session_id", 12, "node", List.of(), "command", true))));
        assertThat(err).containsEntry("error", "invalid_arguments");
        assertThat(post(alice, INIT).statusCode()).isEqualTo(200);
    }

    @Test
    void concurrentCallsOnOneClusterRunInParallel() throws Exception {
        try (McpSyncClient c = client(alice)) {
            String id = provision(c);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                long t0 = System.nanoTime();
                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    int n = i;
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return post(alice, toolCall(100 + n, "exec", Map.of("session_id", id, "node", "node1", "command", "sleep 1")));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, pool));
                }
                for (CompletableFuture<HttpResponse<String>> f : calls) {
                    assertThat(structured(f.get())).containsEntry("exit_code", 0);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
            } finally {
                pool.shutdownNow();
            }
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
        }
    }

    @Test
    void theReadmeCurlWalkthroughRunsAsWritten() throws Exception {
        CurlWalkthrough.Run run = CurlWalkthrough.run(url, alice, Duration.ofSeconds(60));
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("\"status\":\"cluster_ready\"").contains("ran on node1: hostname && cat /etc/debian_version")
                .contains("\"exit_code\":0").contains("\"deleted\":true");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    static void assertClusterExpired(Runnable call, String id) {
        assertThatThrownBy(call::run).isInstanceOf(McpError.class)
                .satisfies(e -> assertThat(((McpError) e).getJsonRpcError().message()).startsWith("cluster_expired").contains(id));
    }

    @SuppressWarnings("unchecked")
    static List<String> ids(Map<String, Object> search) {
        return ((List<Map<String, Object>>) search.get("clusters")).stream().map(m -> (String) m.get("session_id")).toList();
    }

    @SuppressWarnings("unchecked")
    static List<String> fqNames(Map<String, Object> search, String key) {
        return ((List<Map<String, Object>>) search.get(key)).stream().map(m -> (String) m.get("fq_name")).toList();
    }
}
