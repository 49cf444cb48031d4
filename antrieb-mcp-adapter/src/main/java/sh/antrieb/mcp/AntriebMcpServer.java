package sh.antrieb.mcp;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import sh.antrieb.Antrieb;
import sh.antrieb.mcp.internal.AntriebTools;
import sh.antrieb.mcp.internal.ClusterRegistry;
import sh.antrieb.mcp.internal.AntriebBackend;
import sh.antrieb.mcp.internal.DashServlet;
import sh.antrieb.mcp.internal.DashSessions;
import sh.antrieb.mcp.internal.HttpEndpoint;
import sh.antrieb.mcp.internal.HttpSecurityFilter;
import sh.antrieb.mcp.internal.JsonRpcFilter;
import sh.antrieb.mcp.internal.JsonRpcLineFilter;
import sh.antrieb.mcp.internal.MetricsServlet;
import sh.antrieb.mcp.internal.ServerMetrics;

/**
 * The Antrieb MCP server: the tools {@code provision}, {@code exec}, {@code save}, {@code search} and
 * {@code delete} on top of one {@link Antrieb} client, over stdio (one local user) and streamable HTTP
 * (accounts identified by bearer API keys). Clusters belong to accounts, not to MCP sessions, and both
 * transports of one server share them.
 *
 * <pre>{@code
 * try (Antrieb antrieb = Antrieb.local();
 *      AntriebMcpServer server = AntriebMcpServer.builder(antrieb).stateDir(Path.of("/var/lib/antrieb/mcp")).build()) {
 *     URI url = server.startHttp("127.0.0.1", 8470);
 *     ...
 * }
 * }</pre>
 *
 * <p>The HTTP transport is the SDK's stateless streamable HTTP servlet: it issues no {@code Mcp-Session-Id},
 * so no session can expire under a client, {@code initialize} may be repeated, {@code tools/call} needs no
 * preceding {@code initialized} or {@code tools/list}, and every reply is one {@code application/json} body.
 * Closing the server stops its transports; it does not close the {@link Antrieb} client, whose owner
 * closes it (which destroys every cluster it made).
 */
public final class AntriebMcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AntriebMcpServer.class);
    /** The server's name and version in {@code initialize}. */
    public static final String NAME = "antrieb";
    /** The server's version in {@code initialize}. */
    public static final String VERSION = "0.1.0";
    /** The default state directory: keys and command logs. */
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/antrieb/mcp");
    private static final String ACCOUNT_KEY = "antrieb.account";
    private static final int MAX_MESSAGE_BYTES = 16 << 20;
    private static final String INSTRUCTIONS = "Antrieb gives you disposable clusters of real virtual machines to try infrastructure "
            + "code on. Before the first provision, read the runbook antrieb/primer: search {type: \"runbook\", fq_name: "
            + "\"antrieb/primer\"} (and antrieb/networking-primer for networks). Then provision a cluster, run commands with exec, "
            + "and delete the cluster when done; clusters expire at their TTL anyway.";

    private final Path stateDir;
    private final AccountLimits limits;
    private final Account localAccount;
    private final ApiKeyStore keys;
    private final CommandLog commandLog;
    private final ValidationRuns validationRuns;
    private final AntriebTools tools;
    private final ServerMetrics metrics;
    private final ClusterRegistry clusters;
    private final AntriebBackend backend;
    private final List<String> allowedOrigins;
    private final List<String> allowedHosts;
    private final List<AutoCloseable> running = new CopyOnWriteArrayList<>();
    private final McpJsonMapper mapper = McpJsonDefaults.getMapper();

    private AntriebMcpServer(Builder b) {
        this.stateDir = b.stateDir;
        this.limits = b.limits;
        this.localAccount = b.localAccount != null ? b.localAccount : Account.local(b.limits);
        this.keys = ApiKeyStore.open(b.stateDir, b.limits);
        this.commandLog = new CommandLog(b.stateDir);
        this.validationRuns = new ValidationRuns(b.stateDir);
        this.backend = b.backend;
        this.clusters = new ClusterRegistry();
        this.metrics = new ServerMetrics(clusters);
        this.tools = new AntriebTools(b.backend, clusters, commandLog, validationRuns, b.limits, b.model, metrics);
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.allowedHosts = List.copyOf(b.allowedHosts);
    }

    /** A builder for a server on top of {@code antrieb}. */
    public static Builder builder(Antrieb antrieb) {
        return new Builder(AntriebBackend.of(Objects.requireNonNull(antrieb, "antrieb")));
    }

    /** A builder over any backend: for tests that boot no VMs. */
    static Builder builder(AntriebBackend backend) {
        return new Builder(backend);
    }

    /** The API keys and accounts of this server. */
    public ApiKeyStore keys() {
        return keys;
    }

    /** The command logs of this server's accounts. */
    public CommandLog commandLog() {
        return commandLog;
    }

    /** The validation runs of this server's accounts (what {@code validate} did, for the dashboard). */
    public ValidationRuns validationRuns() {
        return validationRuns;
    }

    /** The state directory (keys, command logs). */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * The server's meters (served at {@code /metrics} next to {@code /mcp}); add meters of your own to it and they are
     * served too.
     */
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** The tools as listed to clients (for inspection). */
    public List<McpSchema.Tool> tools() {
        return tools.definitions().stream().map(AntriebTools.Definition::tool).toList();
    }

    /**
     * Serves MCP over stdio as the local account until {@code in} ends or the server is closed; blocks.
     * Nothing but protocol messages is written to {@code out} (logs go to stderr).
     */
    public void serveStdio(InputStream in, OutputStream out) throws InterruptedException {
        JsonRpcLineFilter input = new JsonRpcLineFilter(in, mapper, MAX_MESSAGE_BYTES);
        StdioServerTransportProvider transport = new StdioServerTransportProvider(mapper, input, out, MAX_MESSAGE_BYTES);
        List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        for (AntriebTools.Definition d : tools.definitions()) {
            specs.add(McpServerFeatures.SyncToolSpecification.builder()
                    .tool(d.tool())
                    .callHandler((exchange, request) -> d.handler().apply(localAccount, request.arguments()))
                    .build());
        }
        McpSyncServer server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                // Arguments are validated by the tools themselves, to answer in the JSON shape clients parse.
                .validateToolInputs(false)
                .tools(specs)
                .build();
        AutoCloseable stop = () -> input.endOfInput().countDown();
        running.add(stop);
        log.info("serving MCP over stdio as account {}", localAccount.name());
        try {
            input.endOfInput().await();
        } finally {
            running.remove(stop);
            server.closeGracefully();
            log.info("stdio input ended");
        }
    }

    /**
     * Starts serving MCP over streamable HTTP at {@code http://bind:port/mcp} and returns that URL at once; the
     * same port serves the metrics at {@code /metrics} (Prometheus text; the same API keys, Origin and Host rules) and
     * the web dashboard at {@code /dash} (sign in with an API key).
     *
     * @param bind address to listen on, e.g. {@code 127.0.0.1} (the default of the CLI)
     * @param port port, or 0 for any free one (see the returned URL)
     */
    public URI startHttp(String bind, int port) {
        Objects.requireNonNull(bind, "bind");
        DefaultServerTransportSecurityValidator originAndHost = DefaultServerTransportSecurityValidator.builder()
                .allowedOrigins(allowedOrigins)
                .allowedHosts(hostsFor(bind))
                .build();
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .messageEndpoint(HttpEndpoint.PATH)
                .jsonMapper(mapper)
                .maxRequestSize(MAX_MESSAGE_BYTES)
                // The SDK's default validator accepts everything: give it ours explicitly (the filter applies it too).
                .httpHeaderValidator(originAndHost)
                .contextExtractor(request -> {
                    Object account = request.getAttribute(HttpSecurityFilter.ACCOUNT_ATTRIBUTE);
                    return account == null ? McpTransportContext.EMPTY : McpTransportContext.create(Map.of(ACCOUNT_KEY, account));
                })
                .build();
        List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
        for (AntriebTools.Definition d : tools.definitions()) {
            specs.add(new McpStatelessServerFeatures.SyncToolSpecification(d.tool(), (context, request) -> {
                if (!(context.get(ACCOUNT_KEY) instanceof Account account)) {
                    return AntriebTools.error("unauthorized", "no account on this request");
                }
                return d.handler().apply(account, request.arguments());
            }));
        }
        McpStatelessSyncServer server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .validateToolInputs(false)
                // Run tools on the servlet thread: long execs then occupy Tomcat's (large) pool, not Reactor's small one.
                .immediateExecution(true)
                .tools(specs)
                .build();
        HttpSecurityFilter security = new HttpSecurityFilter(keys, originAndHost);
        HttpEndpoint endpoint = HttpEndpoint.start(bind, port, List.of(
                new HttpEndpoint.Mount("mcp", transport, List.of(HttpEndpoint.PATH), List.of(security, new JsonRpcFilter(mapper, MAX_MESSAGE_BYTES))),
                new HttpEndpoint.Mount("metrics", new MetricsServlet(metrics), List.of(MetricsServlet.PATH), List.of(security)),
                // The dashboard signs in with a key once and then goes by its session cookie; it checks Origin/Host itself.
                new HttpEndpoint.Mount("dash", new DashServlet(new DashSessions(keys, Clock.systemUTC()), keys, clusters, commandLog, validationRuns, backend,
                        metrics, limits, originAndHost, Clock.systemUTC()), List.of(DashServlet.PATH, DashServlet.PATH + "/*"), List.of())));
        running.add(endpoint);
        running.add(server::close);
        return endpoint.uri();
    }

    private List<String> hostsFor(String bind) {
        List<String> hosts = new ArrayList<>(List.of("localhost:*", "127.0.0.1:*", "[::1]:*"));
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
            hosts.add((bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind) + ":*");
        }
        hosts.addAll(allowedHosts);
        return hosts;
    }

    /** Stops the transports this server started. The {@link Antrieb} client stays open. */
    @Override
    public void close() {
        for (AutoCloseable c : List.copyOf(running)) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("stopping the MCP server: {}", e.getMessage());
            }
        }
        running.clear();
    }

    /** Builds an {@link AntriebMcpServer}. */
    public static final class Builder {
        private final AntriebBackend backend;
        private Path stateDir = DEFAULT_STATE_DIR;
        private AccountLimits limits = AccountLimits.DEFAULTS;
        private Account localAccount;
        private final List<String> allowedOrigins = new ArrayList<>(List.of(
                "http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*",
                "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*"));
        private final List<String> allowedHosts = new ArrayList<>();
        private dev.langchain4j.model.chat.ChatModel model;

        private Builder(AntriebBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /** Where keys and command logs live (default {@code /var/lib/antrieb/mcp}). */
        public Builder stateDir(Path dir) {
            this.stateDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Limits of accounts that have none of their own (default {@link AccountLimits#DEFAULTS}). */
        public Builder limits(AccountLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The account of the stdio user (default {@code local}, with the default limits). */
        public Builder localAccount(Account account) {
            this.localAccount = account;
            return this;
        }

        /**
         * Also allows requests whose {@code Origin} is {@code origin}, e.g. {@code https://app.example.com};
         * {@code scheme://host:*} allows any port. Loopback origins are allowed by default; requests without
         * an Origin header (non-browser clients) always pass this check.
         */
        public Builder allowedOrigin(String origin) {
            this.allowedOrigins.add(Objects.requireNonNull(origin, "origin"));
            return this;
        }

        /**
         * Also accepts {@code Host} headers naming {@code host} ({@code host:*} for any port). localhost,
         * 127.0.0.1, [::1] and the bind address are always accepted.
         */
        public Builder allowedHost(String host) {
            this.allowedHosts.add(Objects.requireNonNull(host, "host"));
            return this;
        }

        /**
         * The model {@code validate}'s {@code converge} uses (any LangChain4j {@code ChatModel}); without one,
         * {@code validate} returns findings only and {@code converge} is refused with {@code model_not_configured}.
         */
        public Builder model(dev.langchain4j.model.chat.ChatModel model) {
            this.model = model;
            return this;
        }

        /** The server; nothing is served until {@link #serveStdio} or {@link #startHttp}. */
        public AntriebMcpServer build() {
            return new AntriebMcpServer(this);
        }
    }
}
