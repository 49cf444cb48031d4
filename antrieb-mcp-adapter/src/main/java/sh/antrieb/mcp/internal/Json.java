package sh.antrieb.mcp.internal;

import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one Jackson 3 mapper of the adapter: tool results, the key file and the command log. */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /** {@code value} as one line of JSON. */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** {@code value} as indented JSON. */
    public static String writePretty(Object value) {
        return PRETTY.writeValueAsString(value);
    }

    /** A JSON object as a map. */
    public static Map<String, Object> readMap(String json) {
        return MAPPER.readValue(json, MAP);
    }
}
