package sh.antrieb.mcp.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import sh.antrieb.Cluster;
import sh.antrieb.Fault;
import sh.antrieb.Faults;
import sh.antrieb.Link;
import sh.antrieb.mcp.Account;

/**
 * The {@code fault} tool: {@link Faults} of one of the account's clusters, one action per call, answered with
 * the faults in force afterwards. The arguments are checked here in the tool's words, then become a {@link Fault}
 * (the value a runbook's fault block becomes too) that is applied.
 */
final class FaultTool {
    private static final Logger log = LoggerFactory.getLogger(FaultTool.class);

    private final ClusterRegistry registry;

    FaultTool(ClusterRegistry registry) {
        this.registry = registry;
    }

    CallToolResult call(Account account, Map<String, Object> args) {
        String sessionId = (String) args.get("session_id");
        String action = (String) args.get("action");
        List<String> nodes = strings(args.get("nodes"));
        List<String> others = strings(args.get("others"));
        String problem = check(action, nodes, others, args);
        if (problem != null) {
            return AntriebTools.error("invalid_arguments", problem);
        }
        Cluster c = registry.find(account, sessionId);
        Faults faults;
        String done;
        try {
            faults = c.faults();
            if (action.equals("list")) {
                done = "faults in force listed";
            } else {
                // One model of the actions with runbooks' fault blocks: the arguments become a Fault, applied as one.
                Fault fault = new Fault(Fault.Action.byId(action), nodes, others, action.equals("link") ? link(args) : null);
                fault.applyTo(faults);
                done = fault.done();
            }
        } catch (IllegalArgumentException e) {
            return AntriebTools.error("invalid_arguments", e.getMessage());
        } catch (IllegalStateException e) {
            return AntriebTools.error("invalid_state", e.getMessage());
        } catch (UnsupportedOperationException e) {
            return AntriebTools.error("unsupported", e.getMessage());
        }
        List<Map<String, Object>> active = new ArrayList<>();
        for (Faults.Active a : faults.active()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", a.kind());
            m.put("nodes", a.nodes());
            m.put("description", a.description());
            active.add(m);
        }
        if (!action.equals("list")) {
            log.info("account {}: cluster {}: fault {}: {}", account.name(), sessionId, action, done);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("session_id", sessionId);
        r.put("action", action);
        r.put("active", active);
        r.put("message", capitalized(done) + ". In force: " + (active.isEmpty() ? "none"
                : String.join("; ", faults.active().stream().map(Faults.Active::description).toList())) + ".");
        return AntriebTools.ok(r);
    }

    /** What is wrong with the arguments for {@code action}, or null. */
    static String check(String action, List<String> nodes, List<String> others, Map<String, Object> args) {
        if (!action.equals("list") && Fault.Action.byId(action) == null) {
            return "unknown fault action '" + action + "': give one of " + Fault.Action.ids() + ", list";
        }
        boolean takesNodes = !action.equals("heal") && !action.equals("list");
        if (takesNodes && nodes.isEmpty()) {
            return "fault " + action + " needs nodes, e.g. \"nodes\": [\"node1\"]";
        }
        if (!takesNodes && (!nodes.isEmpty() || !others.isEmpty())) {
            return "fault " + action + " takes no nodes: it acts on the whole cluster";
        }
        if (action.equals("partition") && others.isEmpty() && nodes.size() != 2) {
            return "fault partition needs two nodes (\"nodes\": [\"node1\", \"node2\"]), or one side in nodes and the other in others";
        }
        if (!action.equals("partition") && !others.isEmpty()) {
            return "others is for partition only";
        }
        boolean linkArgs = args.containsKey("latency_ms") || args.containsKey("jitter_ms") || args.containsKey("loss");
        if (action.equals("link") && !linkArgs) {
            return "fault link needs latency_ms, loss or both (jitter_ms with latency_ms), e.g. \"latency_ms\": 200, \"loss\": 0.05";
        }
        if (!action.equals("link") && linkArgs) {
            return "latency_ms, jitter_ms and loss are for link only";
        }
        return null;
    }

    private static Link link(Map<String, Object> args) {
        long latency = args.get("latency_ms") instanceof Number n ? n.longValue() : 0;
        long jitter = args.get("jitter_ms") instanceof Number n ? n.longValue() : 0;
        double loss = args.get("loss") instanceof Number n ? n.doubleValue() : 0;
        return Link.latency(Duration.ofMillis(latency)).jitter(Duration.ofMillis(jitter)).loss(loss);
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().map(String::valueOf).toList();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
