package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.ExecResult;

/** What a command log line keeps: output cut with its true size, and no secret value anywhere. */
class CommandLogTest {
    @TempDir
    Path state;

    @Test
    void secretValuesAreReplacedInCommandAndOutputLongestFirst() throws Exception {
        CommandLog log = new CommandLog(state);
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("SHORT", "abc");
        secrets.put("LONG", "abcdef-token");
        secrets.put("EMPTY", "");
        ExecResult r = sh.antrieb.FakeCluster.result("node1", "curl -H 'X: abcdef-token' x", 0, "got abcdef-token and abc\n", "abc");
        log.record(Account.local(AccountLimits.DEFAULTS), "c1", r, secrets);

        String file = Files.readString(log.file("local"));
        assertThat(file).doesNotContain("abc").contains("[secret LONG]").contains("[secret SHORT]");
        Map<String, Object> line = log.read("local", 10).get(0);
        assertThat(line).containsEntry("command", "curl -H 'X: [secret LONG]' x")
                .containsEntry("stdout", "got [secret LONG] and [secret SHORT]\n").containsEntry("stderr", "[secret SHORT]")
                .containsEntry("secret_env_names", List.of("EMPTY", "LONG", "SHORT"));
    }

    @Test
    void longOutputIsCutAndItsTrueSizeKept() {
        CommandLog log = new CommandLog(state);
        String big = "é".repeat(CommandLog.KEPT_OUTPUT_CHARS + 10);
        log.record(Account.local(AccountLimits.DEFAULTS), "c1", sh.antrieb.FakeCluster.result("node1", "x", 0, big, ""), Map.of());
        Map<String, Object> line = log.read("local", 10).get(0);
        assertThat((String) line.get("stdout")).hasSize(CommandLog.KEPT_OUTPUT_CHARS);
        assertThat(line).containsEntry("stdout_bytes", 2 * (CommandLog.KEPT_OUTPUT_CHARS + 10)).containsEntry("stderr_bytes", 0);
    }
}
