package sh.antrieb.runbook.validation.internal;

import java.time.Duration;
import java.util.Locale;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import sh.antrieb.ExecResult;
import sh.antrieb.runbook.internal.ResultRenderer;
import sh.antrieb.runbook.validation.Convergence;
import sh.antrieb.runbook.validation.Iteration;
import sh.antrieb.runbook.validation.ModelExchange;

/** Renders a {@link Convergence} as JSON, markdown and HTML. */
public final class ReportRenderer {
    private ReportRenderer() {
    }

    /** The JSON object. */
    public static ObjectNode tree(Convergence c) {
        ObjectNode root = FindingsRenderer.JSON.createObjectNode();
        root.put("task", c.task());
        root.put("verified", c.verified());
        root.put("stop", c.stop().id());
        root.put("stop_reason", c.stopReason());
        root.put("started_at", c.startedAt().toString());
        ObjectNode t = root.putObject("timings_ms");
        t.put("wall", c.duration().toMillis());
        t.put("provisioning", c.provisionTime().toMillis());
        t.put("code", c.codeTime().toMillis());
        t.put("model", c.modelTime().toMillis());
        t.put("troubleshooting", c.troubleshootTime().toMillis());
        t.put("teardown", c.teardownTime().toMillis());
        t.put("engine", c.engineTime().toMillis());
        ArrayNode ids = root.putArray("clusters");
        c.clusterIds().forEach(ids::add);
        c.keptCluster().ifPresentOrElse(k -> {
            ObjectNode kept = root.putObject("kept_cluster");
            kept.put("session_id", k.id());
            kept.put("expires_at", k.expiresAt().toString());
        }, () -> root.putNull("kept_cluster"));
        ArrayNode its = root.putArray("iterations");
        for (Iteration i : c.iterations()) {
            ObjectNode o = its.addObject();
            o.put("number", i.number());
            o.put("cluster_id", i.clusterId());
            o.put("passed", i.passed());
            o.put("language", i.code().language().id());
            o.put("code", i.code().text());
            o.put("path", i.recovery().map(p -> p.id()).orElse(null));
            o.put("reason", i.reason());
            o.put("duration_ms", i.duration().toMillis());
            o.set("findings", FindingsRenderer.tree(i.findings()));
            ArrayNode tc = o.putArray("troubleshoot_commands");
            i.troubleshootCommands().forEach(r -> FindingsRenderer.command(tc.addObject(), r));
            ArrayNode ex = o.putArray("model_exchanges");
            for (ModelExchange e : i.exchanges()) {
                ObjectNode eo = ex.addObject();
                eo.put("role", e.role().id());
                eo.put("request", e.request());
                eo.put("reply", e.reply());
                eo.put("duration_ms", e.duration().toMillis());
            }
        }
        root.put("runbook", c.runbook().orElse(null));
        c.proof().ifPresentOrElse(p -> root.set("proof", FindingsRenderer.tree(p)), () -> root.putNull("proof"));
        return root;
    }

    /** The JSON text. */
    public static String json(Convergence c) {
        return FindingsRenderer.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree(c));
    }

    /** The markdown text. */
    public static String markdown(Convergence c) {
        StringBuilder md = new StringBuilder();
        md.append("# Convergence: ").append(c.verified() ? "verified" : c.stop().id()).append("\n\n");
        md.append("Task: ").append(c.task().strip()).append("\n\n");
        md.append("**").append(c.stopReason()).append("**\n\n");
        md.append("| wall | provisioning | code | model | troubleshooting | teardown | engine | clusters |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        md.append("| ").append(sec(c.duration())).append(" | ").append(sec(c.provisionTime())).append(" | ").append(sec(c.codeTime()))
                .append(" | ").append(sec(c.modelTime())).append(" | ").append(sec(c.troubleshootTime())).append(" | ")
                .append(sec(c.teardownTime())).append(" | ").append(sec(c.engineTime())).append(" | ").append(c.clusterIds().size())
                .append(" |\n");
        c.keptCluster().ifPresent(k -> md.append("\nKept cluster: `").append(k.id()).append("` until ").append(k.expiresAt()).append('\n'));
        for (Iteration i : c.iterations()) {
            md.append("\n## Iteration ").append(i.number()).append(": ").append(i.passed() ? "passed" : "failed")
                    .append(" on cluster `").append(i.clusterId()).append("` (").append(sec(i.duration())).append(")\n\n");
            i.recovery().ifPresent(p -> md.append("Recovery: **").append(p.id()).append("**: ").append(i.reason()).append("\n\n"));
            if (i.recovery().isEmpty() && !i.reason().isEmpty()) {
                md.append(i.reason()).append("\n\n");
            }
            md.append("Code:\n\n");
            ResultRenderer.fenced(md, i.code().language() == sh.antrieb.runbook.validation.Code.Language.ANSIBLE ? "yaml" : "sh",
                    i.code().text());
            i.findings().failures().forEach(f -> {
                md.append("\n- ").append(f.summary()).append('\n');
                f.evidence().stream().skip(1).limit(20).forEach(l -> md.append("    ").append(l).append('\n'));
            });
            if (!i.troubleshootCommands().isEmpty()) {
                md.append("\nTroubleshooting commands:\n");
                for (ExecResult r : i.troubleshootCommands()) {
                    md.append("\n- `").append(r.node()).append("` exit ").append(r.exitCode()).append(": ")
                            .append(sh.antrieb.runbook.internal.Fences.codeSpan(r.command().lines().findFirst().orElse(""))).append('\n');
                }
            }
            if (!i.exchanges().isEmpty()) {
                md.append("\nModel:\n");
                for (ModelExchange e : i.exchanges()) {
                    md.append("\n- ").append(e.role().id()).append(" (").append(sec(e.duration())).append("): ")
                            .append(sh.antrieb.runbook.internal.Fences.codeSpan(oneLine(e.reply()))).append('\n');
                }
            }
        }
        c.runbook().ifPresent(rb -> {
            md.append("\n## Distilled runbook").append(c.verified() ? " (proven)" : "").append("\n\n");
            ResultRenderer.fenced(md, "markdown", rb);
        });
        c.proof().ifPresent(p -> md.append("\n## Proof on cluster `").append(p.clusterId()).append("`: ")
                .append(p.passed() ? "passed" : p.failures().get(0).summary()).append('\n'));
        return md.toString();
    }

    /** A self-contained HTML page: the markdown report's content, escaped, with a little structure. */
    public static String html(Convergence c) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Convergence: ").append(esc(c.task().lines()
                .findFirst().orElse(""))).append("</title>\n<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
                + "pre{background:#f4f4f4;padding:.6em;overflow-x:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
                + "padding:.2em .6em}.ok{color:#070}.bad{color:#a00}</style></head><body>\n");
        h.append("<h1 class=\"").append(c.verified() ? "ok" : "bad").append("\">Convergence: ").append(esc(c.verified() ? "verified" : c.stop().id()))
                .append("</h1>\n<p>").append(esc(c.task())).append("</p>\n<p><b>").append(esc(c.stopReason())).append("</b></p>\n");
        h.append("<table><tr><th>wall</th><th>provisioning</th><th>code</th><th>model</th><th>troubleshooting</th><th>teardown</th>"
                + "<th>engine</th><th>clusters</th></tr><tr>");
        for (Duration d : new Duration[] {c.duration(), c.provisionTime(), c.codeTime(), c.modelTime(), c.troubleshootTime(),
                c.teardownTime(), c.engineTime()}) {
            h.append("<td>").append(sec(d)).append("</td>");
        }
        h.append("<td>").append(c.clusterIds().size()).append("</td></tr></table>\n");
        for (Iteration i : c.iterations()) {
            h.append("<h2 class=\"").append(i.passed() ? "ok" : "bad").append("\">Iteration ").append(i.number()).append(": ")
                    .append(i.passed() ? "passed" : "failed").append(" on <code>").append(esc(i.clusterId())).append("</code></h2>\n");
            i.recovery().ifPresent(p -> h.append("<p>Recovery: <b>").append(p.id()).append("</b>: ").append(esc(i.reason())).append("</p>\n"));
            h.append("<pre>").append(esc(i.code().text())).append("</pre>\n");
            if (!i.findings().failures().isEmpty()) {
                h.append("<ul>");
                i.findings().failures().forEach(f -> h.append("<li>").append(esc(f.summary())).append("<pre>")
                        .append(esc(String.join("\n", f.evidence()))).append("</pre></li>"));
                h.append("</ul>\n");
            }
            h.append("<details><summary>commands</summary><pre>");
            i.findings().steps().forEach(sr -> sr.results().forEach(r -> h.append(esc(line(r))).append('\n')));
            i.findings().verify().forEach(r -> h.append(esc(line(r))).append('\n'));
            i.troubleshootCommands().forEach(r -> h.append(esc("troubleshoot " + line(r))).append('\n'));
            h.append("</pre></details>\n");
            if (!i.exchanges().isEmpty()) {
                h.append("<details><summary>model</summary>");
                for (ModelExchange e : i.exchanges()) {
                    h.append("<h3>").append(e.role().id()).append(" (").append(sec(e.duration())).append(")</h3><pre>")
                            .append(esc(e.request())).append("</pre><pre>").append(esc(e.reply())).append("</pre>");
                }
                h.append("</details>\n");
            }
        }
        c.runbook().ifPresent(rb -> h.append("<h2>Distilled runbook").append(c.verified() ? " (proven)" : "").append("</h2><pre>")
                .append(esc(rb)).append("</pre>\n"));
        c.proof().ifPresent(p -> h.append("<p>Proof on <code>").append(esc(p.clusterId())).append("</code>: ")
                .append(esc(p.passed() ? "passed" : p.failures().get(0).summary())).append("</p>\n"));
        return h.append("</body></html>\n").toString();
    }

    private static String line(ExecResult r) {
        return r.node() + " exit " + r.exitCode() + " " + r.duration().toMillis() + " ms: " + r.command().lines().findFirst().orElse("");
    }

    private static String oneLine(String s) {
        String l = s.replaceAll("\\s+", " ").strip();
        return l.length() > 120 ? l.substring(0, 117) + "..." : l;
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String sec(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
