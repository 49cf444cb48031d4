package sh.antrieb.mcp.internal;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;

/**
 * The server's meters, in one Micrometer registry exposed at {@code /metrics} in the Prometheus text format.
 * The Prometheus names (what {@code docs/grafana/antrieb.json} queries) are:
 * <ul>
 *   <li>{@code antrieb_provision_seconds} (histogram; {@code outcome} = ok | failed): wall time of provision calls
 *       that reached the host (refusals such as limit_exceeded are not provisions);</li>
 *   <li>{@code antrieb_exec_seconds} (histogram; {@code outcome} = ok | nonzero | timed_out | unreachable);</li>
 *   <li>{@code antrieb_clusters_live}, {@code antrieb_nodes_live} (gauges, every account's);</li>
 *   <li>{@code antrieb_tool_calls_total} ({@code tool}) and {@code antrieb_tool_failures_total} ({@code tool},
 *       {@code cause}: the error code the client got, e.g. provision_failed, unknown_session);</li>
 *   <li>{@code antrieb_validation_runs_total} ({@code mode} = validate | converge, {@code outcome} = passed | failed,
 *       or the converge stop, e.g. verified, max_iterations) and {@code antrieb_validation_iterations} (histogram).</li>
 * </ul>
 * Tags are fixed words: no account name, command, node name or environment value ever becomes part of a series.
 */
public final class ServerMetrics {
    private static final Duration[] PROVISION_BUCKETS = durations(1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 90, 120, 180, 300, 600);
    private static final Duration[] EXEC_BUCKETS = durationsMs(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000, 180_000, 600_000);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Meters whose live gauges read {@code clusters}. */
    public ServerMetrics(ClusterRegistry clusters) {
        Gauge.builder("antrieb.clusters.live", clusters, c -> c.listAll().size())
                .description("Clusters alive now, of every account").strongReference(true).register(registry);
        Gauge.builder("antrieb.nodes.live", clusters, c -> c.listAll().stream().mapToInt(x -> x.nodes().size()).sum())
                .description("Nodes of the live clusters, of every account").strongReference(true).register(registry);
        // Every series a dashboard reads exists from the start (at 0), not only after its first event.
        for (String outcome : List.of("ok", "failed")) {
            provisionTimer(outcome);
        }
        for (String outcome : List.of("ok", "nonzero", "timed_out", "unreachable")) {
            execTimer(outcome);
        }
        for (String outcome : List.of("passed", "failed")) {
            validationRuns("validate", outcome);
        }
        for (String mode : List.of("validate", "converge")) {
            iterations(mode);
        }
    }

    /** The registry, for embedders that add meters of their own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Everything in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** The tool failures so far: {@code tool}, {@code cause} and {@code count}, most first. */
    public java.util.List<java.util.Map<String, Object>> failures() {
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (Counter c : registry.find("antrieb.tool.failures").counters()) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("tool", c.getId().getTag("tool"));
            m.put("cause", c.getId().getTag("cause"));
            m.put("count", (long) c.count());
            out.add(m);
        }
        out.sort((a, b) -> Long.compare((Long) b.get("count"), (Long) a.get("count")));
        return out;
    }

    /** A provision that made {@code cluster}. */
    public void provisioned(Cluster cluster) {
        provisionTimer("ok").record(cluster.provisionTime());
    }

    /** A provision that reached the host and failed after {@code elapsed}. */
    public void provisionFailed(Duration elapsed) {
        provisionTimer("failed").record(elapsed);
    }

    private Timer provisionTimer(String outcome) {
        return Timer.builder("antrieb.provision").description("Time to a ready cluster (provision calls that reached the host)")
                .tag("outcome", outcome).serviceLevelObjectives(PROVISION_BUCKETS).register(registry);
    }

    /** One command run through exec (or a validation pass). */
    public void executed(ExecResult r) {
        String outcome = r.timedOut() ? "timed_out" : r.exitCode() == -1 ? "unreachable" : r.exitCode() == 0 ? "ok" : "nonzero";
        execTimer(outcome).record(r.duration());
    }

    private Timer execTimer(String outcome) {
        return Timer.builder("antrieb.exec").description("Duration of commands run on nodes, as the node ran them")
                .tag("outcome", outcome).serviceLevelObjectives(EXEC_BUCKETS).register(registry);
    }

    /** A call of {@code tool}, failed with error code {@code cause} or succeeded ({@code cause} null). */
    public void toolCalled(String tool, String cause) {
        Counter.builder("antrieb.tool.calls").description("Tool calls").tag("tool", tool).register(registry).increment();
        if (cause != null) {
            Counter.builder("antrieb.tool.failures").description("Tool calls that failed, by the error code the client got")
                    .tag("tool", tool).tag("cause", cause).register(registry).increment();
        }
    }

    /** A validation run: {@code mode} validate or converge, its outcome word and the number of iterations it took. */
    public void validated(String mode, String outcome, int iterations) {
        validationRuns(mode, outcome).increment();
        iterations(mode).record(iterations);
    }

    private Counter validationRuns(String mode, String outcome) {
        return Counter.builder("antrieb.validation.runs").description("Validation runs by mode and outcome")
                .tag("mode", mode).tag("outcome", outcome).register(registry);
    }

    private DistributionSummary iterations(String mode) {
        return DistributionSummary.builder("antrieb.validation.iterations").description("Iterations (fresh clusters) per validation run")
                .tag("mode", mode).serviceLevelObjectives(1, 2, 3, 4, 6, 8, 12).register(registry);
    }

    private static Duration[] durations(long... seconds) {
        return java.util.Arrays.stream(seconds).mapToObj(Duration::ofSeconds).toArray(Duration[]::new);
    }

    private static Duration[] durationsMs(long... millis) {
        return java.util.Arrays.stream(millis).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }
}
