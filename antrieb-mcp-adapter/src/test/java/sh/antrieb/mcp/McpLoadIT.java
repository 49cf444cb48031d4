package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.Antrieb;

/**
 * A bounded load on the MCP server over HTTP, small enough for CI ({@link McpLoad}; the benchmark runs it at
 * 4 accounts x 2 clusters x 8 execs for minutes, figures in docs/benchmarks.md): 2 accounts with one real
 * 1-node cluster each, 4 execs in flight per cluster for 20 s. Every call is answered as it should be, and
 * after the load the process holds no more file descriptors or threads than after its warm-up wave.
 */
class McpLoadIT {
    @TempDir
    Path state;

    @Test
    void theServerHoldsABoundedLoadWithoutLosingACall() throws Exception {
        try (Antrieb antrieb = ItSupport.antrieb().catalogDir(state.resolve("catalog")).build()) {
            McpLoad.Result r = McpLoad.run(antrieb, state, 2, 1, 4, Duration.ofSeconds(20), Duration.ofSeconds(2));
            System.out.println("McpLoadIT: " + r);
            assertThat(r.failures()).as("calls not answered as they should be: %s", r.failureSamples()).isZero();
            assertThat(r.calls()).as("calls made").isGreaterThan(40);
            assertThat(r.fdsAfter()).as("file descriptors after the load (before: %d)", r.fdsBefore()).isLessThanOrEqualTo(r.fdsBefore() + 4);
            assertThat(r.threadsAfter()).as("threads after the load (before: %d)", r.threadsBefore()).isLessThanOrEqualTo(r.threadsBefore() + 4);
            assertThat(antrieb.clusters()).isEmpty();
        }
    }
}
