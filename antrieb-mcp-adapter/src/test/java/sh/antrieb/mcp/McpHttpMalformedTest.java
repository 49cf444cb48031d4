package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.Json;

/**
 * The malformed-request battery ({@link MalformedRequests}) over real HTTP against the server on clusters
 * that are objects (no VMs; McpHttpIT runs the same battery before it provisions real ones): every request
 * gets a clear error, nothing is made, and the server serves normally afterwards.
 */
class McpHttpMalformedTest {
    @TempDir
    static Path state;
    static FakeClusters clusters;
    static AntriebMcpServer server;
    static URI url;
    static String key;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        clusters = new FakeClusters();
        server = AntriebMcpServer.builder(clusters).stateDir(state).build();
        key = server.keys().create("alice", null, null).key();
        url = server.startHttp("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aToolsCallWhoseParamsIsAStringIsInvalidParamsWithHttp400() throws Exception {
        HttpResponse<String> r = MalformedRequests.send(HTTP, url, key, new MalformedRequests.Case("params a string",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":\"provision debian12\"}".getBytes(), -32602));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(Json.readMap(r.body())).containsEntry("jsonrpc", "2.0").containsEntry("id", 5)
                .extracting("error").isEqualTo(Map.of("code", -32602, "message",
                        "invalid params: 'params' of tools/call must be a JSON object, was a JSON string, e.g. "
                                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"provision\","
                                + "\"arguments\":{\"cluster\":[\"debian12\"]}}}"));
    }

    @Test
    void aBodyThatIsNotJsonIsAParseErrorNamingWhere() throws Exception {
        HttpResponse<String> r = MalformedRequests.send(HTTP, url, key, new MalformedRequests.Case("bad", "{\"jsonrpc\": 2.0,,}".getBytes(), -32700));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.readMap(r.body())).containsEntry("id", null).extracting("error").extracting("message").asString()
                .startsWith("parse error: the body is not valid JSON (line 1, column");
    }

    @Test
    void everyMalformedRequestGetsAClearErrorNothingIsMadeAndTheServerServesAfterwards() throws Exception {
        List<McpSchema.Tool> tools = server.tools();
        List<MalformedRequests.Case> cases = Stream.concat(MalformedRequests.envelopes().stream(),
                MalformedRequests.toolArguments(tools).stream()).toList();
        List<Path> before = tree(state);
        for (MalformedRequests.Case c : cases) {
            MalformedRequests.assertClearError(c, MalformedRequests.send(HTTP, url, key, c));
        }
        assertThat(cases).as("inputs tried").hasSizeGreaterThan(250);
        assertThat(clusters.made).as("no cluster was made").isEmpty();
        assertThat(tree(state)).as("no file was written but the command log").isSubsetOf(withLog(before));
        try (McpSyncClient c = McpTestClients.http(url, key, Duration.ofSeconds(30))) {
            String id = (String) ok(call(c, "provision", Map.of("cluster", List.of("debian12")))).get("session_id");
            assertThat(ok(call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "true")))).containsEntry("exit_code", 0);
            assertThat(ok(call(c, "delete", Map.of("type", "cluster", "name", id)))).containsEntry("deleted", true);
        }
    }

    /** Every path under {@code dir}, relative to it; none when it does not exist. */
    static List<Path> tree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(dir::relativize).sorted().toList();
        }
    }

    private static List<Path> withLog(List<Path> before) {
        return Stream.concat(before.stream(), Stream.of(Path.of("logs"), Path.of("logs/alice.jsonl"))).toList();
    }
}
