package sh.antrieb.mcp.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the body of an HTTP request is one JSON-RPC 2.0 message whose envelope and MCP {@code params}
 * have the types the specifications give, before the SDK's transport parses it. The SDK (2.1.0) answers
 * a {@code params} of the wrong type (a string, say) with HTTP 500 and the JSON library's exception text;
 * here such a body gets the JSON-RPC error a client expects, naming the field and the fix:
 * {@value McpSchema.ErrorCodes#PARSE_ERROR} for a body that is not JSON,
 * {@value McpSchema.ErrorCodes#INVALID_REQUEST} for JSON that is not a JSON-RPC request or notification, and
 * {@value McpSchema.ErrorCodes#INVALID_PARAMS} for {@code params} of the wrong shape; each with HTTP 400
 * (the input is not accepted) and the request's {@code id} when it has a valid one.
 * Tool arguments themselves are the tools' business (they answer {@code invalid_arguments} results).
 */
public final class JsonRpcEnvelope {
    private static final JsonMapper TREE = JsonMapper.builder().build();
    private static final String EXAMPLE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"provision\",\"arguments\":{\"cluster\":[\"debian12\"]}}}";

    /** Why a body is refused: the JSON-RPC error and the request's id (or null). */
    public record Problem(Object id, int code, String message) {
        /** HTTP status of the answer. */
        public int httpStatus() {
            return 400;
        }

        /** The JSON-RPC error response, one line of JSON. */
        public String toJson() {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", code);
            error.put("message", message);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jsonrpc", "2.0");
            body.put("id", id);
            body.put("error", error);
            return Json.write(body);
        }
    }

    private JsonRpcEnvelope() {
    }

    /** The problem with {@code body} in {@code charset}, which must decode without a replacement character, or empty. */
    public static Optional<Problem> check(byte[] body, Charset charset, McpJsonMapper mapper) {
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return problem(null, McpSchema.ErrorCodes.PARSE_ERROR, "parse error: the body is not valid " + charset.name()
                    + "; send JSON in UTF-8");
        }
        return check(text, mapper);
    }

    /** The problem with {@code body}, or empty when the SDK may take it. {@code mapper} is the SDK's. */
    public static Optional<Problem> check(String body, McpJsonMapper mapper) {
        JsonNode root;
        try {
            root = TREE.readTree(body);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return problem(null, McpSchema.ErrorCodes.PARSE_ERROR, "parse error: the body is not valid JSON" + where
                    + "; send one JSON-RPC 2.0 message, e.g. " + EXAMPLE);
        }
        if (root == null || root.isMissingNode()) {
            return problem(null, McpSchema.ErrorCodes.PARSE_ERROR, "parse error: the body is empty; send one JSON-RPC 2.0 message, e.g. " + EXAMPLE);
        }
        if (root.isArray()) {
            return problem(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "invalid request: batches (JSON arrays) are not accepted; send one JSON-RPC message per HTTP request");
        }
        if (!root.isObject()) {
            return problem(null, McpSchema.ErrorCodes.INVALID_REQUEST, "invalid request: the body is a JSON " + kind(root)
                    + ", not a JSON-RPC message object, e.g. " + EXAMPLE);
        }
        JsonNode idNode = root.get("id");
        Object id = null;
        if (idNode != null) {
            if (idNode.isString()) {
                id = idNode.asString();
            } else if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
                id = idNode.asLong();
            } else {
                return problem(null, McpSchema.ErrorCodes.INVALID_REQUEST, "invalid request: 'id' is a JSON " + kind(idNode)
                        + "; a request id is a string or an integer (leave it out for a notification)");
            }
        }
        JsonNode version = root.get("jsonrpc");
        if (version == null || !version.isString() || !version.asString().equals(McpSchema.JSONRPC_VERSION)) {
            return problem(id, McpSchema.ErrorCodes.INVALID_REQUEST, "invalid request: 'jsonrpc' must be the string \"2.0\", was "
                    + (version == null ? "missing" : "a JSON " + kind(version)));
        }
        JsonNode method = root.get("method");
        if (method == null) {
            if (root.has("result") || root.has("error")) {
                return Optional.empty(); // a response: the transport says what it thinks of those
            }
            return problem(id, McpSchema.ErrorCodes.INVALID_REQUEST, "invalid request: no 'method'; e.g. " + EXAMPLE);
        }
        if (!method.isString() || method.asString().isBlank()) {
            return problem(id, McpSchema.ErrorCodes.INVALID_REQUEST, "invalid request: 'method' must be a non-empty string, was a JSON "
                    + kind(method));
        }
        String name = method.asString();
        JsonNode params = root.get("params");
        if (params == null || params.isNull()) {
            if (name.equals(McpSchema.METHOD_TOOLS_CALL) || name.equals(McpSchema.METHOD_INITIALIZE)) {
                return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: " + name + " needs 'params', a JSON object"
                        + (name.equals(McpSchema.METHOD_TOOLS_CALL) ? ", e.g. " + EXAMPLE : ""));
            }
            return Optional.empty();
        }
        if (!params.isObject()) {
            return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: 'params' of " + name + " must be a JSON object, was a JSON "
                    + kind(params) + (name.equals(McpSchema.METHOD_TOOLS_CALL) ? ", e.g. " + EXAMPLE : ""));
        }
        JsonNode meta = params.get("_meta");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: 'params._meta' must be a JSON object, was a JSON " + kind(meta));
        }
        if (name.equals(McpSchema.METHOD_TOOLS_CALL)) {
            JsonNode tool = params.get("name");
            if (tool == null || !tool.isString() || tool.asString().isBlank()) {
                return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: 'params.name' of tools/call must be the tool's name as a string, was "
                        + (tool == null ? "missing" : "a JSON " + kind(tool)) + "; e.g. " + EXAMPLE);
            }
            JsonNode arguments = params.get("arguments");
            if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
                return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: 'params.arguments' of tools/call must be a JSON object, was a JSON "
                        + kind(arguments) + "; e.g. " + EXAMPLE);
            }
            return Optional.empty();
        }
        Class<?> type = switch (name) {
            case McpSchema.METHOD_INITIALIZE -> McpSchema.InitializeRequest.class;
            case McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_RESOURCES_LIST, McpSchema.METHOD_PROMPT_LIST -> McpSchema.PaginatedRequest.class;
            default -> null;
        };
        if (type != null) {
            try {
                mapper.convertValue(TREE.treeToValue(params, Map.class), type);
            } catch (RuntimeException e) {
                return problem(id, McpSchema.ErrorCodes.INVALID_PARAMS, "invalid params: 'params' of " + name
                        + " do not have the types the MCP specification gives" + path(e) + "; see the specification's " + name + " request");
            }
        }
        return Optional.empty();
    }

    private static Optional<Problem> problem(Object id, int code, String message) {
        return Optional.of(new Problem(id, code, message));
    }

    /** The JSON type of a node, in the words of the JSON specification. */
    private static String kind(JsonNode n) {
        if (n.isString()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isObject()) {
            return "object";
        }
        return "null";
    }

    /** The field a mapping failure is at, e.g. {@code  (at params.capabilities)}, from the exception's path only. */
    private static String path(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException d && !d.getPath().isEmpty()) {
                StringBuilder sb = new StringBuilder(" (at params");
                for (JacksonException.Reference r : d.getPath()) {
                    if (r.getPropertyName() != null) {
                        sb.append('.').append(r.getPropertyName());
                    } else if (r.getIndex() >= 0) {
                        sb.append('[').append(r.getIndex()).append(']');
                    }
                }
                return sb.append(')').toString();
            }
        }
        return "";
    }
}
