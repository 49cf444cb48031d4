package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RunbookResultRenderingTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aFailedRunRendersTheFailureFirstThenEveryStep() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3")
                .answer("node2", "prepare", "prepared node2\n")
                .failWhen("node1", "configure-a", 2, "line one\nconfigure-a: no such file\n");

        String md = RunbookExecutorTest.THREE_STEPS.runOn(cluster).toMarkdown();

        assertThat(md).startsWith("# Runbook run: Three steps\n\n**Result: failed** at step 2 (Configure) failed on node1: exit 2 after ");
        assertThat(md).contains("""
                ## Failure

                Step 2 (Configure), node `node1`, exit code 2:

                ```sh
                configure-a
                ```

                stderr (tail):

                ```text
                line one
                configure-a: no such file
                ```
                """);
        assertThat(md).contains("### 1. Prepare the backends: passed\n\n- `node2` exit 0, 0.0 s: `prepare`\n\n  stdout (tail):\n\n  ```text\n  prepared node2\n  ```\n");
        assertThat(md).contains("### 2. Configure: failed\n");
        assertThat(md).contains("### 3. Start: not run\n");
        assertThat(md).contains("## Verify: not run\n");
        assertThat(md.indexOf("## Failure")).isLessThan(md.indexOf("## Steps"));
    }

    @Test
    void theMarkdownReportIsItselfValidMarkdownWithTheSameSections() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3").answer("node1", "check-1", "```\nfenced output\n```\n");

        String md = RunbookExecutorTest.THREE_STEPS.runOn(cluster).toMarkdown();

        assertThat(md).startsWith("# Runbook run: Three steps\n\n**Result: succeeded.** 3 step(s) and 2 verify command(s) passed.");
        assertThat(md).contains("## Verify: passed\n").contains("  ````text\n  ```\n  fenced output\n  ```\n  ````\n");
    }

    @Test
    void jsonCarriesStepsCommandsAndTheFailure() {
        RecordingCluster cluster = new RecordingCluster("debian12 x3").failWhen("node1", "configure-a", 2, "boom\n");

        JsonNode json = JSON.readTree(RunbookExecutorTest.THREE_STEPS.runOn(cluster).toJson());

        assertThat(json.get("title").asString()).isEqualTo("Three steps");
        assertThat(json.get("succeeded").asBoolean()).isFalse();
        assertThat(json.get("cluster_id").asString()).isEqualTo("recording-1");
        assertThat(json.get("steps")).hasSize(3);
        JsonNode step1 = json.get("steps").get(0);
        assertThat(step1.get("status").asString()).isEqualTo("passed");
        assertThat(step1.get("commands")).hasSize(2);
        JsonNode cmd = step1.get("commands").get(0);
        assertThat(cmd.get("node").asString()).isEqualTo("node2");
        assertThat(cmd.get("command").asString()).isEqualTo("prepare");
        assertThat(cmd.get("exit_code").asInt()).isZero();
        assertThat(cmd.get("duration_ms").asLong()).isEqualTo(5);
        assertThat(cmd.get("stdout_tail").asString()).isEqualTo("ok from node2");
        assertThat(json.get("steps").get(1).get("status").asString()).isEqualTo("failed");
        assertThat(json.get("steps").get(2).get("status").asString()).isEqualTo("not_run");
        assertThat(json.get("verify").get("status").asString()).isEqualTo("not_run");

        JsonNode failure = json.get("failure");
        assertThat(failure.get("phase").asString()).isEqualTo("step");
        assertThat(failure.get("step").asInt()).isEqualTo(2);
        assertThat(failure.get("node").asString()).isEqualTo("node1");
        assertThat(failure.get("command").asString()).isEqualTo("configure-a");
        assertThat(failure.get("exit_code").asInt()).isEqualTo(2);
        assertThat(failure.get("stderr_tail").asString()).isEqualTo("boom");
        assertThat(failure.get("message").asString()).startsWith("step 2 (Configure) failed on node1: exit 2");
    }

    @Test
    void aSuccessfulRunHasANullFailure() {
        JsonNode json = JSON.readTree(RunbookExecutorTest.THREE_STEPS.runOn(new RecordingCluster("debian12 x3")).toJson());

        assertThat(json.get("succeeded").asBoolean()).isTrue();
        assertThat(json.get("failure").isNull()).isTrue();
        assertThat(json.get("verify").get("status").asString()).isEqualTo("passed");
        assertThat(json.get("verify").get("commands")).hasSize(2);
    }

    @Test
    void onlyTheTailOfLongOutputIsRendered() {
        String longOutput = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")) + "\n";
        RecordingCluster cluster = new RecordingCluster("debian12 x3").failWhen("node1", "configure-a", 1, longOutput);

        RunbookResult result = RunbookExecutorTest.THREE_STEPS.runOn(cluster);
        JsonNode json = JSON.readTree(result.toJson());

        String tail = json.get("failure").get("stderr_tail").asString();
        assertThat(tail.lines()).hasSize(RunbookResult.TAIL_LINES).first().isEqualTo("line 81");
        assertThat(tail).endsWith("line 100");
        assertThat(result.toMarkdown()).doesNotContain("line 80\n").contains("line 81\n");
        assertThat(result.failure().orElseThrow().result().stderr()).as("the result itself keeps everything").isEqualTo(longOutput);
    }

    @Test
    void veryLongLinesAreCutToTheCharacterLimit() {
        String wide = "x".repeat(10_000);
        RecordingCluster cluster = new RecordingCluster("debian12 x3").failWhen("node1", "configure-a", 1, wide);

        JsonNode json = JSON.readTree(RunbookExecutorTest.THREE_STEPS.runOn(cluster).toJson());

        String tail = json.get("failure").get("stderr_tail").asString();
        assertThat(tail).startsWith("[...]").hasSize(RunbookResult.TAIL_CHARS + 5);
    }
}
