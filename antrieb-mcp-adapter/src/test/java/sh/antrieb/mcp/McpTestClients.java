package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.Json;

/** The SDK's own MCP client over both transports, and a reader of results as clients read them. */
final class McpTestClients {
    private McpTestClients() {
    }

    /** An initialized client of the streamable HTTP endpoint {@code url}, sending {@code key} on every request. */
    static McpSyncClient http(URI url, String key, Duration timeout) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(url.getScheme() + "://" + url.getAuthority())
                .endpoint(url.getPath())
                .httpRequestCustomizer((builder, method, uri, body, context) -> builder.header("Authorization", "Bearer " + key))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(timeout).initializationTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    /** An initialized client of a server the SDK spawns as {@code command args...} and talks to over stdio. */
    static McpSyncClient stdio(Duration timeout, Map<String, String> env, String command, List<String> args) {
        ServerParameters params = ServerParameters.builder(command).args(args).env(env).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(line -> System.err.println("[server] " + line));
        McpSyncClient client = McpClient.sync(transport).requestTimeout(timeout).initializationTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    /**
     * The result as existing clients read it: the first content item is a text holding a JSON object, and the
     * same object is the structured content.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(McpSchema.CallToolResult r) {
        assertThat(r.content()).isNotEmpty();
        assertThat(r.content().get(0)).isInstanceOf(McpSchema.TextContent.class);
        Map<String, Object> parsed = Json.readMap(((McpSchema.TextContent) r.content().get(0)).text());
        assertThat(r.structuredContent()).isInstanceOf(Map.class);
        assertThat(Json.write(r.structuredContent())).isEqualTo(Json.write(parsed));
        return (Map<String, Object>) r.structuredContent();
    }

    /** A successful result's JSON object. */
    static Map<String, Object> ok(McpSchema.CallToolResult r) {
        Map<String, Object> body = json(r);
        assertThat(r.isError()).as("isError of %s", body).isNotEqualTo(Boolean.TRUE);
        return body;
    }

    /** A failed result's JSON object: {error, message} with isError. */
    static Map<String, Object> error(McpSchema.CallToolResult r) {
        Map<String, Object> body = json(r);
        assertThat(r.isError()).as("isError of %s", body).isTrue();
        assertThat(body).containsKeys("error", "message");
        return body;
    }
}
