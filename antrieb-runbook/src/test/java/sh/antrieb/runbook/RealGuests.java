package sh.antrieb.runbook;

import java.time.Duration;

import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/** What the runbook integration tests share: a client for real, small guests under slow software emulation. */
public final class RealGuests {
    /** One vCPU boots fastest under software emulation on two host cores; 768 MiB is plenty for apt and Ansible. */
    public static final VmSize SMALL = VmSize.of(1, 768);

    private RealGuests() {
    }

    /**
     * A client with small VMs and patient timeouts. A runbook that installs packages under TCG runs for
     * minutes, so the cluster TTL is longer than the product's default: a slow CI machine must see a
     * runbook fail, not its cluster expire under it.
     */
    public static Antrieb client() {
        return Antrieb.builder()
                .defaultVmSize(SMALL)
                .bootTimeout(Duration.ofMinutes(5))
                .queueTimeout(Duration.ofMinutes(10))
                .maxTtl(Duration.ofMinutes(25))
                .defaultTtl(Duration.ofMinutes(25))
                .build();
    }

    /** Logs how long each step and verify block took on each node: where a slow CI run spends its time. */
    public static void logTimings(org.slf4j.Logger log, RunbookResult result) {
        for (RunbookResult.StepResult step : result.steps()) {
            log.info("  step {} ({}): {}", step.number(), step.title(), timings(step.commands()));
        }
        if (result.verifyRan()) {
            log.info("  verify: {}", timings(result.verify()));
        }
        log.info("  total {} on {}", seconds(result.duration()), result.clusterId());
    }

    private static String timings(java.util.List<sh.antrieb.ExecResult> commands) {
        return commands.stream().map(r -> r.node() + " " + seconds(r.duration()) + " exit " + r.exitCode())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Whole seconds with one decimal, for logs. */
    public static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
