package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import sh.antrieb.AntriebException;
import sh.antrieb.Artifact;
import sh.antrieb.Catalog;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Image;
import sh.antrieb.ImageRef;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.Node;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.AccountLimits;
import sh.antrieb.mcp.CommandLog;
import sh.antrieb.mcp.ValidationRuns;

/**
 * The tools ({@code provision}, {@code exec}, {@code save}, {@code search}, {@code delete}, {@code validate},
 * {@code fault}): their definitions (loaded from {@code /sh/antrieb/mcp/tools/<name>.json}) and their handlers,
 * independent of the transport. Every result, success or failure, is a JSON object given twice: as the text of the first
 * content item and as structured content. Failures are {@code {"error": code, "message": ...}} with
 * {@code isError}; the one exception is a gone cluster on exec/delete, a JSON-RPC error whose message
 * starts with {@code cluster_expired}, as existing Antrieb clients expect.
 */
public final class AntriebTools {
    private static final Logger log = LoggerFactory.getLogger(AntriebTools.class);
    /** The tools, in the order they are listed. */
    public static final List<String> NAMES = List.of("provision", "exec", "save", "search", "delete", "validate", "fault");
    /** JSON-RPC error code of {@code cluster_expired} (the implementation-defined server error range). */
    public static final int CLUSTER_EXPIRED_CODE = -32000;

    /** A tool and what answers it, for a given account. */
    public record Definition(McpSchema.Tool tool, BiFunction<Account, Map<String, Object>, CallToolResult> handler) {
    }

    private final AntriebBackend antrieb;
    private final ClusterRegistry registry;
    private final CommandLog commandLog;
    private final ServerMetrics metrics;
    private final JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();
    private final List<Definition> definitions;

    /**
     * @param schemaLimits the limits the schemas advertise (node counts); each account's own limits are enforced on top
     */
    public AntriebTools(AntriebBackend antrieb, ClusterRegistry registry, CommandLog commandLog, AccountLimits schemaLimits) {
        this(antrieb, registry, commandLog, null, schemaLimits, null, new ServerMetrics(registry));
    }

    /**
     * @param schemaLimits the limits the schemas advertise (node counts); each account's own limits are enforced on top
     * @param runs         where {@code validate} keeps its runs for the dashboard, or null to keep none
     * @param model        the model {@code validate}'s converge uses, or null when the server has none
     * @param metrics      where calls, provisions and commands are counted and timed
     */
    public AntriebTools(AntriebBackend antrieb, ClusterRegistry registry, CommandLog commandLog, ValidationRuns runs, AccountLimits schemaLimits,
                        dev.langchain4j.model.chat.ChatModel model, ServerMetrics metrics) {
        this.antrieb = antrieb;
        this.registry = registry;
        this.commandLog = commandLog;
        this.metrics = metrics;
        List<String> images = antrieb.images();
        List<Definition> defs = new ArrayList<>();
        defs.add(new Definition(loadTool("provision", schemaLimits, images), this::provision));
        defs.add(new Definition(loadTool("exec", schemaLimits, images), this::exec));
        defs.add(new Definition(loadTool("save", schemaLimits, images), this::save));
        defs.add(new Definition(loadTool("search", schemaLimits, images), this::search));
        defs.add(new Definition(loadTool("delete", schemaLimits, images), this::delete));
        defs.add(new Definition(loadTool("validate", schemaLimits, images), new ValidateTool(antrieb, registry, commandLog, runs, model, metrics)::call));
        defs.add(new Definition(loadTool("fault", schemaLimits, images), new FaultTool(registry)::call));
        this.definitions = List.copyOf(defs);
    }

    /** The tools with handlers that validate arguments against the input schema and turn failures into results. */
    public List<Definition> definitions() {
        return definitions.stream()
                .map(d -> new Definition(d.tool(), (account, args) -> call(d, account, args)))
                .toList();
    }

    /**
     * A tool definition as served: the JSON resource, with the advertised node limits and this host's images
     * filled in. Public so that tests can check the schemas without a host.
     */
    @SuppressWarnings("unchecked")
    public static McpSchema.Tool loadTool(String name, AccountLimits limits, List<String> images) {
        String path = "/sh/antrieb/mcp/tools/" + name + ".json";
        String text;
        try (InputStream in = AntriebTools.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the antrieb-mcp-adapter jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> def = Json.readMap(text);
        Map<String, Object> input = (Map<String, Object>) def.get("inputSchema");
        String description = (String) def.get("description");
        if (name.equals("provision")) {
            int max = limits.maxNodes() + 1;
            Map<String, Object> cluster = (Map<String, Object>) ((Map<String, Object>) input.get("properties")).get("cluster");
            cluster.put("maxItems", max);
            List<Object> oneOf = (List<Object>) ((Map<String, Object>) cluster.get("items")).get("oneOf");
            Map<String, Object> object = (Map<String, Object>) oneOf.get(1);
            ((Map<String, Object>) ((Map<String, Object>) object.get("properties")).get("count")).put("maximum", max);
            Map<String, Object> nics = (Map<String, Object>) ((Map<String, Object>) input.get("properties")).get("nics");
            ((Map<String, Object>) nics.get("additionalProperties")).put("maxItems", ClusterSpec.MAX_NICS_PER_NODE);
            description = description + " Images on this host: " + images + ".";
        }
        if (name.equals("validate")) {
            // The cluster shape exactly as provision takes it: one place for that schema.
            Map<String, Object> provision = (Map<String, Object>) loadTool("provision", limits, images).inputSchema().get("properties");
            Map<String, Object> props = (Map<String, Object>) input.get("properties");
            for (String key : List.of("cluster", "networks", "nics")) {
                props.put(key, provision.get(key));
            }
        }
        Map<String, Object> ann = (Map<String, Object>) def.get("annotations");
        McpSchema.ToolAnnotations annotations = McpSchema.ToolAnnotations.builder()
                .title((String) ann.get("title"))
                .readOnlyHint((Boolean) ann.get("readOnlyHint"))
                .destructiveHint((Boolean) ann.get("destructiveHint"))
                .idempotentHint((Boolean) ann.get("idempotentHint"))
                .openWorldHint((Boolean) ann.get("openWorldHint"))
                .build();
        return McpSchema.Tool.builder()
                .name(name)
                .title((String) def.get("title"))
                .description(description)
                .inputSchema(input)
                .outputSchema((Map<String, Object>) def.get("outputSchema"))
                .annotations(annotations)
                .build();
    }

    // ---- dispatch --------------------------------------------------------------------------------

    private CallToolResult call(Definition d, Account account, Map<String, Object> arguments) {
        String tool = d.tool().name();
        CallToolResult r;
        try {
            r = dispatch(d, account, arguments);
        } catch (McpError e) {
            metrics.toolCalled(tool, e.getJsonRpcError() != null && Integer.valueOf(CLUSTER_EXPIRED_CODE).equals(e.getJsonRpcError().code())
                    ? "cluster_expired" : "jsonrpc_error");
            throw e;
        }
        String cause = null;
        if (Boolean.TRUE.equals(r.isError()) && r.structuredContent() instanceof Map<?, ?> body && body.get("error") instanceof String code) {
            cause = code;
        }
        metrics.toolCalled(tool, Boolean.TRUE.equals(r.isError()) && cause == null ? "failed" : cause);
        return r;
    }

    private CallToolResult dispatch(Definition d, Account account, Map<String, Object> arguments) {
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        String tool = d.tool().name();
        // The SDK's own input validation answers in plain text; clients parse a JSON object, so validate here.
        JsonSchemaValidator.ValidationResponse v = validator.validate(d.tool().inputSchema(), args);
        if (!v.valid()) {
            String why = v.errorMessage().replace("Validation failed: JSON schema validation errors: ", "");
            return error("invalid_arguments", "invalid arguments for " + tool + ": " + why + ". See the tool's input schema.");
        }
        try {
            return d.handler().apply(account, args);
        } catch (McpError e) {
            throw e;
        } catch (ClusterRegistry.UnknownSessionException e) {
            return error("unknown_session", e.getMessage());
        } catch (AntriebException e) {
            if (e.code() == ErrorCode.CLUSTER_EXPIRED) {
                throw McpError.builder(CLUSTER_EXPIRED_CODE).message(e.getMessage()).data(Map.of("error", "cluster_expired")).build();
            }
            Map<String, Object> body = errorBody(wireName(e.code()), e.getMessage());
            if (e.code() == ErrorCode.UNKNOWN_IMAGE) {
                body.put("available_images", availableImages(account));
            }
            return result(body, true);
        } catch (RuntimeException e) {
            log.warn("{} failed for account {}", tool, account.name(), e);
            return error("internal_error", tool + " failed inside the server: " + e
                    + ". This is a bug of the server; the request can be retried.");
        }
    }

    /**
     * The tools' name of core's error code: the one place the MCP maps codes to its wire names ({@code error} of a
     * failed result; {@code cluster_expired} is a JSON-RPC error instead, see the class comment).
     */
    static String wireName(ErrorCode code) {
        return switch (code) {
            case FAILED -> "failed";
            case INVALID_SPEC, INCOMPLETE_SPEC, INVALID_RUNBOOK -> "invalid_arguments";
            case UNKNOWN_IMAGE -> "unknown_image";
            case NO_SUCH_NODE -> "unknown_node";
            case CLUSTER_EXPIRED -> "cluster_expired";
            case LIMIT_EXCEEDED, CONCURRENT_CLUSTERS -> "limit_exceeded";
            case PROVISION_FAILED -> "provision_failed";
            case HOST_NOT_READY -> "host_not_ready";
            case HOST_UNAVAILABLE -> "host_unavailable";
            case NETWORK_IN_USE -> "failed";
            case INVALID_NAME -> "invalid_name";
            case READ_ONLY -> "read_only";
            case NOT_FOUND -> "not_found";
            case INVALID -> "invalid";
            case AMBIGUOUS -> "ambiguous";
            case NOT_AVAILABLE -> "not_available";
            case FORBIDDEN_NAMESPACE -> "forbidden_namespace";
        };
    }

    // ---- provision -------------------------------------------------------------------------------

    private CallToolResult provision(Account account, Map<String, Object> args) {
        ClusterSpec requested = ClusterArguments.toSpec(args.get("cluster"), args.get("networks"), args.get("nics"), account.limits(), null);
        // Core resolves saved names in the account's namespace and refuses other accounts' (forbidden_namespace).
        long started = System.nanoTime();
        Cluster c;
        try {
            c = registry.provision(account, () -> antrieb.provision(requested, account.namespace()));
        } catch (LimitExceededException | InvalidSpecException | sh.antrieb.CatalogException e) {
            throw e; // refused before anything was made: not a provision
        } catch (RuntimeException e) {
            metrics.provisionFailed(Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        metrics.provisioned(c);
        ClusterSpec spec = c.spec();
        log.info("account {}: provisioned cluster {} ({}) in {} ms", account.name(), c.id(), spec, c.provisionTime().toMillis());
        // The account's TTL as asked; the deadline itself is kept to whole seconds, so the difference may be 599.6 s.
        long ttl = c.spec().ttl().orElseGet(() -> Duration.ofMillis(Math.round(
                Duration.between(c.createdAt(), c.expiresAt()).toMillis() / 1000.0) * 1000)).toSeconds();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("session_id", c.id());
        r.put("nodes", c.nodes().stream().map(Node::name).toList());
        r.put("provision_time_ms", c.provisionTime().toMillis());
        r.put("ttl_seconds", ttl);
        r.put("expires_at", c.expiresAt().toString());
        r.put("status", "cluster_ready");
        StringBuilder nodes = new StringBuilder();
        for (Node n : c.nodes()) {
            nodes.append(nodes.isEmpty() ? "" : ", ").append(n.name()).append(" (").append(shown(n.image()));
            if (spec.declaresNetworks()) {
                List<String> nics = spec.nics().getOrDefault(n.name(), List.of());
                for (int i = 0; i < nics.size(); i++) {
                    String address = n.address(nics.get(i));
                    nodes.append(i == 0 ? "; " : ", ").append("eth").append(i).append(' ').append(nics.get(i)).append(' ')
                            .append(address == null ? "no platform address" : address);
                }
            } else {
                nodes.append(", ").append(n.ip());
            }
            nodes.append(')');
        }
        r.put("message", "Cluster " + c.id() + " is ready: " + nodes + ". It is destroyed at " + c.expiresAt() + " (TTL " + ttl
                + " s, not extendable). Run commands with exec {session_id, node, command}; delete it when done.");
        r.put("node_images", nodeImages(c));
        r.put("node_ips", nodeIps(c));
        r.put("node_addresses", nodeAddresses(c));
        r.put("warnings", warnings(spec, c));
        return ok(r);
    }

    /** What a declared topology does not give, as product.md lists it: no platform addresses, no route out. */
    static List<String> warnings(ClusterSpec spec, Cluster c) {
        List<String> out = new ArrayList<>();
        c.imageAliases().forEach((node, asked) -> {
            String runs = c.node(node).image();
            out.add(node + " asked for image '" + asked + "', which this host does not have; it runs '" + runs
                    + "' instead (an image alias the server's operator set)");
        });
        if (!spec.declaresNetworks()) {
            return out;
        }
        for (NetworkSpec n : spec.networks()) {
            List<String> nics = new ArrayList<>();
            for (Node node : c.nodes()) {
                List<String> nets = spec.nics().getOrDefault(node.name(), List.of());
                for (int i = 0; i < nets.size(); i++) {
                    if (nets.get(i).equals(n.name())) {
                        nics.add(node.name() + " eth" + i);
                    }
                }
            }
            String which = "network '" + n.name() + "'" + n.cidr().map(x -> " (" + x + ")").orElse("");
            if (!n.dhcp()) {
                out.add(which + " has dhcp:false: the platform assigns no addresses on it" + (nics.isEmpty() ? "" : " (" + String.join(", ", nics) + ")")
                        + "; the VMs own its addressing, e.g. ip addr add <address>/24 dev <nic>, or a router VM serving DHCP");
            }
            if (!n.egress()) {
                out.add(which + " has egress:false: no route out of it unless a router VM in the cluster provides one");
            }
        }
        for (Node node : c.nodes()) {
            if (node.addresses().isEmpty()) {
                out.add(node.name() + " has no platform-assigned address (all its NICs are on dhcp:false networks): exec and ssh "
                        + "between nodes still work over a control connection that carries SSH only, and NODE_IP is that control address");
            }
        }
        return out;
    }

    // ---- exec ------------------------------------------------------------------------------------

    private CallToolResult exec(Account account, Map<String, Object> args) {
        String sessionId = (String) args.get("session_id");
        String node = (String) args.get("node");
        String command = (String) args.get("command");
        Map<String, String> secretEnv = new LinkedHashMap<>();
        if (args.get("secret_env") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> secretEnv.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        Cluster c = registry.find(account, sessionId);
        ExecOptions options = secretEnv.isEmpty() ? ExecOptions.DEFAULTS : ExecOptions.DEFAULTS.withSecretEnv(secretEnv);
        ExecResult result = c.exec(node, command, options);
        commandLog.record(account, sessionId, result, secretEnv);
        metrics.executed(result);
        log.info("account {}: cluster {}: {}", account.name(), sessionId, result.summary());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("node", result.node());
        r.put("exit_code", result.exitCode());
        r.put("stdout", result.stdout());
        r.put("stderr", result.stderr());
        r.put("duration_ms", result.duration().toMillis());
        r.put("timed_out", result.timedOut());
        return ok(r);
    }

    // ---- save ------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private CallToolResult save(Account account, Map<String, Object> args) {
        Catalog.Type type = Catalog.Type.of((String) args.getOrDefault("type", "image"));
        String name = (String) args.get("name");
        String description = (String) args.get("description");
        Catalog catalog = antrieb.catalog(account.namespace());
        Artifact saved;
        if (type == Catalog.Type.IMAGE) {
            for (String required : List.of("session_id", "node", "commands")) {
                if (args.get(required) == null) {
                    return error("invalid_arguments", "save type=image needs session_id, node and commands (the ordered commands that worked); "
                            + required + " is missing");
                }
            }
            Cluster cluster = registry.find(account, (String) args.get("session_id"));
            String node = (String) args.get("node");
            cluster.node(node);
            Image image = catalog.saveImage(cluster, node, name, (List<String>) args.get("commands"), description);
            saved = catalog.fetch(Catalog.Type.IMAGE, image.ani()).orElseThrow().metadata();
        } else if (type == Catalog.Type.RUNBOOK) {
            if (!(args.get("body") instanceof String body)) {
                return error("invalid_arguments", "save type=runbook needs body: the runbook markdown");
            }
            saved = catalog.saveRunbook(name, body, description);
        } else {
            NetworkSpec spec = NetworkSpec.named(name);
            if (args.get("cidr") != null) {
                spec = spec.cidr((String) args.get("cidr"));
            }
            if (args.get("egress") != null) {
                spec = spec.egress((Boolean) args.get("egress"));
            }
            if (args.get("dhcp") != null) {
                spec = spec.dhcp((Boolean) args.get("dhcp"));
            }
            saved = catalog.saveNetwork(name, spec, description);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("saved", true);
        r.put("type", type.wireName());
        r.put("fq_name", saved.fqName());
        r.putAll(attributes(saved));
        r.put("message", "saved " + type.wireName() + " " + saved.fqName());
        return ok(r);
    }

    // ---- search ----------------------------------------------------------------------------------

    private CallToolResult search(Account account, Map<String, Object> args) {
        String type = (String) args.getOrDefault("type", "image");
        String keywords = (String) args.get("keywords");
        String fqName = (String) args.get("fq_name");
        int limit = args.get("limit") instanceof Number n ? n.intValue() : 20;
        if (type.equals("cluster")) {
            return searchClusters(account, keywords, fqName, limit);
        }
        Catalog.Type t = Catalog.Type.of(type);
        Catalog catalog = antrieb.catalog(account.namespace());
        Map<String, Object> r = new LinkedHashMap<>();
        if (fqName != null) {
            Optional<Artifact> a = catalog.fetch(t, fqName);
            if (a.isEmpty()) {
                List<String> known = catalog.search(t, null, 100).stream().map(Artifact::fqName).toList();
                return error("not_found", "no " + type + " '" + fqName + "'; the " + type + "s you can fetch are " + known);
            }
            Map<String, Object> body = render(a.get());
            body.put("fq_name", fqName); // exactly as asked: clients match on it
            r.put(type, body);
            return ok(r);
        }
        List<Map<String, Object>> items = catalog.search(t, keywords, limit).stream().map(AntriebTools::render).toList();
        r.put(type + "s", items);
        r.put("count", items.size());
        return ok(r);
    }

    private CallToolResult searchClusters(Account account, String keywords, String fqName, int limit) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (fqName != null) {
            try {
                r.put("cluster", describe(registry.find(account, fqName)));
                return ok(r);
            } catch (ClusterExpiredException e) {
                return error("not_found", e.getMessage());
            }
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Cluster c : registry.list(account)) {
            Map<String, Object> d = describe(c);
            if (items.size() < limit && matches(Json.write(d), keywords)) {
                items.add(d);
            }
        }
        r.put("clusters", items);
        r.put("count", items.size());
        return ok(r);
    }

    private Map<String, Object> describe(Cluster c) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("session_id", c.id());
        d.put("status", c.isOpen() ? "running" : "expired");
        d.put("nodes", c.nodes().stream().map(Node::name).toList());
        d.put("node_images", nodeImages(c));
        d.put("node_ips", nodeIps(c));
        d.put("node_addresses", nodeAddresses(c));
        d.put("created_at", c.createdAt().toString());
        d.put("expires_at", c.expiresAt().toString());
        d.put("ttl_seconds_left", Math.max(0, Duration.between(Instant.now(), c.expiresAt()).toSeconds()));
        return d;
    }

    private static Map<String, Object> render(Artifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fq_name", a.fqName());
        m.put("name", a.name());
        m.put("namespace", a.namespace());
        m.put("description", a.description());
        m.put("builtin", a.builtin());
        m.putAll(attributes(a));
        if (a.type() == Catalog.Type.IMAGE && a.attributes().containsKey("ani")) {
            // What clients of the hosted service read to pin an image: this exact ANI, and who manages it.
            Map<String, Object> iface = new LinkedHashMap<>();
            iface.put("version", 1);
            iface.put("scope", "exact-ani");
            iface.put("ani", a.attributes().get("ani"));
            iface.put("provenance", a.builtin() ? "managed" : "imported".equals(a.attributes().get("kind")) ? "imported" : "saved");
            iface.put("namespace", a.namespace());
            m.put("image_interface", iface);
        }
        if (a.body() != null) {
            m.put("body", a.body());
        }
        return m;
    }

    /** An artifact's attributes as the tools show them: core's, then its version and when it was made. */
    private static Map<String, Object> attributes(Artifact a) {
        Map<String, Object> attrs = new LinkedHashMap<>(a.attributes());
        attrs.put("version", a.version());
        if (a.createdAt() != null) {
            attrs.put("created_at", a.createdAt().toString());
        }
        return attrs;
    }

    // ---- delete ----------------------------------------------------------------------------------

    private CallToolResult delete(Account account, Map<String, Object> args) {
        String type = (String) args.getOrDefault("type", "cluster");
        String name = (String) args.get("name");
        Map<String, Object> r = new LinkedHashMap<>();
        if (type.equals("cluster")) {
            registry.delete(account, name);
            log.info("account {}: deleted cluster {}", account.name(), name);
            r.put("deleted", true);
            r.put("type", type);
            r.put("name", name);
            r.put("message", "cluster " + name + " deleted: its VMs, networks and disks are gone");
            return ok(r);
        }
        Catalog.Type t = Catalog.Type.of(type);
        if (!antrieb.catalog(account.namespace()).delete(t, name)) {
            return error("not_found", "no saved " + t.wireName() + " '" + name + "' in namespace " + account.namespace());
        }
        r.put("deleted", true);
        r.put("type", type);
        r.put("name", name);
        r.put("message", type + " " + name + " deleted");
        return ok(r);
    }

    /** The images {@code account} can provision, by the names provision takes: the host's and its own saved ones. */
    private List<String> availableImages(Account account) {
        try {
            return antrieb.catalog(account.namespace()).search(Catalog.Type.IMAGE, null, 100).stream().map(Artifact::name).distinct().toList();
        } catch (RuntimeException e) {
            log.warn("listing images for account {}: {}", account.name(), e.toString());
            return antrieb.images();
        }
    }

    // ---- results ---------------------------------------------------------------------------------

    private static List<Map<String, Object>> nodeImages(Cluster c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node n : c.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.name());
            m.put("ani", ani(n.image()));
            String asked = c.imageAliases().get(n.name());
            if (asked != null) {
                m.put("requested_image", asked);
                m.put("aliased", true);
            }
            out.add(m);
        }
        return out;
    }

    /**
     * A node's image as the account wrote it: a saved image without the namespace core pinned it in
     * ({@code antrieb:<namespace>/<name>:v<N>}, see {@link sh.antrieb.ProvisionOptions}).
     */
    static String shown(String nodeImage) {
        return ImageRef.tryParse(nodeImage).filter(r -> r.isQualified() && r.isPinned())
                .map(r -> r.unqualified().ani()).orElse(nodeImage);
    }

    /** A node's image reference, {@code antrieb:<name>:v<N>}, as product.md names images. */
    static String ani(String nodeImage) {
        return ImageRef.tryParse(nodeImage).map(AntriebTools::ani).orElse(nodeImage);
    }

    private static String ani(ImageRef r) {
        if (r.isPinned()) {
            return r.unqualified().ani();
        }
        boolean builtin = !r.isQualified() || r.namespace().equals(Catalog.BUILTIN_NAMESPACE);
        return (builtin ? r.unqualified() : r).withVersion(1).ani();
    }

    private static Map<String, Object> nodeAddresses(Cluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Node n : c.nodes()) {
            m.put(n.name(), n.addresses());
        }
        return m;
    }

    private static Map<String, Object> nodeIps(Cluster c) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Node n : c.nodes()) {
            m.put(n.name(), n.ip());
        }
        return m;
    }

    /** A successful result: {@code body} as JSON text first, and as structured content. */
    public static CallToolResult ok(Map<String, Object> body) {
        return result(body, false);
    }

    /** A failed result {@code {"error": code, "message": message}} with {@code isError}. */
    public static CallToolResult error(String code, String message) {
        return result(errorBody(code, message), true);
    }

    private static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message == null ? null : shortenLongWords(message));
        return body;
    }

    private static final int LONG_WORD_KEEP = 80;
    private static final java.util.regex.Pattern LONG_WORD = java.util.regex.Pattern.compile("\\S{" + (LONG_WORD_KEEP + 64) + ",}");

    /**
     * {@code message} with every run of more than 144 non-blank characters cut to its first 80 and its length:
     * errors quote what was sent (an image name, a node), and a megabyte sent is not to be echoed whole.
     */
    static String shortenLongWords(String message) {
        return LONG_WORD.matcher(message).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group().substring(0, LONG_WORD_KEEP) + "... (" + m.group().length() + " characters)"));
    }

    private static CallToolResult result(Map<String, Object> body, boolean isError) {
        return CallToolResult.builder()
                .content(List.of(new McpSchema.TextContent(Json.write(body))))
                .structuredContent(body)
                .isError(isError)
                .build();
    }

    private static boolean matches(String haystack, String keywords) {
        if (keywords == null || keywords.isBlank()) {
            return true;
        }
        String hay = haystack.toLowerCase(Locale.ROOT);
        for (String w : keywords.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!w.isEmpty() && !hay.contains(w)) {
                return false;
            }
        }
        return true;
    }
}
