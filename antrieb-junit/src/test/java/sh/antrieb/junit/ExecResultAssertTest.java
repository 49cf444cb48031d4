package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import sh.antrieb.ExecResult;

class ExecResultAssertTest {

    static ExecResult result(int exit, String stdout, String stderr) {
        return new ExecResult("node2", "curl -s http://node1/", exit, stdout, stderr, Instant.now(), Duration.ofMillis(42), false);
    }

    @Test
    void passingAssertionsChain() {
        assertThat(result(0, "hello from node2\n", ""))
                .succeeded()
                .exitCode(0)
                .stdoutContains("hello", "node2")
                .stdoutDoesNotContain("node3")
                .stdoutIsEqualTo("hello from node2")
                .stdoutMatches("hello from node\\d")
                .stdoutContainsPattern("node[23]")
                .stderrIsEmpty();
        assertThat(result(7, "", "curl: (7) Failed to connect\n")).failed().exitCode(7).stderrContains("Failed to connect");
        assertThat(new ExecResult("node1", "sleep 100", -1, "", "command timed out after 1 s", Instant.now(), Duration.ofSeconds(1), true))
                .timedOut().exitCode(-1);
        org.assertj.core.api.Assertions.assertThat(result(0, "a\nb\n", "").stdout().lines()).containsExactly("a", "b");
        assertThat(result(0, "a\nb\n", "")).stdout().endsWith("b\n");
    }

    @Test
    void succeededFailureShowsNodeCommandExitCodeAndOutput() {
        ExecResult r = result(7, "partial output\n", "curl: (7) Failed to connect to node1 port 80\n");
        assertThatThrownBy(() -> assertThat(r).succeeded())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting the command to succeed, but it exited with 7")
                .hasMessageContaining("node: node2")
                .hasMessageContaining("curl -s http://node1/")
                .hasMessageContaining("partial output")
                .hasMessageContaining("curl: (7) Failed to connect to node1 port 80");
    }

    @Test
    void succeededFailsOnTimeoutEvenWithoutExitStatus() {
        ExecResult r = new ExecResult("node1", "sleep 100", -1, "", "timed out", Instant.now(), Duration.ofSeconds(1), true);
        assertThatThrownBy(() -> assertThat(r).succeeded()).hasMessageContaining("timed out");
        assertThatThrownBy(() -> assertThat(r).failed()).hasMessageContaining("but it timed out");
    }

    @Test
    void failedRejectsSuccessAndUnreachableNodes() {
        assertThatThrownBy(() -> assertThat(result(0, "", "")).failed()).hasMessageContaining("but it exited with 0");
        assertThatThrownBy(() -> assertThat(result(-1, "", "node unreachable")).failed()).hasMessageContaining("no exit status");
    }

    @Test
    void outputAssertionsShowTheOutput() {
        ExecResult r = result(0, "Welcome to nginx!\n", "");
        assertThatThrownBy(() -> assertThat(r).stdoutContains("node3"))
                .hasMessageContaining("Expecting stdout to contain \"node3\"").hasMessageContaining("Welcome to nginx!");
        assertThatThrownBy(() -> assertThat(r).stdoutIsEqualTo("node3"))
                .hasMessageContaining("Expecting stdout to be \"node3\"").hasMessageContaining("Welcome to nginx!");
        assertThatThrownBy(() -> assertThat(r).stdoutMatches("node\\d")).hasMessageContaining("node\\d");
        assertThatThrownBy(() -> assertThat(r).stdoutDoesNotContain("nginx")).hasMessageContaining("not to contain \"nginx\"");
        assertThatThrownBy(() -> assertThat(r).stderrContains("warning")).hasMessageContaining("Expecting stderr to contain \"warning\"");
        assertThatThrownBy(() -> assertThat(r).exitCode(3)).hasMessageContaining("Expecting exit code 3, but it was 0");
        assertThatThrownBy(() -> assertThat(r).timedOut()).hasMessageContaining("to time out");
        assertThatThrownBy(() -> assertThat(r).stdout().contains("node3")).hasMessageContaining("stdout of node2 $ curl");
    }

    @Test
    void longOutputIsShownAsItsTail() {
        String many = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        assertThatThrownBy(() -> assertThat(result(1, many, "")).succeeded())
                .hasMessageContaining("last " + ExecResultAssert.TAIL_LINES + " of 100 lines")
                .hasMessageContaining("line 100")
                .hasMessageNotContaining("line 85\n");
    }

    @Test
    void percentSignsInOutputAreNotFormatPatterns() {
        assertThatThrownBy(() -> assertThat(result(1, "disk 100% full %s %d\n", "")).succeeded())
                .hasMessageContaining("disk 100% full %s %d");
    }

    @Test
    void descriptionIsKept() {
        assertThatThrownBy(() -> assertThat(result(1, "", "")).as("balancer").succeeded()).hasMessageContaining("[balancer]");
    }

    @Test
    void nullActualFailsClearly() {
        assertThatThrownBy(() -> assertThat((ExecResult) null).succeeded()).hasMessageContaining("Expecting actual not to be null");
    }
}
