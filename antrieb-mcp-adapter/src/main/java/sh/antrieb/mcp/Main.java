package sh.antrieb.mcp;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.ImageAliases;
import sh.antrieb.AntriebException;
import sh.antrieb.VmSize;
import sh.antrieb.mcp.internal.Json;

/**
 * The {@code bin/antrieb-mcp} command: {@code stdio}, {@code http}, {@code key create|list|revoke} and
 * {@code log}. Logs go to stderr; in {@code stdio} mode stdout carries nothing but the protocol.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** Default HTTP port. */
    public static final int DEFAULT_PORT = 8470;
    /** Default number of clusters the whole server holds at once, across accounts. */
    public static final int DEFAULT_HOST_CLUSTERS = 8;
    /** The environment variable holding the model's API key (never a flag: flags show in process lists). */
    public static final String MODEL_KEY_ENV = "ANTRIEB_MODEL_API_KEY";

    private static final String USAGE = """
            Usage: antrieb-mcp <command> [options]

            Antrieb's MCP server: the tools provision, exec, save, search, delete and validate over MCP.

            Commands:
              stdio                 serve MCP on stdin/stdout for one local user (for clients that spawn it)
              http                  serve MCP over streamable HTTP at /mcp, with API keys
              key create            create an API key for an account (prints the key once)
              key list              list keys (ids and accounts, never the keys)
              key revoke            remove a key
              log                   print an account's command log (JSON lines)

            Run 'antrieb-mcp <command> --help' for a command's options.
            """;

    private static final String SERVER_OPTIONS = """
              --state-dir DIR            keys and command logs (default $ANTRIEB_MCP_STATE_DIR or /var/lib/antrieb/mcp)
              --account-clusters N       concurrent clusters per account (default 2)
              --max-nodes N              nodes per cluster, plus one controller node (default 4)
              --ttl-minutes N            hard TTL of every cluster (default 10)
              --max-clusters N           clusters the whole server holds at once, all accounts (default 8)
              --vcpus N                  vCPUs per VM (default 4)
              --memory-mib N             memory per VM in MiB (default 2048)
              --disk-gib N               disk per VM in GiB (default 20)
              --boot-timeout-seconds N   how long a node may take to answer SSH (default: 120 with KVM, 300 without)
              --exec-timeout-seconds N   a command running longer is stopped, exit_code -1 (default 600)
              --image-alias NAME=IMAGE   provision IMAGE when a client asks for NAME, e.g. ubuntu24.04=debian13
                                         (off by default: unknown names are errors; a mapped node says so in
                                         node_images and warnings); repeatable
              --model-base-url URL       an OpenAI-compatible endpoint (.../v1) for validate's converge
              --model-name NAME          the model to ask there (with --model-base-url)
              --model-timeout-seconds N  how long one model reply may take (default 600: local models are slow)
                                         The model's API key is read from $ANTRIEB_MODEL_API_KEY (none if unset).
            The libvirt host is $ANTRIEB_LIBVIRT_URI (default qemu:///system); images are cached in
            $ANTRIEB_IMAGE_CACHE (default /var/cache/antrieb/images).
            """;

    private static final String STDIO_USAGE = """
            Usage: antrieb-mcp stdio [options]

            Serves MCP on stdin/stdout as the local account ('local'): no key needed. Ends at end of input
            or SIGTERM, destroying the clusters it made. Logs go to stderr.

            Options:
            """ + SERVER_OPTIONS;

    private static final String HTTP_USAGE = """
            Usage: antrieb-mcp http [--port N] [--bind ADDR] [options]

            Serves MCP over streamable HTTP at http://ADDR:PORT/mcp, and Prometheus metrics at /metrics.
            Every request needs 'Authorization: Bearer <key>' (see 'antrieb-mcp key create'). Ends at
            SIGTERM, destroying the clusters it made.

            Options:
              --port N                   port (default 8470; 0 picks a free one, see the log)
              --bind ADDR                address to listen on (default 127.0.0.1)
              --allowed-origin ORIGIN    also accept browser requests from ORIGIN, e.g. https://app.example.com
                                         ('scheme://host:*' for any port; loopback origins are always accepted);
                                         repeatable
              --allowed-host HOST        also accept Host: HOST ('host:*' for any port; localhost, 127.0.0.1,
                                         [::1] and the bind address are always accepted); repeatable
            """ + SERVER_OPTIONS;

    private static final String KEY_CREATE_USAGE = """
            Usage: antrieb-mcp key create --account NAME [--namespace NS] [limits] [--state-dir DIR]

            Creates an API key for account NAME (created when new) and prints it on stdout, once: only its
            SHA-256 is stored. The account's namespace (default: its name) holds its saved artifacts.

            Options:
              --account NAME             account name: lowercase letters, digits, '-'
              --namespace NS             namespace of a new account (default NAME)
              --account-clusters N       this account's concurrent clusters
              --max-nodes N              this account's nodes per cluster (plus one controller)
              --ttl-minutes N            this account's cluster TTL
                                         (any limit given stores all three for the account, the others at their defaults)
              --state-dir DIR            (default $ANTRIEB_MCP_STATE_DIR or /var/lib/antrieb/mcp)
            """;

    private static final String KEY_LIST_USAGE = """
            Usage: antrieb-mcp key list [--state-dir DIR]

            Lists the keys: id, account, namespace, creation time. Keys themselves are never shown.
            """;

    private static final String KEY_REVOKE_USAGE = """
            Usage: antrieb-mcp key revoke --id ID [--state-dir DIR]

            Removes the key with id ID (see 'key list'); a running server refuses it from its next request on.
            """;

    private static final String LOG_USAGE = """
            Usage: antrieb-mcp log --account NAME [--tail N] [--state-dir DIR]

            Prints the last N (default 50) commands the account ran, one JSON object per line: time,
            session_id, node, command, exit_code, duration_ms, timed_out, secret_env_names (never values).
            The file is <state-dir>/accounts/NAME/commands.jsonl.
            """;

    private Main() {
    }

    /** Runs the command; exits with 0 on success, 1 on failure, 2 on a usage error. */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UsageException e) {
            System.err.println("antrieb-mcp: " + e.getMessage());
            System.err.println("Run 'antrieb-mcp --help' for usage.");
            code = 2;
        } catch (AntriebException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("antrieb-mcp: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }

    static int run(String[] argv) {
        List<String> args = List.of(argv);
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            System.out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (command) {
            case "stdio":
                return stdio(Options.parse(rest, STDIO_USAGE, Set.of("--image-alias"), SERVER_FLAGS));
            case "http":
                return http(Options.parse(rest, HTTP_USAGE, Set.of("--allowed-origin", "--allowed-host", "--image-alias"), union(SERVER_FLAGS,
                        Set.of("--port", "--bind", "--allowed-origin", "--allowed-host"))));
            case "key":
                if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("-h")) {
                    System.out.print(KEY_CREATE_USAGE + "\n" + KEY_LIST_USAGE + "\n" + KEY_REVOKE_USAGE);
                    return rest.isEmpty() ? 2 : 0;
                }
                List<String> keyArgs = rest.subList(1, rest.size());
                return switch (rest.get(0)) {
                    case "create" -> keyCreate(Options.parse(keyArgs, KEY_CREATE_USAGE, Set.of(),
                            Set.of("--account", "--namespace", "--account-clusters", "--max-nodes", "--ttl-minutes", "--state-dir")));
                    case "list" -> keyList(Options.parse(keyArgs, KEY_LIST_USAGE, Set.of(), Set.of("--state-dir")));
                    case "revoke" -> keyRevoke(Options.parse(keyArgs, KEY_REVOKE_USAGE, Set.of(), Set.of("--id", "--state-dir")));
                    default -> throw new UsageException("unknown key command '" + rest.get(0) + "': use key create, key list or key revoke");
                };
            case "log":
                return commandLog(Options.parse(rest, LOG_USAGE, Set.of(), Set.of("--account", "--tail", "--state-dir")));
            default:
                throw new UsageException("unknown command '" + command + "'");
        }
    }

    private static final Set<String> SERVER_FLAGS = Set.of("--state-dir", "--account-clusters", "--max-nodes", "--ttl-minutes",
            "--max-clusters", "--vcpus", "--memory-mib", "--disk-gib", "--boot-timeout-seconds", "--exec-timeout-seconds",
            "--image-alias", "--model-base-url", "--model-name", "--model-timeout-seconds");

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    // ---- servers ---------------------------------------------------------------------------------

    private static int stdio(Options o) {
        if (o.help) {
            System.out.print(STDIO_USAGE);
            return 0;
        }
        // stdout is the protocol channel: whatever a library prints goes to stderr instead.
        PrintStream protocol = System.out;
        System.setOut(System.err);
        Running r = start(o);
        try {
            r.server.serveStdio(System.in, protocol);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            r.stop();
        }
        return 0;
    }

    private static int http(Options o) {
        if (o.help) {
            System.out.print(HTTP_USAGE);
            return 0;
        }
        int port = o.intValue("--port", DEFAULT_PORT, 0, 65535);
        String bind = o.value("--bind", "127.0.0.1");
        Running r = start(o);
        try {
            r.server.startHttp(bind, port);
        } catch (RuntimeException e) {
            r.stop();
            throw e;
        }
        r.awaitStop();
        return 0;
    }

    /** The OpenAI-compatible model of {@code --model-base-url}, or null without one. */
    private static dev.langchain4j.model.chat.ChatModel model(Options o) {
        if (!o.has("--model-base-url") && !o.has("--model-name")) {
            return null;
        }
        if (!o.has("--model-base-url") || !o.has("--model-name")) {
            throw new UsageException("--model-base-url and --model-name go together: give both, or neither");
        }
        String key = System.getenv(MODEL_KEY_ENV);
        return dev.langchain4j.model.openai.OpenAiChatModel.builder()
                .baseUrl(o.value("--model-base-url", null))
                .modelName(o.value("--model-name", null))
                .apiKey(key == null || key.isBlank() ? "none" : key)
                .timeout(Duration.ofSeconds(o.intValue("--model-timeout-seconds", 600, 1, 86_400)))
                .build();
    }

    private static Running start(Options o) {
        AccountLimits limits = limits(o, AccountLimits.DEFAULTS);
        VmSize defaults = VmSize.DEFAULT;
        VmSize size = new VmSize(o.intValue("--vcpus", defaults.vcpus(), 1, 64), o.intValue("--memory-mib", defaults.memoryMiB(), 256, 1 << 20),
                o.intValue("--disk-gib", defaults.diskGiB(), 1, 1 << 16));
        Antrieb.Builder ab = Antrieb.builder()
                .maxConcurrentClusters(o.intValue("--max-clusters", DEFAULT_HOST_CLUSTERS, 1, 1000))
                .maxNodes(limits.maxNodes())
                .defaultTtl(limits.ttl())
                // Accounts' TTLs are enforced per account; the client's own cap only guards against nonsense.
                .maxTtl(limits.ttl().compareTo(Duration.ofHours(24)) > 0 ? limits.ttl() : Duration.ofHours(24))
                .defaultVmSize(size);
        if (o.has("--boot-timeout-seconds")) {
            ab.bootTimeout(Duration.ofSeconds(o.intValue("--boot-timeout-seconds", 300, 1, 86_400)));
        }
        if (o.has("--exec-timeout-seconds")) {
            ab.execTimeout(Duration.ofSeconds(o.intValue("--exec-timeout-seconds", 600, 1, 86_400)));
        }
        ImageAliases aliases = ImageAliases.NONE;
        for (String alias : o.values("--image-alias")) {
            try {
                aliases = aliases.with(alias);
            } catch (sh.antrieb.InvalidSpecException e) {
                throw new UsageException("--image-alias " + alias + ": " + e.getMessage());
            }
        }
        ab.imageAliases(aliases);
        Antrieb antrieb = ab.build();
        // Saved artifacts live in the core catalog (the builder's default), one namespace per account.
        AntriebMcpServer.Builder sb = AntriebMcpServer.builder(antrieb).stateDir(stateDir(o)).limits(limits);
        sb.model(model(o));
        o.values("--allowed-origin").forEach(sb::allowedOrigin);
        o.values("--allowed-host").forEach(sb::allowedHost);
        Running r;
        try {
            r = new Running(antrieb, sb.build());
        } catch (RuntimeException e) {
            antrieb.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(r::stop, "antrieb-mcp-shutdown"));
        return r;
    }

    /** A started server and its client; stopping destroys the clusters the client made. */
    private static final class Running {
        final Antrieb antrieb;
        final AntriebMcpServer server;
        final AtomicBoolean stopped = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);

        Running(Antrieb antrieb, AntriebMcpServer server) {
            this.antrieb = antrieb;
            this.server = server;
        }

        void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            log.info("shutting down: destroying the clusters this server made");
            try {
                server.close();
            } finally {
                antrieb.close();
                done.countDown();
            }
        }

        void awaitStop() {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- keys and logs ---------------------------------------------------------------------------

    private static int keyCreate(Options o) {
        if (o.help) {
            System.out.print(KEY_CREATE_USAGE);
            return 0;
        }
        String account = o.required("--account");
        boolean anyLimit = o.has("--account-clusters") || o.has("--max-nodes") || o.has("--ttl-minutes");
        ApiKeyStore keys = ApiKeyStore.open(stateDir(o), AccountLimits.DEFAULTS);
        ApiKeyStore.CreatedKey k = keys.create(account, o.value("--namespace", null), anyLimit ? limits(o, AccountLimits.DEFAULTS) : null);
        System.err.println("created key " + k.id() + " for account " + k.account().name() + " (namespace " + k.account().namespace()
                + "); it is shown only now, store it:");
        System.out.println(k.key());
        return 0;
    }

    private static int keyList(Options o) {
        if (o.help) {
            System.out.print(KEY_LIST_USAGE);
            return 0;
        }
        List<ApiKeyStore.KeyInfo> list = ApiKeyStore.open(stateDir(o), AccountLimits.DEFAULTS).list();
        System.out.printf("%-14s %-20s %-20s %s%n", "ID", "ACCOUNT", "NAMESPACE", "CREATED");
        for (ApiKeyStore.KeyInfo k : list) {
            System.out.printf("%-14s %-20s %-20s %s%n", k.id(), k.account(), k.namespace(), k.createdAt());
        }
        return 0;
    }

    private static int keyRevoke(Options o) {
        if (o.help) {
            System.out.print(KEY_REVOKE_USAGE);
            return 0;
        }
        String id = o.required("--id");
        if (!ApiKeyStore.open(stateDir(o), AccountLimits.DEFAULTS).revoke(id)) {
            System.err.println("antrieb-mcp: no key with id " + id + " (see key list)");
            return 1;
        }
        System.err.println("revoked key " + id);
        return 0;
    }

    private static int commandLog(Options o) {
        if (o.help) {
            System.out.print(LOG_USAGE);
            return 0;
        }
        String account = o.required("--account");
        int tail = o.intValue("--tail", 50, 1, Integer.MAX_VALUE);
        for (Map<String, Object> line : new CommandLog(stateDir(o)).read(account, tail)) {
            System.out.println(Json.write(line));
        }
        return 0;
    }

    private static AccountLimits limits(Options o, AccountLimits d) {
        return new AccountLimits(o.intValue("--account-clusters", d.maxConcurrentClusters(), 1, 1000),
                o.intValue("--max-nodes", d.maxNodes(), 1, 64),
                Duration.ofMinutes(o.intValue("--ttl-minutes", (int) d.ttl().toMinutes(), 1, 24 * 60)));
    }

    private static Path stateDir(Options o) {
        String env = System.getenv("ANTRIEB_MCP_STATE_DIR");
        return Path.of(o.value("--state-dir", env == null || env.isBlank() ? AntriebMcpServer.DEFAULT_STATE_DIR.toString() : env));
    }

    // ---- option parsing --------------------------------------------------------------------------

    /** A usage error: exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --name value} options; repeatable ones collect every value. */
    static final class Options {
        final boolean help;
        private final Map<String, List<String>> values;

        private Options(boolean help, Map<String, List<String>> values) {
            this.help = help;
            this.values = values;
        }

        static Options parse(List<String> args, String usage, Set<String> repeatable, Set<String> known) {
            Map<String, List<String>> values = new HashMap<>();
            boolean help = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--help") || a.equals("-h")) {
                    help = true;
                    continue;
                }
                String name = a;
                String value;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(known.contains(a) ? "option " + a + " needs a value" : "unknown argument '" + a + "'");
                }
                if (!known.contains(name)) {
                    throw new UsageException("unknown option '" + name + "'");
                }
                List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
                if (!list.isEmpty() && !repeatable.contains(name)) {
                    throw new UsageException("option " + name + " given twice");
                }
                list.add(value);
            }
            return new Options(help, values);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String value(String name, String fallback) {
            List<String> v = values.get(name);
            return v == null ? fallback : v.get(0);
        }

        List<String> values(String name) {
            return values.getOrDefault(name, List.of());
        }

        String required(String name) {
            String v = value(name, null);
            if (v == null || v.isBlank()) {
                throw new UsageException(name + " is required");
            }
            return v;
        }

        int intValue(String name, int fallback, int min, int max) {
            String v = value(name, null);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.strip());
                if (n < min || n > max) {
                    throw new UsageException(name + " must be between " + min + " and " + max + ", was " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " must be a whole number, was '" + v + "'");
            }
        }
    }
}
