package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The installable server as a user gets it: the {@code bin} archive this build made, unpacked into an empty
 * directory with no repository (and no Maven project) around it; its launcher serves MCP over stdio.
 */
class DistributionIT {
    @TempDir
    Path home;

    @Test
    void theUnpackedDistributionsLauncherServesInitializeAndToolsListOverStdio() throws Exception {
        Path archive = Path.of(System.getProperty("antrieb.distribution", "target/missing-bin.tar.gz")).toAbsolutePath();
        assertThat(archive).as("the distribution (mvn package makes it)").isRegularFile();
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", home.toString()).inheritIO().start();
        assertThat(tar.waitFor()).as("tar xzf %s", archive).isZero();

        Path dist;
        try (var entries = Files.list(home)) {
            dist = entries.filter(p -> p.getFileName().toString().startsWith("antrieb-mcp-")).findFirst().orElseThrow();
        }
        Path launcher = dist.resolve("bin/antrieb-mcp");
        assertThat(Files.getPosixFilePermissions(launcher)).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(dist.resolve("LICENSE")).isRegularFile();
        try (var jars = Files.list(dist.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("antrieb-mcp-adapter-"))
                    .anyMatch(n -> n.startsWith("antrieb-core-")).anyMatch(n -> n.startsWith("slf4j-simple-"));
        }

        // Started from inside the unpacked directory, as a client's .mcp.json would start it.
        String script = "cd \"$0\" && exec ./bin/antrieb-mcp stdio --state-dir \"$1\"";
        List<String> args = List.of("-c", script, dist.toString(), home.resolve("state").toString());
        try (McpSyncClient c = McpTestClients.stdio(Duration.ofMinutes(2), Map.of(), "/bin/sh", args)) {
            assertThat(c.getServerInfo().name()).isEqualTo("antrieb");
            assertThat(c.listTools().tools()).extracting(McpSchema.Tool::name)
                    .containsExactly("provision", "exec", "save", "search", "delete", "validate", "fault");
        }
    }
}
