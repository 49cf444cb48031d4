package sh.antrieb.runbook.validation.internal;

import java.util.Locale;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import sh.antrieb.ExecResult;
import sh.antrieb.runbook.internal.ResultRenderer;
import sh.antrieb.runbook.validation.Finding;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.Findings.StepRun;

/** Renders {@link Findings} as JSON and markdown; output is shown as tails only. */
public final class FindingsRenderer {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private FindingsRenderer() {
    }

    /** The JSON text. */
    public static String json(Findings f) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree(f));
    }

    /** The JSON object. */
    public static ObjectNode tree(Findings f) {
        ObjectNode root = JSON.createObjectNode();
        root.put("passed", f.passed());
        root.put("language", f.code().language().id());
        root.put("cluster_id", f.clusterId());
        root.put("provision_ms", f.provisionTime().toMillis());
        root.put("duration_ms", f.duration().toMillis());
        root.put("code_ms", f.codeTime().toMillis());
        root.put("idempotence_checked", f.idempotenceChecked());
        f.cluster().ifPresentOrElse(c -> {
            ObjectNode kept = root.putObject("kept_cluster");
            kept.put("session_id", c.id());
            kept.put("expires_at", c.expiresAt().toString());
        }, () -> root.putNull("kept_cluster"));
        ArrayNode failures = root.putArray("failures");
        for (Finding x : f.failures()) {
            ObjectNode o = failures.addObject();
            o.put("phase", x.phase().name().toLowerCase(Locale.ROOT));
            o.put("step", x.step());
            o.put("step_title", x.stepTitle());
            o.put("node", x.node());
            o.put("cause", x.cause().id());
            o.put("summary", x.summary());
            ArrayNode ev = o.putArray("evidence");
            x.evidence().forEach(ev::add);
            o.put("command", x.command());
            o.put("exit_code", x.exitCode());
            o.put("timed_out", x.timedOut());
            o.put("duration_ms", x.duration().toMillis());
            o.put("stdout_tail", x.stdoutTail());
            o.put("stderr_tail", x.stderrTail());
        }
        ArrayNode steps = root.putArray("steps");
        for (StepRun s : f.steps()) {
            ObjectNode o = steps.addObject();
            o.put("run", s.run());
            o.put("number", s.step().number());
            o.put("title", s.step().title());
            o.put("status", s.succeeded() ? (s.changed().isEmpty() ? "passed" : "changed") : "failed");
            o.put("duration_ms", s.duration().toMillis());
            ArrayNode ch = o.putArray("changed");
            s.changed().forEach(ch::add);
            ArrayNode cmds = o.putArray("commands");
            s.results().forEach(r -> command(cmds.addObject(), r));
        }
        ArrayNode verify = root.putArray("verify");
        f.verify().forEach(r -> command(verify.addObject(), r));
        return root;
    }

    static void command(ObjectNode o, ExecResult c) {
        o.put("node", c.node());
        o.put("command", c.command());
        o.put("exit_code", c.exitCode());
        o.put("timed_out", c.timedOut());
        o.put("duration_ms", c.duration().toMillis());
        o.put("stdout_tail", ResultRenderer.tail(c.stdout()));
        o.put("stderr_tail", ResultRenderer.tail(c.stderr()));
    }

    /** The markdown text. */
    public static String markdown(Findings f) {
        StringBuilder md = new StringBuilder();
        md.append("# Validation: ").append(f.passed() ? "passed" : "failed").append("\n\n");
        md.append(f.code().language().id()).append(" on cluster `").append(f.clusterId()).append("`: provisioned in ")
                .append(seconds(f.provisionTime().toMillis())).append(", ran in ").append(seconds(f.duration().toMillis()))
                .append(f.idempotenceChecked() ? ", idempotence checked" : "").append(".\n");
        f.cluster().ifPresent(c -> md.append("\nThe cluster was kept: `").append(c.id()).append("`, until ").append(c.expiresAt()).append(".\n"));
        if (!f.failures().isEmpty()) {
            md.append("\n## Failures\n");
            for (Finding x : f.failures()) {
                md.append("\n### ").append(x.summary()).append("\n\n");
                md.append("Cause: **").append(x.cause().id()).append("**\n\n");
                x.evidence().forEach(l -> md.append("    ").append(l).append('\n'));
                md.append("\nCommand:\n\n");
                ResultRenderer.fenced(md, "sh", x.command());
                if (!x.stderrTail().isEmpty()) {
                    md.append("\nstderr (tail):\n\n");
                    ResultRenderer.fenced(md, "text", x.stderrTail());
                }
                if (!x.stdoutTail().isEmpty()) {
                    md.append("\nstdout (tail):\n\n");
                    ResultRenderer.fenced(md, "text", x.stdoutTail());
                }
            }
        }
        md.append("\n## Steps\n\n");
        for (StepRun s : f.steps()) {
            md.append("- run ").append(s.run()).append(", step ").append(s.step().number()).append(" (").append(s.step().title())
                    .append("): ").append(s.succeeded() ? (s.changed().isEmpty() ? "passed" : "changed " + s.changed().size()) : "failed")
                    .append(", ").append(seconds(s.duration().toMillis())).append('\n');
        }
        if (!f.verify().isEmpty()) {
            md.append("\n## Verify\n\n");
            for (ExecResult r : f.verify()) {
                md.append("- `").append(r.node()).append("` exit ").append(r.exitCode()).append(", ")
                        .append(seconds(r.duration().toMillis())).append(": ")
                        .append(sh.antrieb.runbook.internal.Fences.codeSpan(r.command().lines().findFirst().orElse(""))).append('\n');
            }
        }
        return md.toString();
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
