package sh.antrieb.junit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;
import sh.antrieb.Faults;
import sh.antrieb.Node;

/**
 * What a person needs to understand a failed test that used clusters: the faults in force on each cluster
 * ({@link Cluster#faults()}), every command run on it with its exit code and the tail of its output, and the
 * tail of each node's console log. {@link #text()}
 * is the full report (written to a file), {@link #summary(String)} the few lines added to the failure.
 *
 * @param testName  the failing test or class
 * @param phase     where it failed, e.g. {@code test} or {@code @BeforeAll}
 * @param failure   the test's exception
 * @param clusters  the clusters in scope, innermost scope first
 * @param testStart when the failing test started, or {@code null}; earlier commands are shown apart
 */
record FailureReport(String testName, String phase, Throwable failure, List<ScopedClusters.Entry> clusters, Instant testStart) {
    static final int OUTPUT_TAIL_LINES = 20;
    static final int COMMAND_HEAD_LINES = 12;
    static final int CONSOLE_TAIL_LINES = 60;
    private static final int SUMMARY_COMMANDS = 3;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final String RULE = "=".repeat(100);

    /** The full report. */
    String text() {
        StringBuilder out = new StringBuilder();
        out.append("Antrieb cluster report\n");
        out.append("test:    ").append(testName).append('\n');
        out.append("phase:   ").append(phase).append('\n');
        out.append("failure: ").append(indentAfterFirst(head(String.valueOf(failure), 30), "         ")).append('\n');
        for (ScopedClusters.Entry entry : clusters) {
            appendCluster(out, entry);
        }
        return out.toString();
    }

    private void appendCluster(StringBuilder out, ScopedClusters.Entry entry) {
        Cluster c = entry.cluster();
        out.append('\n').append(RULE).append('\n');
        out.append("cluster ").append(c.id()).append("  (").append(entry.target()).append(")\n");
        out.append("spec:    ").append(c.spec()).append('\n');
        out.append("nodes:   ").append(c.nodes().stream().map(n -> n.name() + " " + n.ip() + " (" + n.image() + ")")
                .collect(Collectors.joining(", "))).append('\n');
        out.append("state:   ").append(c.isOpen() ? "open" : "closed").append(", provisioned in ")
                .append(seconds(c.provisionTime())).append(" on ").append(c.accelerator())
                .append(", expires ").append(c.expiresAt()).append('\n');
        String faults = faults(c);
        if (faults != null) {
            out.append("faults:  ").append(faults.isEmpty() ? "none in force" : faults).append('\n');
        }
        List<ExecResult> history = c.history();
        long failed = history.stream().filter(r -> !r.succeeded()).count();
        out.append("\n--- commands: ").append(history.size()).append(", ").append(failed).append(" failed\n");
        boolean splitting = testStart != null && history.stream().anyMatch(r -> r.startedAt().isBefore(testStart));
        boolean inTest = false;
        if (splitting) {
            out.append("    (before this test: from @BeforeAll methods and earlier tests)\n");
        }
        int i = 0;
        for (ExecResult r : history) {
            i++;
            if (splitting && !inTest && !r.startedAt().isBefore(testStart)) {
                inTest = true;
                out.append("\n    (during this test)\n");
            }
            appendCommand(out, i, r);
        }
        for (Node n : c.nodes()) {
            out.append("\n--- console of ").append(n.name()).append(" (last ").append(CONSOLE_TAIL_LINES).append(" lines)\n");
            out.append(indent(consoleTail(c, n.name()), "    | ")).append('\n');
        }
    }

    private static void appendCommand(StringBuilder out, int i, ExecResult r) {
        out.append("\n#").append(i).append("  ").append(TIME.format(r.startedAt())).append("  ").append(r.node())
                .append("  exit ").append(r.exitCode()).append(r.timedOut() ? " (timed out)" : "")
                .append(" in ").append(r.duration().toMillis()).append(" ms\n");
        out.append(indent(head(r.command(), COMMAND_HEAD_LINES), "    $ ")).append('\n');
        appendOutput(out, "stdout", r.stdout());
        appendOutput(out, "stderr", r.stderr());
    }

    private static void appendOutput(StringBuilder out, String name, String text) {
        String trimmed = stripTrailingNewlines(text);
        if (trimmed.isEmpty()) {
            out.append("    ").append(name).append(": (empty)\n");
            return;
        }
        long lines = trimmed.lines().count();
        out.append("    ").append(name).append(lines > OUTPUT_TAIL_LINES ? " (last " + OUTPUT_TAIL_LINES + " of " + lines + " lines)" : "")
                .append(":\n");
        out.append(indent(ExecResult.tail(trimmed, OUTPUT_TAIL_LINES), "    | ")).append('\n');
    }

    /** The faults in force on {@code c} ({@code "; "}-separated, empty for none), or null where it has no faults. */
    private static String faults(Cluster c) {
        try {
            return c.faults().active().stream().map(Faults.Active::description).collect(Collectors.joining("; "));
        } catch (UnsupportedOperationException e) {
            return null;
        } catch (RuntimeException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    private static String consoleTail(Cluster c, String node) {
        try {
            String tail = stripTrailingNewlines(c.consoleTail(node, CONSOLE_TAIL_LINES));
            return tail.isEmpty() ? "(empty)" : tail;
        } catch (RuntimeException e) {
            return "(console log unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * The lines added to the failure: per cluster, how many commands ran and failed, the last failed
     * command with its stderr tail, and the last commands; then where the full report is.
     *
     * @param reportLocation where the full report was published
     */
    String summary(String reportLocation) {
        StringBuilder out = new StringBuilder("Antrieb: ");
        out.append(clusters.size() == 1 ? "1 cluster" : clusters.size() + " clusters").append(" in use; full report with every command and the node consoles: ")
                .append(reportLocation);
        for (ScopedClusters.Entry entry : clusters) {
            List<ExecResult> history = entry.cluster().history();
            List<ExecResult> failed = history.stream().filter(r -> !r.succeeded()).toList();
            out.append("\n  cluster ").append(entry.cluster().id()).append(" (").append(entry.target()).append("): ")
                    .append(history.size()).append(history.size() == 1 ? " command, " : " commands, ")
                    .append(failed.size()).append(" failed");
            String faults = faults(entry.cluster());
            if (faults != null && !faults.isEmpty()) {
                out.append("\n    faults in force: ").append(faults);
            }
            if (!failed.isEmpty()) {
                ExecResult last = failed.get(failed.size() - 1);
                out.append("\n    last failed: ").append(last.summary());
                String err = stripTrailingNewlines(last.stderr());
                if (!err.isEmpty()) {
                    out.append("\n").append(indent(ExecResult.tail(err, 3), "      stderr| "));
                }
            }
            for (ExecResult r : history.subList(Math.max(0, history.size() - SUMMARY_COMMANDS), history.size())) {
                out.append("\n    ").append(r.summary());
            }
        }
        return out.toString();
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String head(String text, int lines) {
        List<String> all = stripTrailingNewlines(text).lines().toList();
        if (all.size() <= lines) {
            return String.join("\n", all);
        }
        return String.join("\n", all.subList(0, lines)) + "\n... (" + (all.size() - lines) + " more lines)";
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).collect(Collectors.joining("\n"));
    }

    private static String indentAfterFirst(String text, String prefix) {
        return text.replace("\n", "\n" + prefix);
    }

    static String stripTrailingNewlines(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
