package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.model.openai.OpenAiChatModel;
import io.modelcontextprotocol.client.McpSyncClient;
import sh.antrieb.Antrieb;
import sh.antrieb.TestApps;

/**
 * {@code validate} over MCP on real VMs with the SDK's client: findings for the client's own model, and
 * {@code converge} with the server's model, which is LangChain4j's OpenAI provider talking to a scripted
 * OpenAI-compatible server of the test's own (see {@link ScriptedOpenAiServer}). 1-node clusters.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpValidateIT {
    @TempDir
    static Path state;
    static Antrieb antrieb;
    static ScriptedOpenAiServer openAi;
    static AntriebMcpServer server;
    static McpSyncClient alice;

    private static final String DRAFT = TestApps.serveSettingsPort(8087, "via-mcp", TestApps.PORT_FROM_SQLITE);
    private static final String FIXED = TestApps.serveSettingsPort(8087, "via-mcp", TestApps.PORT_FROM_SETTINGS);
    private static final List<Map<String, Object>> CHECK = List.of(Map.of("node", "node1", "command",
            "curl -fsS http://127.0.0.1:8087/ | grep -q via-mcp"));

    @BeforeAll
    static void start() throws Exception {
        antrieb = ItSupport.antrieb().catalogDir(state.resolve("catalog")).build();
        openAi = new ScriptedOpenAiServer();
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(openAi.baseUrl().toString()).modelName("scripted")
                .apiKey("none").timeout(Duration.ofSeconds(60)).build();
        server = AntriebMcpServer.builder(antrieb).stateDir(state).model(model).build();
        String key = server.keys().create("alice", null, null).key();
        alice = McpTestClients.http(server.startHttp("127.0.0.1", 0), key, Duration.ofMinutes(15));
    }

    @AfterAll
    static void stop() {
        ItSupport.closeAll(alice, server, openAi, antrieb);
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void validateReturnsTheFindingsForTheClientsOwnModel() {
        Map<String, Object> f = ok(call(alice, "validate", Map.of("code", DRAFT, "cluster", List.of("debian12"), "verify", CHECK)));

        assertThat(f).containsEntry("passed", false).containsEntry("language", "bash");
        Map<String, Object> first = ((List<Map<String, Object>>) f.get("failures")).get(0);
        assertThat(first).containsEntry("cause", "missing_package").containsEntry("step", 2).containsEntry("node", "node1")
                .containsEntry("exit_code", 127);
        assertThat((List<String>) first.get("evidence")).contains("`sqlite3` comes with the Debian package `sqlite3`, which is not installed: apt-get install -y sqlite3");
        assertThat(antrieb.clusters()).isEmpty();   // destroyed after the pass
        assertThat(server.commandLog().read("alice", 20)).extracting(m -> (String) m.get("session_id"))
                .contains((String) f.get("cluster_id"));

        assertThat(error(call(alice, "validate", Map.of("code", "true")))).containsEntry("error", "invalid_arguments");
        assertThat(openAi.requests()).isEmpty();
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void convergeGoesThroughTheServersModelAndReturnsTheProvenRunbook() {
        openAi.reply("The settings are JSON and sqlite3 is not installed; python3 is:\n\n```bash\n" + FIXED.strip() + "\n```\n");

        Map<String, Object> r = ok(call(alice, "validate", Map.of("code", DRAFT, "cluster", List.of("debian12"), "verify", CHECK,
                "converge", Map.of("task", "Serve /srv/app on the port /etc/app/settings.json names", "max_iterations", 3))));

        assertThat(r).containsEntry("verified", true).containsEntry("stop", "verified");
        assertThat((String) r.get("runbook")).contains("## Steps").contains("python3 -c 'import json").doesNotContain("sqlite3");
        Map<String, Object> report = (Map<String, Object>) r.get("report");
        assertThat((List<Object>) report.get("clusters")).hasSize(3).doesNotHaveDuplicates();
        assertThat((List<Map<String, Object>>) report.get("iterations")).extracting(i -> i.get("path")).containsExactly("retry", null);
        // The provider module really spoke HTTP to the endpoint, with the findings in the request.
        assertThat(openAi.requests()).hasSize(1);
        assertThat(openAi.requests().get(0)).containsPattern("\"model\"\\s*:\\s*\"scripted\"").contains("sqlite3: command not found");
        // Every iteration's commands are in the account's command log.
        List<Object> logged = server.commandLog().read("alice", 200).stream().map(m -> m.get("session_id")).toList();
        assertThat(logged).containsAll((List<Object>) report.get("clusters"));
        // Both runs are kept for the dashboard, newest first: the convergence with its two iterations and the proof.
        List<Map<String, Object>> runs = server.validationRuns().list("alice");
        assertThat(runs).extracting(m -> m.get("mode")).containsExactly("converge", "validate");
        Map<String, Object> kept = server.validationRuns().find("alice", (String) runs.get(0).get("id")).orElseThrow();
        assertThat(kept).containsEntry("outcome", "verified").containsEntry("clusters", report.get("clusters"));
        assertThat((List<Map<String, Object>>) kept.get("iterations")).extracting(i -> i.get("number") + ":" + i.get("passed") + ":"
                + i.get("recovery")).containsExactly("1:false:retry", "2:true:null", "proof:true:null");
        assertThat((String) kept.get("markdown")).contains("sqlite3: command not found");
        assertThat(antrieb.clusters()).isEmpty();
    }
}
