package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.mcp.internal.Json;

/**
 * A battery of malformed requests for the HTTP endpoint, and what each must get: bad JSON, JSON that is no
 * JSON-RPC request, {@code params} of the wrong shape, and for every field of every listed tool values of
 * the wrong type, huge strings, NUL bytes and path tricks. Every one must be answered with a clear error
 * (a JSON-RPC error, or a tool result with {@code isError} and an error code), never a 500 or the text of
 * an exception from inside the server.
 */
final class MalformedRequests {
    /** Words that only the inside of a server uses: exception class names, stack frames, Jackson's messages. */
    static final Pattern INTERNAL = Pattern.compile("(?i)exception|tools\\.jackson|java\\.(lang|util|io)|\\bat [a-z]+\\.[a-z]+\\.[A-Za-z]|"
            + "cannot deserialize|cannot construct|unrecognized token|\\$[A-Z]");
    static final String HUGE = "x".repeat(1 << 20);
    /** Strings that are not names: NUL, path traversal, absolute paths, separators, newlines, shell, URL escapes. */
    static final List<String> TRICKS = List.of("", "a\u0000b", "\u0000", "..", "../../etc/passwd", "/etc/passwd", "a/../../b",
            "%2e%2e%2fetc%2fpasswd", "name\nwith-newline", "C:\\Windows\\system32", "~root", "$(reboot)", "node1; rm -rf /",
            "\u202egnp.exe", HUGE);
    /** One value of each JSON type. */
    private static final Map<String, Object> VALUES = values();

    /** A request of the battery: what it is, its body, and the JSON-RPC error code it must get (0: a tool result). */
    record Case(String what, byte[] body, int code) {
        @Override
        public String toString() {
            return what;
        }
    }

    private MalformedRequests() {
    }

    private static Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("string", "x");
        v.put("integer", 12);
        v.put("number", 1.5);
        v.put("boolean", true);
        v.put("array", List.of());
        v.put("object", Map.of());
        return v;
    }

    private static Case json(String what, String body, int code) {
        return new Case(what, body.getBytes(StandardCharsets.UTF_8), code);
    }

    /** Bodies that are not a JSON-RPC request the server can take. */
    static List<Case> envelopes() {
        int parse = McpSchema.ErrorCodes.PARSE_ERROR;
        int request = McpSchema.ErrorCodes.INVALID_REQUEST;
        int params = McpSchema.ErrorCodes.INVALID_PARAMS;
        List<Case> cases = new ArrayList<>();
        cases.add(json("not JSON", "this is not json", parse));
        cases.add(json("empty body", "", parse));
        cases.add(json("truncated JSON", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{", parse));
        cases.add(new Case("raw NUL byte in a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\0b\"}".getBytes(StandardCharsets.UTF_8), parse));
        cases.add(new Case("invalid UTF-8", new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}'}, parse));
        cases.add(json("a batch", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", request));
        cases.add(json("an empty batch", "[]", request));
        cases.add(json("a number", "42", request));
        cases.add(json("a string", "\"tools/call\"", request));
        cases.add(json("null", "null", request));
        cases.add(json("no jsonrpc", "{\"id\":1,\"method\":\"ping\"}", request));
        cases.add(json("jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", request));
        cases.add(json("jsonrpc a number", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}", request));
        cases.add(json("no method", "{\"jsonrpc\":\"2.0\",\"id\":1}", request));
        cases.add(json("method a number", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", request));
        cases.add(json("method empty", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", request));
        for (String id : List.of("{}", "[]", "1.5", "true")) {
            cases.add(json("id " + id, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}", request));
        }
        for (String method : List.of("tools/call", "initialize", "tools/list")) {
            for (String p : List.of("\"a string\"", "42", "[1,2]", "true")) {
                cases.add(json(method + " with params " + p, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"" + method + "\",\"params\":" + p + "}", params));
            }
        }
        cases.add(json("tools/call without params", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}", params));
        for (String name : List.of("7", "{}", "[]", "null", "\"\"")) {
            cases.add(json("tools/call with name " + name, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":" + name + "}}", params));
        }
        cases.add(json("tools/call without name", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}", params));
        for (String args : List.of("\"cluster\"", "7", "[\"debian12\"]", "true")) {
            cases.add(json("tools/call with arguments " + args, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"provision\",\"arguments\":" + args + "}}", params));
        }
        cases.add(json("tools/call with _meta a string", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"search\",\"arguments\":{},\"_meta\":\"x\"}}", params));
        cases.add(json("initialize with capabilities a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":\"all\",\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}", params));
        cases.add(json("initialize with clientInfo an array", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":[]}}", params));
        cases.add(json("tools/list with cursor an object", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":{}}}", params));
        cases.add(json("unknown method", "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"no/such/method\"}", McpSchema.ErrorCodes.METHOD_NOT_FOUND));
        cases.add(json("unknown tool", toolCall("no-such-tool", Map.of()), McpSchema.ErrorCodes.INVALID_PARAMS));
        cases.add(json("unknown tool with a path for a name", toolCall("../../etc/passwd", Map.of()), McpSchema.ErrorCodes.INVALID_PARAMS));
        return cases;
    }

    /** The tools {@link #base} has arguments for. */
    private static final java.util.Set<String> KNOWN = java.util.Set.of("provision", "exec", "save", "search", "delete", "fault");

    /** Arguments that reach a tool and do not exist on this server (no real cluster is named). */
    private static Map<String, Object> base(String tool) {
        return switch (tool) {
            case "provision" -> Map.of("cluster", List.of("debian12"));
            case "exec" -> Map.of("session_id", "nosuchcluster", "node", "node1", "command", "true");
            case "save" -> Map.of("type", "image", "name", "battery-img", "session_id", "nosuchcluster", "node", "node1",
                    "commands", List.of("true"));
            case "search" -> Map.of("type", "runbook", "keywords", "battery");
            case "delete" -> Map.of("type", "image", "name", "no-such-image");
            case "fault" -> Map.of("session_id", "nosuchcluster", "action", "list");
            default -> Map.of();
        };
    }

    /**
     * For every field of every tool: each value of a JSON type its schema does not allow, and for string
     * fields (or arrays of strings) each of {@link #TRICKS}; the other fields as in a call that names nothing
     * that exists, so no case can make or remove anything.
     */
    @SuppressWarnings("unchecked")
    static List<Case> toolArguments(List<McpSchema.Tool> tools) {
        List<Case> cases = new ArrayList<>();
        for (McpSchema.Tool tool : tools) {
            Map<String, Object> properties = (Map<String, Object>) tool.inputSchema().get("properties");
            for (Map.Entry<String, Object> p : properties.entrySet()) {
                Map<String, Object> schema = (Map<String, Object>) p.getValue();
                Object type = schema.get("type");
                List<String> allowed = type instanceof List<?> l ? (List<String>) l : type == null ? List.of() : List.of((String) type);
                for (Map.Entry<String, Object> v : VALUES.entrySet()) {
                    boolean fits = allowed.isEmpty() || allowed.contains(v.getKey())
                            || v.getKey().equals("integer") && allowed.contains("number");
                    if (!fits) {
                        cases.add(argument(tool.name(), p.getKey(), v.getKey(), v.getValue()));
                    }
                }
                // String tricks only where base() names a call that reaches nothing real: for a tool it does not know
                // yet, a trick in its one required field could be a valid call (on McpHttpIT's real server too).
                if (!KNOWN.contains(tool.name())) {
                    continue;
                }
                if (allowed.contains("string") && !tool.name().equals("provision")) {
                    for (String trick : TRICKS) {
                        cases.add(argument(tool.name(), p.getKey(), describe(trick), trick));
                    }
                } else if (allowed.contains("array")) {
                    for (String trick : TRICKS) {
                        cases.add(argument(tool.name(), p.getKey(), "[" + describe(trick) + "]", List.of(trick)));
                    }
                }
            }
        }
        return cases;
    }

    private static String describe(String trick) {
        return trick.length() > 40 ? "a string of " + trick.length() + " characters" : Json.write(trick);
    }

    private static Case argument(String tool, String field, String what, Object value) {
        Map<String, Object> args = new LinkedHashMap<>(base(tool));
        args.put(field, value);
        return json(tool + "." + field + " = " + what, toolCall(tool, args), 0);
    }

    static String toolCall(String tool, Map<String, Object> args) {
        return Json.write(Map.of("jsonrpc", "2.0", "id", 77, "method", "tools/call", "params", Map.of("name", tool, "arguments", args)));
    }

    /** Sends {@code c} with {@code key}; returns the response. */
    static HttpResponse<String> send(HttpClient http, URI url, String key, Case c) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(c.body()))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Asserts {@code r} is the clear error {@code c} must get: for an envelope case HTTP 400 (the code
     * -32601 and tool-name errors are the SDK's, with HTTP 200) and a JSON-RPC error of {@code c.code()}; for a
     * tool case HTTP 200 and an error result with an error code other than {@code internal_error} (search may
     * also succeed: a path trick is just a keyword to it). Nothing internal in any message. Returns the
     * message the client got.
     */
    @SuppressWarnings("unchecked")
    static String assertClearError(Case c, HttpResponse<String> r) {
        assertThat(r.statusCode()).as("%s: %s", c, abbreviate(r.body())).isNotEqualTo(500);
        Map<String, Object> body = Json.readMap(r.body());
        assertThat(body).as(c.what()).containsEntry("jsonrpc", "2.0");
        String message;
        if (c.code() != 0) {
            boolean sdk = c.code() == McpSchema.ErrorCodes.METHOD_NOT_FOUND || c.what().startsWith("unknown tool");
            assertThat(r.statusCode()).as("%s: %s", c, abbreviate(r.body())).isEqualTo(sdk ? 200 : 400);
            Map<String, Object> error = (Map<String, Object>) body.get("error");
            assertThat(error).as("%s: %s", c, abbreviate(r.body())).isNotNull().containsEntry("code", c.code());
            message = (String) error.get("message");
        } else {
            assertThat(r.statusCode()).as("%s: %s", c, abbreviate(r.body())).isEqualTo(200);
            Map<String, Object> result = (Map<String, Object>) body.get("result");
            if (result == null) {
                Map<String, Object> error = (Map<String, Object>) body.get("error");
                assertThat(error).as("%s: %s", c, abbreviate(r.body())).isNotNull();
                message = (String) error.get("message");
            } else {
                Map<String, Object> structured = (Map<String, Object>) result.get("structuredContent");
                assertThat(structured).as(c.what()).isNotNull();
                if (!Boolean.TRUE.equals(result.get("isError"))) {
                    assertThat(c.what()).as("only search may answer a trick with results: %s", abbreviate(r.body())).startsWith("search.");
                    return "";
                }
                assertThat(structured.get("error")).as("%s: %s", c, abbreviate(r.body())).isInstanceOf(String.class).isNotEqualTo("internal_error");
                message = (String) structured.get("message");
            }
        }
        assertThat(message).as(c.what()).isNotBlank().doesNotContainPattern(INTERNAL);
        assertThat(r.body().length()).as("%s: the answer does not echo a huge input whole", c).isLessThan(HUGE.length());
        return message;
    }

    private static String abbreviate(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
