package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The bash source the exec agent hands to a waiting bash (its start-up environment already holds the base). */
class ExecAgentRequestTest {

    private static String request(String command, Map<String, String> env, Map<String, String> base) {
        return new String(ExecAgent.request(command, env, base), StandardCharsets.UTF_8);
    }

    @Test
    void onlyWhatDiffersFromTheBaseIsExported() {
        Map<String, String> base = Map.of("NODE_NAME", "node1", "NODE_INDEX", "1");
        Map<String, String> env = new LinkedHashMap<>(base);
        env.put("NODE_INDEX", "2");
        env.put("EXTRA", "x");
        String r = request("true", env, base);
        assertThat(r).doesNotContain("NODE_NAME")
                .contains("export NODE_INDEX='2'\n", "export EXTRA='x'\n")
                .endsWith("__antrieb_c='true'\n");
    }

    @Test
    void baseVariablesACallLeavesOutAreUnset() {
        assertThat(request("true", Map.of(), Map.of("NODE_NAME", "node1"))).isEqualTo("unset -v NODE_NAME\n__antrieb_c='true'\n");
    }

    @Test
    void valuesAndTheCommandAreSingleQuoted() {
        String r = request("echo 'a' \"$B\"\nnext", Map.of("V", "it's $x `y` \\ \"z\"\nline"), Map.of());
        assertThat(r).isEqualTo("export V='it'\\''s $x `y` \\ \"z\"\nline'\n__antrieb_c='echo '\\''a'\\'' \"$B\"\nnext'\n");
    }

    @Test
    void namesBashCannotHoldAreLeftOut() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A-B", "1");
        env.put("1X", "2");
        env.put("_ok1", "3");
        assertThat(request("true", env, Map.of())).isEqualTo("export _ok1='3'\n__antrieb_c='true'\n");
    }
}
