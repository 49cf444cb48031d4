package sh.antrieb.runbook.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import sh.antrieb.ExecResult;
import sh.antrieb.runbook.RunbookResult;
import sh.antrieb.runbook.RunbookResult.Failure;
import sh.antrieb.runbook.RunbookResult.FiredFault;
import sh.antrieb.runbook.RunbookResult.StepResult;
import sh.antrieb.runbook.Step;

/** Renders a {@link RunbookResult} as markdown for people and as JSON for programs; both show output tails only. */
public final class ResultRenderer {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ResultRenderer() {
    }

    /** The markdown report. */
    public static String markdown(RunbookResult r) {
        StringBuilder md = new StringBuilder();
        md.append("# Runbook run: ").append(r.runbook().title()).append("\n\n");
        int commands = r.commands().size();
        if (r.succeeded()) {
            md.append("**Result: succeeded.** ").append(r.runbook().steps().size()).append(" step(s) and ")
                    .append(r.verify().size()).append(" verify command(s) passed");
            if (r.verify().isEmpty()) {
                md.append(" (the runbook has no verify commands: nothing beyond the steps was proven)");
            }
            md.append('.');
        } else {
            Failure f = r.failure().orElseThrow();
            md.append("**Result: failed** at ").append(f.summary()).append('.');
        }
        md.append(" Cluster `").append(r.clusterId()).append("`, ").append(commands).append(" command(s), ")
                .append(r.faults().isEmpty() ? "" : r.faults().size() + " fault(s) made, ")
                .append(seconds(r.duration().toMillis())).append(" in all.\n");

        r.failure().ifPresent(f -> {
            md.append("\n## Failure\n\n");
            md.append(f.phase() == RunbookResult.Phase.STEP ? "Step " + f.step() + " (" + f.title() + ")" : "Verify")
                    .append(", node `").append(f.node()).append("`, exit code ").append(f.exitCode())
                    .append(f.result().timedOut() ? " (timed out)" : "").append(":\n\n");
            fenced(md, "sh", f.command());
            output(md, f.result());
        });

        md.append("\n## Steps\n");
        List<StepResult> ran = r.steps();
        for (Step step : r.runbook().steps()) {
            StepResult sr = ran.stream().filter(s -> s.number() == step.number()).findFirst().orElse(null);
            String status = sr == null ? "not run" : sr.succeeded() ? "passed" : "failed";
            md.append("\n### ").append(step.number()).append(". ").append(step.title()).append(": ").append(status).append('\n');
            if (sr != null) {
                inOrder(sr, f -> fault(md, f), c -> command(md, c));
            }
        }

        md.append("\n## Verify: ").append(verifyStatus(r)).append('\n');
        r.verify().forEach(c -> command(md, c));
        if (!r.healed().isEmpty()) {
            md.append("\n## Faults healed at the end of the run\n\n");
            r.healed().forEach(a -> md.append("- ").append(a.description()).append('\n'));
        }
        return md.toString();
    }

    /** The JSON report. */
    public static String json(RunbookResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", r.runbook().title());
        root.put("succeeded", r.succeeded());
        root.put("cluster_id", r.clusterId());
        root.put("started_at", r.startedAt().toString());
        root.put("duration_ms", r.duration().toMillis());
        ArrayNode steps = root.putArray("steps");
        for (Step step : r.runbook().steps()) {
            StepResult sr = r.steps().stream().filter(s -> s.number() == step.number()).findFirst().orElse(null);
            ObjectNode s = steps.addObject();
            s.put("number", step.number());
            s.put("title", step.title());
            s.put("status", sr == null ? "not_run" : sr.succeeded() ? "passed" : "failed");
            ArrayNode cmds = s.putArray("commands");
            ArrayNode faults = s.putArray("faults");
            if (sr != null) {
                sr.commands().forEach(c -> command(cmds.addObject(), c));
                sr.faults().forEach(f -> fault(faults.addObject(), f));
            }
        }
        ObjectNode verify = root.putObject("verify");
        verify.put("status", verifyStatus(r).replace(' ', '_'));
        ArrayNode vcmds = verify.putArray("commands");
        r.verify().forEach(c -> command(vcmds.addObject(), c));
        ArrayNode healed = root.putArray("faults_healed");
        r.healed().forEach(a -> healed.add(a.description()));
        r.failure().ifPresentOrElse(f -> {
            ObjectNode fo = root.putObject("failure");
            fo.put("phase", f.phase().name().toLowerCase(Locale.ROOT));
            fo.put("step", f.step());
            fo.put("title", f.title());
            fo.put("message", f.summary());
            command(fo, f.result());
        }, () -> root.putNull("failure"));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void command(ObjectNode o, ExecResult c) {
        o.put("node", c.node());
        o.put("command", c.command());
        o.put("exit_code", c.exitCode());
        o.put("timed_out", c.timedOut());
        o.put("duration_ms", c.duration().toMillis());
        o.put("stdout_tail", tail(c.stdout()));
        o.put("stderr_tail", tail(c.stderr()));
    }

    private static void fault(ObjectNode o, FiredFault f) {
        o.put("fault", f.fault().toString());
        o.put("action", f.fault().action().id());
        ArrayNode nodes = o.putArray("nodes");
        f.fault().nodesNamed().forEach(nodes::add);
        o.put("line", f.line());
        o.put("duration_ms", f.duration().toMillis());
        o.put("message", f.fault().done());
    }

    private static void fault(StringBuilder md, FiredFault f) {
        md.append("\n- fault ").append(inlineCode(f.fault().toString())).append(f.line() > 0 ? " (line " + f.line() + ")" : "")
                .append(", ").append(seconds(f.duration().toMillis())).append(": ").append(f.fault().done()).append('\n');
    }

    /** The step's faults and commands in the order they were made and ran. */
    private static void inOrder(StepResult sr, Consumer<FiredFault> faults, Consumer<ExecResult> commands) {
        List<Object> all = new ArrayList<>(sr.faults());
        all.addAll(sr.commands());
        all.sort(Comparator.comparing(o -> o instanceof FiredFault f ? f.startedAt() : ((ExecResult) o).startedAt()));
        for (Object o : all) {
            if (o instanceof FiredFault f) {
                faults.accept(f);
            } else {
                commands.accept((ExecResult) o);
            }
        }
    }

    private static String verifyStatus(RunbookResult r) {
        if (!r.verifyRan()) {
            return "not run";
        }
        return r.failure().isPresent() ? "failed" : "passed";
    }

    private static void command(StringBuilder md, ExecResult c) {
        String first = c.command().lines().findFirst().orElse("");
        long more = c.command().lines().count() - 1;
        md.append("\n- `").append(c.node()).append("` exit ").append(c.exitCode()).append(c.timedOut() ? " (timed out)" : "")
                .append(", ").append(seconds(c.duration().toMillis())).append(": ").append(inlineCode(first))
                .append(more > 0 ? " (+" + more + " line" + (more > 1 ? "s" : "") + ")" : "").append("\n");
        if (!tail(c.stdout()).isEmpty() || !tail(c.stderr()).isEmpty()) {
            StringBuilder inner = new StringBuilder();
            output(inner, c);
            inner.toString().lines().forEach(l -> md.append(l.isEmpty() ? "" : "  ").append(l).append('\n'));
        }
    }

    private static void output(StringBuilder md, ExecResult c) {
        String out = tail(c.stdout());
        String err = tail(c.stderr());
        if (!out.isEmpty()) {
            md.append("\nstdout (tail):\n\n");
            fenced(md, "text", out);
        }
        if (!err.isEmpty()) {
            md.append("\nstderr (tail):\n\n");
            fenced(md, "text", err);
        }
    }

    /** The last {@link RunbookResult#TAIL_LINES} lines of {@code text}, at most {@link RunbookResult#TAIL_CHARS} characters. */
    public static String tail(String text) {
        if (text == null) {
            return "";
        }
        String t = ExecResult.tail(text.stripTrailing(), RunbookResult.TAIL_LINES);
        if (t.length() > RunbookResult.TAIL_CHARS) {
            t = "[...]" + t.substring(t.length() - RunbookResult.TAIL_CHARS);
        }
        return t;
    }

    /** Appends {@code content} in a fenced block whose fence is longer than any backtick run inside. */
    public static void fenced(StringBuilder md, String info, String content) {
        String fence = Fences.fenceFor(content);
        md.append(fence).append(info).append('\n').append(content);
        if (!content.endsWith("\n")) {
            md.append('\n');
        }
        md.append(fence).append('\n');
    }

    private static String inlineCode(String s) {
        return Fences.codeSpan(s.length() > 100 ? s.substring(0, 97) + "..." : s);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
