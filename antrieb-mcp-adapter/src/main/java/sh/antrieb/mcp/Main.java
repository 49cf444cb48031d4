package sh.antrieb.mcp;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sh.antrieb.Antrieb;
import sh.antrieb.AntriebException;
import sh.antrieb.ImageAliases;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.VmSize;
import sh.antrieb.mcp.internal.Json;

/**
 * The {@code bin/antrieb-mcp} command, on picocli: {@code stdio}, {@code http}, {@code key create|list|revoke},
 * {@code log} and {@code generate-completion} (a bash/zsh completion script). Exit codes: 0 success, 1 failure,
 * 2 usage error. Logs go to stderr; in {@code stdio} mode stdout carries nothing but the protocol.
 *
 * <p>Every default shown by {@code --help} comes from the constant that the server itself uses
 * ({@link AccountLimits#DEFAULTS}, {@link VmSize#DEFAULT}, {@link #DEFAULT_PORT}, the library's {@code Antrieb.DEFAULT_*},
 * ...), through {@link Defaults}: option defaults as picocli's {@code ${DEFAULT-VALUE}}, defaults the library applies
 * itself (an option not given leaves them) as {@code ${bundle:...}} texts of {@link Defaults#texts()}; the environment
 * variables the servers read as their help's footer, from {@link #ENVIRONMENT}.
 */
@Command(name = "antrieb-mcp", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = Main.Version.class,
        description = "Antrieb's MCP server: the tools provision, exec, save, search, delete, validate and fault over MCP.",
        subcommands = {Main.Stdio.class, Main.Http.class, Main.Key.class, Main.Log.class, AutoComplete.GenerateCompletion.class},
        footer = {"", "Run 'antrieb-mcp <command> --help' for a command's options."})
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    /** Default HTTP port. */
    public static final int DEFAULT_PORT = 8470;
    /** Default address the HTTP server listens on. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** Default number of clusters the whole server holds at once, across accounts. */
    public static final int DEFAULT_HOST_CLUSTERS = 8;
    /** Default time one model reply may take: local models are slow. */
    public static final Duration DEFAULT_MODEL_TIMEOUT = Duration.ofMinutes(10);
    /** Default number of commands {@code log} prints. */
    public static final int DEFAULT_LOG_TAIL = 50;
    /** The environment variable holding the model's API key (never a flag: flags show in process lists). */
    public static final String MODEL_KEY_ENV = "ANTRIEB_MODEL_API_KEY";
    /** The environment variable naming the state directory when {@code --state-dir} is not given. */
    public static final String STATE_DIR_ENV = "ANTRIEB_MCP_STATE_DIR";


    /** An environment variable the servers read, its default and what it sets: a line of {@code stdio}'s and {@code http}'s help. */
    record EnvVar(String name, String fallback, String sets) {
        String helpLine() {
            return "  $" + name + " (" + fallback + "): " + sets;
        }
    }

    /**
     * Every environment variable {@code stdio} and {@code http} read, named by the constant the code reads it with;
     * their help's footer is made from this list (MainTest checks that nothing read is missing).
     */
    static final List<EnvVar> ENVIRONMENT = List.of(
            new EnvVar(Antrieb.LIBVIRT_URI_ENV, "default " + Antrieb.DEFAULT_LIBVIRT_URI, "the libvirt host"),
            new EnvVar(Antrieb.IMAGE_CACHE_ENV, "default " + Antrieb.DEFAULT_IMAGE_CACHE, "where built images are cached"),
            new EnvVar(Antrieb.CATALOG_DIR_ENV, "default " + Antrieb.DEFAULT_CATALOG_DIR, "where saved images, runbooks and networks are kept"),
            new EnvVar(Antrieb.WARM_START_ENV, "default " + Antrieb.DEFAULT_WARM_START,
                    "false boots every node instead of restoring it from a warm-start template"),
            new EnvVar(Antrieb.TEMPLATE_POOL_MB_ENV, "default " + (Antrieb.DEFAULT_TEMPLATE_POOL_BYTES >> 20),
                    "MiB of disk the warm-start templates may take, 0 for no limit"),
            new EnvVar(STATE_DIR_ENV, "default " + AntriebMcpServer.DEFAULT_STATE_DIR, "keys and command logs, when --state-dir is not given"),
            new EnvVar(MODEL_KEY_ENV, "none if unset", "the API key of the server's model (--model-base-url)"));

    @Spec
    CommandSpec spec;

    private Main() {
    }

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, ready to {@link CommandLine#execute(String...) execute}: usage errors print
     * {@code antrieb-mcp: <problem>} and exit 2, failures of the work (bad values the library refuses, a host
     * that cannot run VMs) print {@code antrieb-mcp: <problem>} and exit 1.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setDefaultValueProvider(new Defaults());
        cl.setResourceBundle(Defaults.texts());
        cl.setUsageHelpAutoWidth(true);
        String[] environment = ENVIRONMENT.stream().map(EnvVar::helpLine).toArray(String[]::new);
        for (String server : new String[] {"stdio", "http"}) {
            cl.getSubcommands().get(server).getCommandSpec().usageMessage().footer(environment);
        }
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("antrieb-mcp: " + e.getMessage());
            err.println("Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof AntriebException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                c.getErr().println("antrieb-mcp: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    /** Without a command: the usage, as a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give a command: stdio, http, key or log");
    }

    /** A usage error of {@code spec}'s command: exit code 2. */
    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code value} of option {@code name}, refused outside [{@code min}, {@code max}]. */
    static int range(CommandSpec spec, String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw usage(spec, name + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    // ---- shared options ----------------------------------------------------------------------------

    /** {@code --state-dir}. */
    static final class StateDir {
        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "keys and command logs (default: $" + STATE_DIR_ENV + " or ${DEFAULT-VALUE})")
        Path dir;
    }

    /** An account's limits: the server's defaults for accounts without their own, or a new key's account's. */
    static final class Limits {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--account-clusters", paramLabel = "N", description = "concurrent clusters per account (default: ${DEFAULT-VALUE})")
        int accountClusters;

        @Option(names = "--max-nodes", paramLabel = "N", description = "nodes per cluster, plus one controller node (default: ${DEFAULT-VALUE})")
        int maxNodes;

        @Option(names = "--ttl-minutes", paramLabel = "N", description = "hard TTL of every cluster of the account (default: ${DEFAULT-VALUE})")
        int ttlMinutes;

        AccountLimits limits() {
            return new AccountLimits(range(spec, "--account-clusters", accountClusters, 1, 1000), range(spec, "--max-nodes", maxNodes, 1, 64),
                    Duration.ofMinutes(range(spec, "--ttl-minutes", ttlMinutes, 1, 24 * 60)));
        }

        /** Whether any of the limits was given on the command line. */
        boolean given() {
            CommandLine.ParseResult r = spec.commandLine().getParseResult();
            return r.hasMatchedOption("--account-clusters") || r.hasMatchedOption("--max-nodes") || r.hasMatchedOption("--ttl-minutes");
        }
    }

    /** The options of both servers. */
    static final class ServerOptions {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = "--max-clusters", paramLabel = "N", description = "clusters the whole server holds at once, all accounts (default: ${DEFAULT-VALUE})")
        int maxClusters;

        @Option(names = "--vcpus", paramLabel = "N", description = "vCPUs per VM (default: ${DEFAULT-VALUE})")
        int vcpus;

        @Option(names = "--memory-mib", paramLabel = "N", description = "memory per VM in MiB (default: ${DEFAULT-VALUE})")
        int memoryMiB;

        @Option(names = "--disk-gib", paramLabel = "N", description = "disk per VM in GiB (default: ${DEFAULT-VALUE})")
        int diskGiB;

        @Option(names = "--boot-timeout-seconds", paramLabel = "N",
                description = "how long a node may take to answer SSH (default: the library's, ${bundle:" + Defaults.BOOT_TIMEOUT + "})")
        Integer bootTimeoutSeconds;

        @Option(names = "--exec-timeout-seconds", paramLabel = "N",
                description = "a command running longer is stopped, exit_code -1 (default: the library's, ${bundle:" + Defaults.EXEC_TIMEOUT + "})")
        Integer execTimeoutSeconds;

        @Option(names = "--host", paramLabel = "URI",
                description = {"a libvirt host clusters may run on, e.g. qemu+ssh://root@kvm1/system; repeatable: each cluster",
                        "goes on one host of the pool (KVM first, then room). Default: the one host $" + Antrieb.LIBVIRT_URI_ENV
                                + " names (see ENVIRONMENT)"})
        List<String> hosts = new ArrayList<>();

        @Option(names = "--image-alias", paramLabel = "NAME=IMAGE",
                description = {"provision IMAGE when a client asks for NAME, e.g. ubuntu24.04=debian13; repeatable.",
                        "Off by default: unknown names are errors; a mapped node says so in node_images and warnings."})
        List<String> imageAliases = new ArrayList<>();

        @ArgGroup(exclusive = false, heading = "The server's model, for validate's converge (its API key is read from $"
                + MODEL_KEY_ENV + ", none if unset):%n")
        ModelOptions model;

        /** Starts a client and a server on it; stopping the result destroys the clusters the client made. */
        Running start(StateDir state, Limits limits, java.util.function.Consumer<AntriebMcpServer.Builder> more) {
            AccountLimits accountLimits = limits.limits();
            VmSize size = new VmSize(range(spec, "--vcpus", vcpus, 1, 64), range(spec, "--memory-mib", memoryMiB, 256, 1 << 20),
                    range(spec, "--disk-gib", diskGiB, 1, 1 << 16));
            Antrieb.Builder ab = Antrieb.builder()
                    .maxConcurrentClusters(range(spec, "--max-clusters", maxClusters, 1, 1000))
                    .maxNodes(accountLimits.maxNodes())
                    .defaultTtl(accountLimits.ttl())
                    // Accounts' TTLs are enforced per account; the client's own cap only guards against nonsense.
                    .maxTtl(accountLimits.ttl().compareTo(Duration.ofHours(24)) > 0 ? accountLimits.ttl() : Duration.ofHours(24))
                    .defaultVmSize(size);
            if (!hosts.isEmpty()) {
                try {
                    ab.hosts(hosts.toArray(String[]::new));
                } catch (IllegalArgumentException e) {
                    throw usage(spec, "--host: " + e.getMessage());
                }
            }
            if (bootTimeoutSeconds != null) {
                ab.bootTimeout(Duration.ofSeconds(range(spec, "--boot-timeout-seconds", bootTimeoutSeconds, 1, 86_400)));
            }
            if (execTimeoutSeconds != null) {
                ab.execTimeout(Duration.ofSeconds(range(spec, "--exec-timeout-seconds", execTimeoutSeconds, 1, 86_400)));
            }
            ImageAliases aliases = ImageAliases.NONE;
            for (String alias : imageAliases) {
                try {
                    aliases = aliases.with(alias);
                } catch (InvalidSpecException e) {
                    throw usage(spec, "--image-alias " + alias + ": " + e.getMessage());
                }
            }
            ab.imageAliases(aliases);
            dev.langchain4j.model.chat.ChatModel chatModel = model == null ? null : model.build(spec);
            Antrieb antrieb = ab.build();
            // Saved artifacts live in the core catalog, one namespace per account (antrieb.catalog(namespace)).
            AntriebMcpServer.Builder sb = AntriebMcpServer.builder(antrieb).stateDir(state.dir).limits(accountLimits).model(chatModel);
            more.accept(sb);
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
    }

    /** {@code --model-base-url} and {@code --model-name}, which go together, and the reply timeout. */
    static final class ModelOptions {
        @Option(names = "--model-base-url", paramLabel = "URL", required = true,
                description = "an OpenAI-compatible endpoint (.../v1); goes with --model-name")
        String baseUrl;

        @Option(names = "--model-name", paramLabel = "NAME", required = true, description = "the model to ask there")
        String name;

        @Option(names = "--model-timeout-seconds", paramLabel = "N", description = "how long one model reply may take (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        dev.langchain4j.model.chat.ChatModel build(CommandSpec spec) {
            String key = System.getenv(MODEL_KEY_ENV);
            return dev.langchain4j.model.openai.OpenAiChatModel.builder()
                    .baseUrl(baseUrl)
                    .modelName(name)
                    .apiKey(key == null || key.isBlank() ? "none" : key)
                    .timeout(Duration.ofSeconds(range(spec, "--model-timeout-seconds", timeoutSeconds, 1, 86_400)))
                    .build();
        }
    }

    // ---- servers -----------------------------------------------------------------------------------

    @Command(name = "stdio", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Serves MCP on stdin/stdout as the local account ('local'): no key needed. Ends at end of input",
                    "or SIGTERM, destroying the clusters it made. Logs go to stderr."},
            footerHeading = "%nEnvironment:%n")
    static final class Stdio implements Callable<Integer> {
        @Mixin
        StateDir state;

        @Mixin
        Limits limits;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            // stdout is the protocol channel: whatever a library prints goes to stderr instead.
            PrintStream protocol = System.out;
            System.setOut(System.err);
            Running r = server.start(state, limits, b -> { });
            try {
                r.server.serveStdio(System.in, protocol);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                r.stop();
            }
            return 0;
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Serves MCP over streamable HTTP at http://ADDR:PORT/mcp, Prometheus metrics at /metrics and",
                    "the web dashboard at /dash. /mcp and /metrics need 'Authorization: Bearer <key>' on every",
                    "request (see 'antrieb-mcp key create'); /dash signs in with a key once. Ends at SIGTERM,",
                    "destroying the clusters it made."},
            footerHeading = "%nEnvironment:%n")
    static final class Http implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0 picks a free one, see the log)")
        int port;

        @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--allowed-origin", paramLabel = "ORIGIN",
                description = {"also accept browser requests from ORIGIN, e.g. https://app.example.com ('scheme://host:*' for",
                        "any port; loopback origins are always accepted); repeatable"})
        List<String> allowedOrigins = new ArrayList<>();

        @Option(names = "--allowed-host", paramLabel = "HOST",
                description = {"also accept Host: HOST ('host:*' for any port; localhost, 127.0.0.1, [::1] and the bind",
                        "address are always accepted); repeatable"})
        List<String> allowedHosts = new ArrayList<>();

        @Mixin
        StateDir state;

        @Mixin
        Limits limits;

        @Mixin
        ServerOptions server;

        @Override
        public Integer call() {
            range(spec, "--port", port, 0, 65535);
            Running r = server.start(state, limits, b -> {
                allowedOrigins.forEach(b::allowedOrigin);
                allowedHosts.forEach(b::allowedHost);
            });
            try {
                r.server.startHttp(bind, port);
            } catch (RuntimeException e) {
                r.stop();
                throw e;
            }
            r.awaitStop();
            return 0;
        }
    }

    /** A started server and its client; stopping destroys the clusters the client made. */
    static final class Running {
        final Antrieb antrieb;
        final AntriebMcpServer server;
        final AtomicBoolean stopped = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);

        Running(Antrieb antrieb, AntriebMcpServer server) {
            this.antrieb = antrieb;
            this.server = server;
        }

        /**
         * Destroys what the server made, once. A second caller waits for the first to finish: end of input and
         * SIGTERM arrive together when an MCP client closes, and the JVM halts as soon as its shutdown hook
         * returns, so a hook that returned early would cut the destroy off half way.
         */
        void stop() {
            if (!stopped.compareAndSet(false, true)) {
                awaitStop();
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

    // ---- keys and logs -----------------------------------------------------------------------------

    @Command(name = "key", mixinStandardHelpOptions = true, description = "API keys: create, list, revoke.",
            subcommands = {Key.Create.class, Key.ListKeys.class, Key.Revoke.class})
    static final class Key implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw usage(spec, "give a key command: key create, key list or key revoke");
        }

        @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
                description = {"Creates an API key for account NAME (created when new) and prints it on stdout, once: only its",
                        "SHA-256 is stored. The account's namespace (default: its name) holds its saved artifacts;",
                        "the account changes it on its dashboard page (/dash/account).",
                        "Any limit given stores all three for the account, the others at their defaults."})
        static final class Create implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Option(names = "--account", paramLabel = "NAME", required = true, description = "account name: lowercase letters, digits, '-'")
            String account;

            @Option(names = "--namespace", paramLabel = "NS", description = "namespace of a new account (default: NAME)")
            String namespace;

            @Option(names = "--operator", paramLabel = "true|false", arity = "1",
                    description = "whether the account is an operator: its dashboard also shows every account's usage and clusters "
                            + "and the failures by cause (/dash/operator)")
            Boolean operator;

            @Mixin
            Limits limits;

            @Mixin
            StateDir state;

            @Override
            public Integer call() {
                ApiKeyStore keys = ApiKeyStore.open(state.dir, AccountLimits.DEFAULTS);
                ApiKeyStore.CreatedKey k = keys.create(account, namespace, limits.given() ? limits.limits() : null);
                if (operator != null) {
                    keys.setOperator(account, operator);
                }
                spec.commandLine().getErr().println("created key " + k.id() + " for account " + k.account().name() + " (namespace "
                        + k.account().namespace() + "); it is shown only now, store it:");
                spec.commandLine().getOut().println(k.key());
                return 0;
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "Lists the keys: id, account, namespace, creation time. Keys themselves are never shown.")
        static final class ListKeys implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Mixin
            StateDir state;

            @Override
            public Integer call() {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-14s %-20s %-20s %s%n", "ID", "ACCOUNT", "NAMESPACE", "CREATED");
                for (ApiKeyStore.KeyInfo k : ApiKeyStore.open(state.dir, AccountLimits.DEFAULTS).list()) {
                    out.printf("%-14s %-20s %-20s %s%n", k.id(), k.account(), k.namespace(), k.createdAt());
                }
                return 0;
            }
        }

        @Command(name = "revoke", mixinStandardHelpOptions = true,
                description = "Removes the key with id ID (see 'key list'); a running server refuses it from its next request on.")
        static final class Revoke implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Option(names = "--id", paramLabel = "ID", required = true, description = "the key's id")
            String id;

            @Mixin
            StateDir state;

            @Override
            public Integer call() {
                if (!ApiKeyStore.open(state.dir, AccountLimits.DEFAULTS).revoke(id)) {
                    spec.commandLine().getErr().println("antrieb-mcp: no key with id " + id + " (see key list)");
                    return 1;
                }
                spec.commandLine().getErr().println("revoked key " + id);
                return 0;
            }
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = {"Prints the last N commands the account ran, one JSON object per line: time, session_id, node,",
                    "command, exit_code, duration_ms, timed_out, secret_env_names (never values).",
                    "The file is <state-dir>/accounts/NAME/commands.jsonl."})
    static final class Log implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--account", paramLabel = "NAME", required = true, description = "the account")
        String account;

        @Option(names = "--tail", paramLabel = "N", description = "how many commands (default: ${DEFAULT-VALUE})")
        int tail;

        @Mixin
        StateDir state;

        @Override
        public Integer call() {
            range(spec, "--tail", tail, 1, Integer.MAX_VALUE);
            for (Map<String, Object> line : new CommandLog(state.dir).read(account, tail)) {
                spec.commandLine().getOut().println(Json.write(line));
            }
            return 0;
        }
    }

    // ---- defaults and version ----------------------------------------------------------------------

    /** Every option's default, from the constants the server uses: the one place {@code --help} reads them. */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        /** Key of the library's boot timeouts, in seconds by accelerator. */
        static final String BOOT_TIMEOUT = "antrieb.default.boot-timeout-seconds";
        /** Key of the library's exec timeout, in seconds. */
        static final String EXEC_TIMEOUT = "antrieb.default.exec-timeout-seconds";

        /**
         * Defaults the library applies when an option is not given, as help texts: options whose default is not a
         * value picocli could set without changing what "not given" means (the boot timeout depends on the
         * accelerator found at start).
         */
        static ResourceBundle texts() {
            Object[][] contents = {
                    {BOOT_TIMEOUT, Antrieb.DEFAULT_BOOT_TIMEOUT_KVM.toSeconds() + " with KVM, "
                            + Antrieb.DEFAULT_BOOT_TIMEOUT_TCG.toSeconds() + " under TCG"},
                    {EXEC_TIMEOUT, String.valueOf(Antrieb.DEFAULT_EXEC_TIMEOUT.toSeconds())},
            };
            return new ListResourceBundle() {
                @Override
                protected Object[][] getContents() {
                    return contents;
                }
            };
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec arg) {
            if (!(arg instanceof OptionSpec o)) {
                return null;
            }
            AccountLimits a = AccountLimits.DEFAULTS;
            return switch (o.longestName()) {
                case "--state-dir" -> {
                    String env = System.getenv(STATE_DIR_ENV);
                    yield env == null || env.isBlank() ? AntriebMcpServer.DEFAULT_STATE_DIR.toString() : env;
                }
                case "--account-clusters" -> String.valueOf(a.maxConcurrentClusters());
                case "--max-nodes" -> String.valueOf(a.maxNodes());
                case "--ttl-minutes" -> String.valueOf(a.ttl().toMinutes());
                case "--max-clusters" -> String.valueOf(DEFAULT_HOST_CLUSTERS);
                case "--vcpus" -> String.valueOf(VmSize.DEFAULT.vcpus());
                case "--memory-mib" -> String.valueOf(VmSize.DEFAULT.memoryMiB());
                case "--disk-gib" -> String.valueOf(VmSize.DEFAULT.diskGiB());
                case "--model-timeout-seconds" -> String.valueOf(DEFAULT_MODEL_TIMEOUT.toSeconds());
                case "--port" -> String.valueOf(DEFAULT_PORT);
                case "--bind" -> DEFAULT_BIND;
                case "--tail" -> String.valueOf(DEFAULT_LOG_TAIL);
                default -> null;
            };
        }
    }

    /** {@code --version}: the adapter jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"antrieb-mcp " + (v == null ? "(development build)" : v)};
        }
    }
}
