package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.Json;

/** The stdio transport in a child JVM (clusters are objects): the SDK's stdio client, bad lines, end of input. */
@Timeout(120)
class McpStdioProtocolTest {
    @TempDir
    Path state;

    private List<String> command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), FakeStdioMain.class.getName(), state.toString());
    }

    @Test
    void theSdkClientProvisionsExecsAndDeletesOverStdio() {
        List<String> cmd = command();
        try (McpSyncClient c = McpTestClients.stdio(Duration.ofSeconds(30), Map.of(), cmd.get(0), cmd.subList(1, cmd.size()))) {
            assertThat(c.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("provision", "exec", "save", "search", "delete", "validate", "fault");
            Map<String, Object> p = ok(call(c, "provision", Map.of("cluster", List.of("debian12 x2"))));
            String id = (String) p.get("session_id");
            assertThat(p).containsEntry("nodes", List.of("node1", "node2")).containsEntry("status", "cluster_ready");
            assertThat(ok(call(c, "exec", Map.of("session_id", id, "node", "node2", "command", "echo hi\necho there"))))
                    .containsEntry("exit_code", 0).containsEntry("stdout", "ran on node2: echo hi\necho there\n");
            assertThat(error(call(c, "exec", Map.of("session_id", id, "node", "node3", "command", "true")))).containsEntry("error", "unknown_node");
            assertThat(error(call(c, "exec", Map.of("session_id", "nope", "node", "node1", "command", "true")))).containsEntry("error", "unknown_session");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12 x6"))))).containsEntry("error", "limit_exceeded");
            assertThat(McpHttpProtocolTest.ids(ok(call(c, "search", Map.of("type", "cluster"))))).containsExactly(id);
            assertThat(ok(call(c, "search", Map.of("type", "runbook", "fq_name", "antrieb/primer")))).extracting("runbook").extracting("fq_name")
                    .isEqualTo("antrieb/primer");
            ok(call(c, "delete", Map.of("type", "cluster", "name", id)));
            assertThatThrownBy(() -> call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "true")))
                    .isInstanceOf(McpError.class).hasMessageContaining("cluster_expired");
        }
        assertThat(new CommandLog(state).read(Account.LOCAL, 10)).extracting(m -> m.get("node")).containsExactly("node2");
    }

    @Test
    void badLinesAreDroppedCallsNeedNoInitializedStdoutCarriesOnlyProtocolAndEndOfInputStopsTheServer() throws Exception {
        Process p = new ProcessBuilder(command()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream in = p.getOutputStream();
            String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
            String call = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"type\":\"runbook\"}}}";
            in.write(("this is not json\n{\"no\": \"method\"}\n\n" + init + "\n[1,2]\n" + call + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Map<String, Object> first = Json.readMap(out.readLine());
            assertThat(first).containsEntry("id", 1).containsKey("result");
            Map<String, Object> second = Json.readMap(out.readLine());
            assertThat(second).containsEntry("id", 2);
            assertThat(Json.write(second)).contains("antrieb/primer");
            in.close();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits at end of input").isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(out.readLine()).isNull();
        } finally {
            p.destroyForcibly();
        }
    }
}
