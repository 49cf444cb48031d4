package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/**
 * {@code bin/antrieb-mcp}'s command line without a server: usage errors (exit 2, the problem named, nothing
 * started), help whose defaults are the server's constants, and the key and log commands on a state
 * directory of the test's own.
 */
class MainTest {
    @TempDir
    Path state;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void withoutACommandItIsAUsageErrorNamingTheCommands() {
        Run r = run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("antrieb-mcp: give a command: stdio, http, key or log")
                .contains("Run 'antrieb-mcp --help' for usage.");
    }

    @Test
    void helpListsTheCommandsAndTheServersDefaultsComeFromItsConstants() {
        Run top = run("--help");
        assertThat(top.code()).isZero();
        assertThat(top.out()).contains("stdio", "http", "key", "log", "generate-completion");

        Run http = run("http", "--help");
        assertThat(http.code()).isZero();
        AccountLimits d = AccountLimits.DEFAULTS;
        // Whitespace folded: help wraps to the terminal's width.
        assertThat(http.out().replaceAll("\\s+", " "))
                .contains("--port=N", "(default: " + Main.DEFAULT_PORT + ";")
                .contains("--bind=ADDR", "(default: " + Main.DEFAULT_BIND + ")")
                .containsPattern("--account-clusters=N concurrent clusters per account \\(default: " + d.maxConcurrentClusters() + "\\)")
                .containsPattern("--max-nodes=N nodes per cluster, plus one controller node \\(default: " + d.maxNodes() + "\\)")
                .containsPattern("--ttl-minutes=N .*\\(default: " + d.ttl().toMinutes() + "\\)")
                .containsPattern("--max-clusters=N .*\\(default: " + Main.DEFAULT_HOST_CLUSTERS + "\\)")
                .containsPattern("--vcpus=N vCPUs per VM \\(default: " + VmSize.DEFAULT.vcpus() + "\\)")
                .containsPattern("--memory-mib=N .*\\(default: " + VmSize.DEFAULT.memoryMiB() + "\\)")
                .containsPattern("--model-timeout-seconds=N .*\\(default: " + Main.DEFAULT_MODEL_TIMEOUT.toSeconds() + "\\)")
                .contains("$" + Main.MODEL_KEY_ENV);
    }

    @Test
    void helpShowsTheLibrarysOwnDefaultsFromItsConstantsAndAccountsDefaultToThem() {
        for (String command : new String[] {"stdio", "http"}) {
            Run r = run(command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out().replaceAll("\\s+", " "))
                    .containsPattern("--boot-timeout-seconds=N .*\\(default: the library's, " + Antrieb.DEFAULT_BOOT_TIMEOUT_KVM.toSeconds()
                            + " with KVM, " + Antrieb.DEFAULT_BOOT_TIMEOUT_TCG.toSeconds() + " under TCG\\)")
                    .containsPattern("--exec-timeout-seconds=N .*\\(default: the library's, " + Antrieb.DEFAULT_EXEC_TIMEOUT.toSeconds() + "\\)")
                    .contains("$ANTRIEB_LIBVIRT_URI (default " + Antrieb.DEFAULT_LIBVIRT_URI + ")")
                    .contains("$ANTRIEB_IMAGE_CACHE (default " + Antrieb.DEFAULT_IMAGE_CACHE + ")")
                    .doesNotContain("${");
        }
        // An account is limited like one client: the MCP's defaults are the library's.
        assertThat(AccountLimits.DEFAULTS).isEqualTo(new AccountLimits(Antrieb.DEFAULT_MAX_CONCURRENT_CLUSTERS, Antrieb.DEFAULT_MAX_NODES,
                Antrieb.DEFAULT_TTL));
    }

    /**
     * The library's client's own namespace: the server never uses it, it asks every catalog and provision for the
     * account's namespace.
     */
    private static final Set<String> NOT_READ_BY_THE_SERVER = Set.of(Antrieb.NAMESPACE_ENV);

    @Test
    void everyEnvironmentVariableTheCodeReadsIsInTheServersHelp() throws IOException {
        // What the code reads: getenv(NAME) with NAME a constant *_ENV (a literal would escape this list), and the
        // values of those constants, in the server's own sources and the library's.
        Pattern read = Pattern.compile("getenv\\(\\s*([^)\\s]+)\\s*\\)");
        Pattern declared = Pattern.compile("static final String (\\w+_ENV) = \"([A-Z0-9_]+)\"");
        Set<String> names = new TreeSet<>();
        Set<String> badReads = new TreeSet<>();
        for (Path root : new Path[] {Path.of("src/main/java"), Path.of("../antrieb-core/src/main/java")}) {
            assertThat(root).isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(f);
                    Matcher r = read.matcher(text);
                    while (r.find()) {
                        if (!r.group(1).endsWith("_ENV")) {
                            badReads.add(f.getFileName() + ": getenv(" + r.group(1) + ")");
                        }
                    }
                    Matcher d = declared.matcher(text);
                    while (d.find()) {
                        names.add(d.group(2));
                    }
                }
            }
        }
        assertThat(badReads).as("environment variables read without a *_ENV constant").isEmpty();
        assertThat(names).contains(Antrieb.LIBVIRT_URI_ENV, Antrieb.CATALOG_DIR_ENV, Main.STATE_DIR_ENV, Main.MODEL_KEY_ENV);
        names.removeAll(NOT_READ_BY_THE_SERVER);

        Set<String> listed = Main.ENVIRONMENT.stream().map(Main.EnvVar::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).as("Main.ENVIRONMENT").isEqualTo(names);
        for (String command : new String[] {"stdio", "http"}) {
            String help = run(command, "--help").out().replaceAll("\\s+", " ");
            assertThat(help).contains("Environment:");
            for (String name : names) {
                assertThat(help).as(command + " --help").contains("$" + name + " (");
            }
        }
    }

    @Test
    void badOptionsAreUsageErrorsThatNameTheOptionAndStartNothing() {
        assertThat(run("http", "--port", "70000")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--port must be between 0 and 65535, was 70000").contains("Run 'antrieb-mcp http --help'");
        });
        assertThat(run("http", "--port", "eighty")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--port").contains("eighty");
        });
        assertThat(run("stdio", "--frobnicate")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("Unknown option: '--frobnicate'");
        });
        // The model's two flags go together.
        assertThat(run("stdio", "--model-base-url", "http://127.0.0.1:1/v1")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--model-name");
        });
        // Refused before a libvirt connection is made: the alias parser's words.
        assertThat(run("stdio", "--state-dir", state.toString(), "--image-alias", "no-equals-sign")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--image-alias no-equals-sign: ");
        });
        assertThat(run("stdio", "--state-dir", state.toString(), "--host", "qemu:///system", "--host", "qemu:///system")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--host: host qemu:///system is given twice");
        });
        assertThat(run("stdio", "--vcpus", "0")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--vcpus must be between 1 and 64, was 0");
        });
        assertThat(run("key")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("give a key command: key create, key list or key revoke");
        });
        assertThat(run("key", "create", "--state-dir", state.toString())).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--account");
        });
    }

    @Test
    void keyCreateOperatorMarksTheAccountAndAWrongValueIsAUsageErrorThatWritesNothing() {
        Run bad = run("key", "create", "--account", "ops", "--operator", "maybe", "--state-dir", state.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--operator");
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        assertThat(keys.accountNames()).isEmpty();
        assertThat(run("key", "create", "--account", "ops", "--operator", "true", "--state-dir", state.toString()).code()).isZero();
        assertThat(keys.isOperator("ops")).isTrue();
        assertThat(run("key", "create", "--account", "ops", "--operator", "false", "--state-dir", state.toString()).code()).isZero();
        assertThat(keys.isOperator("ops")).isFalse();
    }

    @Test
    void keyCreateListRevokeAndLogWorkOnTheStateDirectory() {
        Run created = run("key", "create", "--account", "alice", "--max-nodes", "3", "--state-dir", state.toString());
        assertThat(created.code()).as(created.err()).isZero();
        String key = created.out().strip();
        assertThat(key).isNotBlank().doesNotContain(" ");
        assertThat(created.err()).contains("for account alice (namespace alice)").contains("it is shown only now");
        // Any limit given stores all three, the others at their defaults.
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        AccountLimits stored = keys.authenticate(key).orElseThrow().limits();
        assertThat(stored.maxNodes()).isEqualTo(3);
        assertThat(stored.maxConcurrentClusters()).isEqualTo(AccountLimits.DEFAULTS.maxConcurrentClusters());
        assertThat(stored.ttl()).isEqualTo(AccountLimits.DEFAULTS.ttl());

        Run list = run("key", "list", "--state-dir", state.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("ACCOUNT").contains("alice").doesNotContain(key);
        String id = list.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        assertThat(run("log", "--account", "alice", "--state-dir", state.toString())).satisfies(r -> {
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEmpty();
        });
        assertThat(run("log", "--account", "alice", "--tail", "0", "--state-dir", state.toString()).code()).isEqualTo(2);

        assertThat(run("key", "revoke", "--id", id, "--state-dir", state.toString())).satisfies(r -> {
            assertThat(r.code()).isZero();
            assertThat(r.err()).contains("revoked key " + id);
        });
        assertThat(keys.authenticate(key)).isEmpty();
        assertThat(run("key", "revoke", "--id", id, "--state-dir", state.toString())).satisfies(r -> {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("no key with id " + id);
        });
    }

    @Test
    void generateCompletionPrintsAShellCompletionScript() {
        Run r = run("generate-completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("antrieb-mcp").contains("complete").contains("--account-clusters");
    }
}
