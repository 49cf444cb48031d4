package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.AntriebTools;

/** The seven tools' JSON Schemas: present, valid JSON Schema 2020-12, and saying what product.md says. */
class ToolSchemasTest {
    private static final JsonSchemaValidator VALIDATOR = McpJsonDefaults.getSchemaValidator();

    private static McpSchema.Tool tool(String name) {
        return AntriebTools.loadTool(name, AccountLimits.DEFAULTS, List.of("debian12"));
    }

    @Test
    void everyToolHasAValidInputAndOutputSchemaAndADescription() {
        for (String name : AntriebTools.NAMES) {
            McpSchema.Tool t = tool(name);
            assertThat(t.name()).isEqualTo(name);
            assertThat(t.description()).as(name).hasSizeGreaterThan(80);
            assertThat(t.inputSchema()).as(name).containsEntry("type", "object").containsKey("properties");
            assertThat(VALIDATOR.validateSchema(t.inputSchema()).valid()).as(name + " input schema").isTrue();
            assertThat(t.outputSchema()).as(name).containsEntry("type", "object");
            assertThat(VALIDATOR.validateSchema(t.outputSchema()).valid()).as(name + " output schema").isTrue();
        }
    }

    @Test
    void validateTakesCodeVerifyChecksAndTheClusterAsProvisionDoes() {
        Map<String, Object> schema = tool("validate").inputSchema();
        assertThat(valid(schema, Map.of("code", "echo hi", "cluster", List.of("debian12"),
                "verify", List.of(Map.of("node", "node1", "command", "true")), "idempotence", false))).isTrue();
        assertThat(valid(schema, Map.of("code", "# Runbook", "language", "runbook"))).isTrue();
        assertThat(valid(schema, Map.of("code", "x", "cluster", List.of("debian12"), "converge", Map.of("task", "serve a page",
                "max_iterations", 3)))).isTrue();

        assertThat(valid(schema, Map.of("cluster", List.of("debian12")))).as("code is required").isFalse();
        assertThat(valid(schema, Map.of("code", "x", "language", "puppet"))).isFalse();
        assertThat(valid(schema, Map.of("code", "x", "verify", List.of(Map.of("node", "node1"))))).isFalse();
        assertThat(valid(schema, Map.of("code", "x", "cluster", List.of("a", "b", "c", "d", "e", "f")))).as("provision's node limit").isFalse();
        assertThat(valid(schema, Map.of("code", "x", "converge", Map.of("max_iterations", 3)))).as("converge needs a task").isFalse();
    }

    @Test
    void provisionAcceptsShorthandAndObjectsWithinTheNodeLimit() {
        Map<String, Object> schema = tool("provision").inputSchema();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12")))).isTrue();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12 x3", Map.of("image", "ansible-controller"))))).isTrue();
        assertThat(valid(schema, Map.of("cluster", List.of(Map.of("image", "debian12", "count", 2))))).isTrue();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks",
                List.of(Map.of("name", "lan", "dhcp", false), "@alice/wan"), "nics", Map.of("node1", List.of(Map.of("net", "lan")))))).isTrue();

        assertThat(valid(schema, Map.of())).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of()))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("a", "b", "c", "d", "e", "f")))).as("4 + 1 controller at most").isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of(Map.of("image", "debian12", "count", 0))))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of(Map.of("image", "debian12", "count", 9))))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("Debian 12 please")))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of(42)))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(Map.of("name", "lan", "cidr", "10.0.0.0/16"))))).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void provisionDescribesNetworksAndNicsAsProductMdWritesThem() {
        Map<String, Object> schema = tool("provision").inputSchema();
        Map<String, Object> wan = Map.of("name", "wan");
        Map<String, Object> lan = Map.of("name", "lan", "cidr", "10.10.7.0/24", "egress", false, "dhcp", false);
        Map<String, Object> nics = Map.of("node1", List.of(Map.of("net", "wan"), Map.of("net", "lan")), "node2", List.of(Map.of("net", "lan")));
        assertThat(valid(schema, Map.of("cluster", List.of("debian12 x2"), "networks", List.of(wan, lan), "nics", nics))).isTrue();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of("@alice/isolated-lan"),
                "nics", Map.of("node1", List.of(Map.of("net", "isolated-lan")))))).isTrue();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(), "nics", Map.of()))).as("empty: default network").isTrue();

        Map<String, Object> node1Lan = Map.of("node1", List.of(Map.of("net", "lan")));
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of("lan"), "nics", node1Lan))).as("strings are references").isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of("@Alice/lan"), "nics", node1Lan))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(Map.of("name", "lan", "vlan", 7)), "nics", node1Lan))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(Map.of("name", "lan", "egress", "no")), "nics", node1Lan))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(Map.of("name", "lan", "cidr", "10.10.7.5/24")), "nics", node1Lan))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(lan), "nics", Map.of("node1", List.of("lan"))))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(lan), "nics", Map.of("eth0", List.of(Map.of("net", "lan")))))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(lan), "nics", Map.of("node1", List.of())))).isFalse();
        assertThat(valid(schema, Map.of("cluster", List.of("debian12"), "networks", List.of(lan),
                "nics", Map.of("node1", java.util.Collections.nCopies(sh.antrieb.ClusterSpec.MAX_NICS_PER_NODE + 1, Map.of("net", "lan")))))).isFalse();

        Map<String, Object> network = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) properties(schema, "networks").get("items")).get("oneOf")).get(1);
        assertThat((Map<String, Object>) network.get("properties")).containsOnlyKeys("name", "cidr", "egress", "dhcp");
        assertThat(properties(network, "egress")).containsEntry("default", true).extracting("description").asString().contains("allowlist");
        assertThat(properties(network, "dhcp")).containsEntry("default", true).extracting("description").asString().contains(".1");
        assertThat(properties(schema, "nics")).extracting("description").asString().contains("eth0, eth1");
        assertThat(tool("provision").description()).contains("networks").contains("nics").contains("antrieb/networking-primer");
        assertThat((Map<String, Object>) tool("provision").outputSchema().get("properties")).containsKeys("node_addresses", "warnings");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> schema, String name) {
        return (Map<String, Object>) ((Map<String, Object>) schema.get("properties")).get(name);
    }

    @Test
    void provisionSchemaFollowsTheConfiguredNodeLimitAndNamesTheHostImages() {
        McpSchema.Tool t = AntriebTools.loadTool("provision", AccountLimits.DEFAULTS.withMaxNodes(2), List.of("debian12", "my-image"));
        assertThat(valid(t.inputSchema(), Map.of("cluster", List.of("a", "b", "c")))).isTrue();
        assertThat(valid(t.inputSchema(), Map.of("cluster", List.of("a", "b", "c", "d")))).isFalse();
        assertThat(t.description()).contains("[debian12, my-image]");
    }

    @Test
    void execNeedsSessionNodeAndCommandAndTakesStringSecrets() {
        Map<String, Object> schema = tool("exec").inputSchema();
        assertThat(schema.get("required")).isEqualTo(List.of("session_id", "node", "command"));
        assertThat(valid(schema, Map.of("session_id", "abc", "node", "node1", "command", "echo hi", "secret_env", Map.of("TOKEN", "x")))).isTrue();
        assertThat(valid(schema, Map.of("session_id", "abc", "node", "node1"))).isFalse();
        assertThat(valid(schema, Map.of("session_id", "abc", "node", "node1", "command", "x", "secret_env", Map.of("TOKEN", 5)))).isFalse();
        assertThat(valid(schema, Map.of("session_id", "abc", "node", "node1", "command", "x", "secret_env", Map.of("BAD NAME", "v")))).isFalse();
    }

    @Test
    void typesAreEnumsWithTheProductDefaults() {
        assertThat(typeProperty("save")).containsEntry("enum", List.of("image", "runbook", "network")).containsEntry("default", "image");
        assertThat(typeProperty("search")).containsEntry("enum", List.of("image", "cluster", "runbook", "network")).containsEntry("default", "image");
        assertThat(typeProperty("delete")).containsEntry("enum", List.of("cluster", "image", "runbook", "network"));
        Map<String, Object> search = tool("search").inputSchema();
        assertThat(valid(search, Map.of("type", "runbook", "fq_name", "antrieb/primer"))).isTrue();
        assertThat(valid(search, Map.of("type", "volume"))).isFalse();
        assertThat(valid(search, Map.of("limit", 101))).isFalse();
        assertThat(valid(tool("save").inputSchema(), Map.of("type", "runbook", "name", "Not_Lowercase", "body", "# x"))).isFalse();
        assertThat(valid(tool("delete").inputSchema(), Map.of("type", "cluster"))).as("name is required").isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> typeProperty(String tool) {
        return (Map<String, Object>) ((Map<String, Object>) tool(tool).inputSchema().get("properties")).get("type");
    }

    private static boolean valid(Map<String, Object> schema, Map<String, Object> args) {
        return VALIDATOR.validate(schema, args).valid();
    }
}
