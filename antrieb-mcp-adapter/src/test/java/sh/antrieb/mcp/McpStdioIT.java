package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpHttpProtocolTest.assertClusterExpired;
import static sh.antrieb.mcp.McpHttpProtocolTest.ids;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * {@code bin/antrieb-mcp stdio} as an MCP client spawns it, driven by the SDK's stdio client on real VMs:
 * tools, provision, exec, search, delete, the error cases, and end of input destroying what the server made.
 */
class McpStdioIT {
    @TempDir
    Path state;

    @Test
    void theLauncherServesTheToolsOverStdioAndItsShutdownDestroysItsClusters() throws Exception {
        Path launcher = ItSupport.repoRoot().resolve("bin/antrieb-mcp");
        List<String> args = List.of("stdio", "--state-dir", state.toString(), "--vcpus", "1", "--memory-mib", "768",
                "--boot-timeout-seconds", "300", "--exec-timeout-seconds", "180");
        String leftBehind;
        try (McpSyncClient c = McpTestClients.stdio(Duration.ofMinutes(10), Map.of(), launcher.toString(), args)) {
            assertThat(c.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("provision", "exec", "save", "search", "delete", "validate", "fault");
            assertThat(c.listTools().tools()).allSatisfy(t -> assertThat(t.inputSchema()).containsKey("properties"));

            Map<String, Object> p = ok(call(c, "provision", Map.of("cluster", List.of(Map.of("image", "debian12", "count", 1)))));
            String id = (String) p.get("session_id");
            assertThat(p).containsEntry("status", "cluster_ready").containsEntry("nodes", List.of("node1"));

            assertThat(ok(call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "echo $NODE_NAME; uname -s"))))
                    .containsEntry("exit_code", 0).containsEntry("stdout", "node1\nLinux\n");
            assertThat(ids(ok(call(c, "search", Map.of("type", "cluster"))))).containsExactly(id);

            assertThat(error(call(c, "exec", Map.of("session_id", id, "node", "node9", "command", "true")))).containsEntry("error", "unknown_node");
            assertThat(error(call(c, "exec", Map.of("session_id", "nosuchid", "node", "node1", "command", "true"))))
                    .containsEntry("error", "unknown_session");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("ubuntu24.04"))))).containsEntry("error", "unknown_image");
            assertThat(error(call(c, "provision", Map.of("cluster", List.of("debian12 x6"))))).containsEntry("error", "limit_exceeded");

            assertThat(ok(call(c, "delete", Map.of("type", "cluster", "name", id)))).containsEntry("deleted", true);
            assertClusterExpired(() -> call(c, "exec", Map.of("session_id", id, "node", "node1", "command", "true")), id);
            assertClusterExpired(() -> call(c, "delete", Map.of("type", "cluster", "name", id)), id);

            leftBehind = (String) ok(call(c, "provision", Map.of("cluster", List.of("debian12")))).get("session_id");
            assertThat(domains(leftBehind)).isNotEmpty();
        }
        // Closing the client ends the server's stdin; the server then destroys the cluster it still holds.
        Instant deadline = Instant.now().plusSeconds(60);
        while (!domains(leftBehind).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(domains(leftBehind)).as("domains of cluster %s after the server ended", leftBehind).isEmpty();
        assertThat(new CommandLog(state).read(Account.LOCAL, 10)).extracting(m -> m.get("command")).contains("echo $NODE_NAME; uname -s");
    }

    /** libvirt domains whose names carry the cluster's label. */
    private static List<String> domains(String clusterId) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("virsh", "-c", "qemu:///system", "list", "--all", "--name").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.startsWith("antrieb-" + clusterId + "-")).toList();
    }
}
