package sh.antrieb.mcp.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.ChatModel;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.LimitExceededException;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.CommandLog;
import sh.antrieb.mcp.ValidationRuns;
import sh.antrieb.runbook.RunbookException;
import sh.antrieb.runbook.validation.Check;
import sh.antrieb.runbook.validation.Code;
import sh.antrieb.runbook.validation.Convergence;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.Iteration;
import sh.antrieb.runbook.validation.Validation;

/**
 * The {@code validate} tool: one validation pass on a fresh cluster of the account's, returning the
 * findings for the client's own model to act on; with {@code converge} and a model configured on the
 * server, the server's model fixes the code and the result holds the proven runbook. Every command of
 * every pass lands in the account's command log.
 */
final class ValidateTool {
    private static final Logger log = LoggerFactory.getLogger(ValidateTool.class);

    private final AntriebBackend antrieb;
    private final ClusterRegistry registry;
    private final CommandLog commandLog;
    private final ValidationRuns runs;
    private final ChatModel model;
    private final ServerMetrics metrics;

    ValidateTool(AntriebBackend antrieb, ClusterRegistry registry, CommandLog commandLog, ValidationRuns runs, ChatModel model,
                 ServerMetrics metrics) {
        this.runs = runs;
        this.metrics = metrics;
        this.antrieb = antrieb;
        this.registry = registry;
        this.commandLog = commandLog;
        this.model = model;
    }

    @SuppressWarnings("unchecked")
    CallToolResult call(Account account, Map<String, Object> args) {
        Code code;
        try {
            code = Code.of(Code.Language.of((String) args.getOrDefault("language", "bash")), (String) args.get("code"));
        } catch (RunbookException | IllegalArgumentException e) {
            return AntriebTools.error("invalid_arguments", "the code cannot be read: " + e.getMessage());
        }
        ClusterSpec spec;
        if (args.get("cluster") != null) {
            spec = ClusterArguments.toSpec(args.get("cluster"), args.get("networks"), args.get("nics"), account.limits(), null);
        } else if (code.runbook() != null) {
            spec = code.runbook().topology().toClusterSpec().newBuilder().ttl(account.limits().ttl()).build();
            if (spec.nodeCount() - spec.controllerCount() > account.limits().maxNodes()) {
                throw new LimitExceededException("the runbook's topology has " + spec.nodeCount() + " nodes, at most "
                        + account.limits().maxNodes() + " per cluster plus one controller node");
            }
        } else {
            return AntriebTools.error("invalid_arguments", "validate needs cluster (e.g. [\"debian12\"]) unless the code is a runbook,"
                    + " whose topology is the cluster");
        }
        List<Check> checks = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) args.getOrDefault("verify", List.of())) {
            checks.add(new Check((String) c.get("node"), (String) c.get("command")));
        }
        boolean idempotence = !Boolean.FALSE.equals(args.get("idempotence"));
        Function<ClusterSpec, Cluster> provision = s -> registry.provision(account, () -> antrieb.provision(s, account.namespace()));
        Map<String, Object> converge = (Map<String, Object>) args.get("converge");
        try {
            if (converge == null) {
                Findings f = Validation.of(code).on(spec).verify(checks).idempotence(idempotence).build().run(provision);
                logCommands(account, f);
                keep(account, f, null);
                metrics.validated("validate", f.passed() ? "passed" : "failed", 1);
                log.info("account {}: validate on {}: {}", account.name(), f.clusterId(), f.passed() ? "passed" : f.failures().get(0).summary());
                return AntriebTools.ok(Json.readMap(f.toJson()));
            }
            if (model == null) {
                return AntriebTools.error("model_not_configured", "converge needs a model configured on the server (antrieb-mcp http"
                        + " --model-base-url URL --model-name NAME, key in $ANTRIEB_MODEL_API_KEY); without converge, validate returns the"
                        + " findings for your own model to act on");
            }
            int max = converge.get("max_iterations") instanceof Number n ? n.intValue() : 4;
            Convergence c = Convergence.task((String) converge.get("task")).topology(spec).start(code).verify(checks)
                    .idempotence(idempotence).model(model).maxIterations(max).run(provision);
            for (Iteration i : c.iterations()) {
                logCommands(account, i.findings());
                i.troubleshootCommands().forEach(r -> record(account, i.clusterId(), r));
            }
            c.proof().ifPresent(p -> logCommands(account, p));
            keep(account, null, c);
            metrics.validated("converge", c.stop().id(), c.iterations().size());
            log.info("account {}: validate converge: {}", account.name(), c);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("verified", c.verified());
            body.put("stop", c.stop().id());
            body.put("stop_reason", c.stopReason());
            body.put("runbook", c.runbook().orElse(null));
            body.put("report", Json.readMap(c.report().toJson()));
            return AntriebTools.ok(body);
        } catch (IllegalArgumentException | RunbookException e) {
            return AntriebTools.error("invalid_arguments", e.getMessage());
        }
    }

    /** Keeps the run for the dashboard; a run that cannot be kept is logged there, never the caller's failure. */
    private void keep(Account account, Findings f, Convergence c) {
        if (runs == null) {
            return;
        }
        try {
            String id = f != null ? runs.record(account, f) : runs.record(account, c);
            log.debug("account {}: validation run {} kept", account.name(), id);
        } catch (RuntimeException e) {
            log.warn("account {}: cannot keep the validation run: {}", account.name(), e.toString());
        }
    }

    private void logCommands(Account account, Findings f) {
        for (Findings.StepRun s : f.steps()) {
            s.results().forEach(r -> record(account, f.clusterId(), r));
        }
        for (ExecResult r : f.verify()) {
            record(account, f.clusterId(), r);
        }
    }

    private void record(Account account, String clusterId, ExecResult r) {
        commandLog.record(account, clusterId, r, Map.of());
        metrics.executed(r);
    }
}
