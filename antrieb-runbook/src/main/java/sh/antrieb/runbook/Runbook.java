package sh.antrieb.runbook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.runbook.internal.RunbookExecutor;
import sh.antrieb.runbook.internal.RunbookParser;
import sh.antrieb.runbook.internal.TopologyParser;

/**
 * A markdown document that preserves a multi-node scenario ("Ansible controller managing two targets")
 * so it can be re-run on a fresh cluster and proven by its own checks. Immutable: {@link #withVariables}
 * makes a variant.
 *
 * <pre>{@code
 * Runbook rb = Runbook.builtin("antrieb/router-isolated-lan");
 * RunbookResult result = rb.withVariables(Map.of("LAN_NODE_IP", "10.10.1.20")).runOn(cluster);
 * if (!result.succeeded()) {
 *     log.warn("{}", result.toMarkdown());
 * }
 * }</pre>
 *
 * <h2>The format</h2>
 * <pre>{@code
 * # nginx behind a load balancer                      <- title: the first '# ' heading (required)
 *
 * What the scenario is and why: prose up to the first '## ' heading is the description.
 *
 * ## Topology required                                <- required; one fenced yaml block
 *
 * ```yaml
 * nodes: ["debian12 x3"]          # provision's shorthand, or objects {image, count, controller}
 * networks:                       # optional: declared networks, each its own L2 segment and /24
 *   - {name: wan, egress: true}
 *   - {name: lan, cidr: 10.10.1.0/24, egress: false, dhcp: false}
 * nics:                           # with networks: every node's networks, eth0 first
 *   node1: [wan, lan]
 *   node2: [lan]
 * ```
 *
 * ## Variables                                        <- optional; one list item per variable
 *
 * - `<PORT>`: the port the backends listen on (default: 8080)
 * - `<TOKEN>`: an API token; no default, so the caller must give one
 *
 * ## Steps                                            <- required; '### N. Title' headings (or an ordered list)
 *
 * ### 1. Install the backends
 *
 * Prose under a step is its "why", kept with the step.
 *
 * ```sh node2,node3
 * apt-get install -y nginx
 * ```
 *
 * ### 2. Configure the balancer
 *
 * ```sh node1
 * sed -i 's/listen 80/listen <PORT>/' /etc/nginx/sites-enabled/default
 * ```
 *
 * ## Verify                                           <- required; success of every block proves the scenario
 *
 * ```sh node1
 * curl -fsS http://localhost:<PORT>/
 * ```
 * }</pre>
 *
 * <ul>
 *   <li>Sections are the second-level headings {@code Topology required} (or {@code Topology}),
 *       {@code Variables}, {@code Steps} and {@code Verify}, matched without regard to case. Other sections
 *       (notes, troubleshooting) are allowed and ignored.</li>
 *   <li>Nodes are {@code node1..nodeN} in the order of {@code nodes}, as {@code provision} names them.</li>
 *   <li>A command block is a fenced block whose info string is a shell ({@code sh}, {@code bash} or
 *       {@code shell}) followed by its nodes: {@code sh node1}, {@code sh node1,node2} or {@code sh all};
 *       the shell may be left out ({@code ```node1}). Each block runs as one command on each of its nodes
 *       (on several nodes at once), with the usual {@code NODE_NAME}, {@code CLUSTER_HOSTS}, ... environment.
 *       Its exit status is that of its last line: start a block with {@code set -e} to stop at its first
 *       failing line. Blocks in other languages ({@code text}, {@code yaml}, ...) are shown to the reader
 *       and never run.</li>
 *   <li>A fault block (in a step only) is a fenced block whose info string is {@code fault}: one
 *       {@link sh.antrieb.Fault} per line, in the MCP {@code fault} tool's words ({@code partition node1 node2},
 *       {@code partition node1,node2 / node3}, {@code isolate node3}, {@code link node2 latency=200ms jitter=50ms
 *       loss=0.05}, {@code power_off node1}, {@code power_on node1}, {@code freeze node2}, {@code thaw node2},
 *       {@code heal}; blank lines and {@code #} comments skipped), made at the host on the cluster's
 *       {@link sh.antrieb.Faults} in order between the step's other blocks. A run that made faults heals the
 *       cluster's faults when it ends, pass or fail.</li>
 *   <li>Steps are either {@code ### 1. Title} headings (the number may be left out; when given it must
 *       match the step's position) with prose and command blocks beneath, or, when the section has no
 *       such headings, the items of an ordered list, whose first line is the title.</li>
 *   <li>A variable is declared as {@code - `<NAME>`: meaning (default: value)}; the name is upper-case
 *       letters, digits and {@code _}; the default may be a code span ({@code (default: `a b`)}) and is
 *       optional. Every {@code <NAME>} in a command or in the topology is replaced by its value verbatim
 *       (no quoting) before it runs; only upper-case names count, so {@code <<EOF} and {@code <html>} are
 *       left alone.</li>
 * </ul>
 *
 * <p>Every violation (missing section, command block with no node or an unknown one, variable used but
 * not declared, malformed topology) is reported at parse time as a {@link RunbookException} with line
 * numbers; a declared variable with no default that the caller did not supply is refused before any
 * command runs.
 */
public final class Runbook {
    private static final String BUILTIN_ROOT = "/sh/antrieb/runbook/builtin/";
    private static final String BUILTIN_NAMESPACE = "antrieb";

    private final String markdown;
    private final String source;
    private final RunbookParser.Parsed parsed;
    private final Map<String, String> supplied;
    private final Topology topology;

    private Runbook(String markdown, String source, RunbookParser.Parsed parsed, Map<String, String> supplied, Topology topology) {
        this.markdown = markdown;
        this.source = source;
        this.parsed = parsed;
        this.supplied = supplied;
        this.topology = topology;
    }

    /**
     * Parses runbook markdown.
     *
     * @throws RunbookException listing every problem, each with its line and what was expected
     */
    public static Runbook parse(String markdown) {
        return parse(markdown, null);
    }

    private static Runbook parse(String markdown, String source) {
        Objects.requireNonNull(markdown, "markdown");
        RunbookParser.Parsed parsed = RunbookParser.parse(markdown, source);
        return new Runbook(markdown, source, parsed, Map.of(), parsed.topology());
    }

    /**
     * Reads and parses the runbook at {@code path} (UTF-8).
     *
     * @throws RunbookException when it cannot be read or parsed; problems name the file
     */
    public static Runbook load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RunbookException("cannot read runbook " + path + ": " + e, e);
        }
        return parse(text, path.toString());
    }

    /**
     * A built-in, read-only runbook by its fully qualified name, e.g. {@code antrieb/primer} (a leading
     * {@code @} is accepted). {@link #builtins()} lists them.
     *
     * @throws RunbookException for a name that is not built in
     */
    public static Runbook builtin(String fqName) {
        Objects.requireNonNull(fqName, "fqName");
        String name = fqName.startsWith("@") ? fqName.substring(1) : fqName;
        if (!builtins().contains(name)) {
            throw new RunbookException("no built-in runbook '" + fqName + "'"
                    + (name.startsWith(BUILTIN_NAMESPACE + "/") ? "" : " (only the antrieb/ namespace is built in; saved runbooks come from the catalog)")
                    + "; the built-ins are " + builtins());
        }
        return parse(resource(BUILTIN_ROOT + name + ".md"), name);
    }

    /** The fully qualified names of the built-in runbooks, e.g. {@code antrieb/primer}, in a stable order. */
    public static List<String> builtins() {
        return resource(BUILTIN_ROOT + "index.txt").lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static String resource(String path) {
        try (InputStream in = Runbook.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the antrieb-runbook jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path + " from the antrieb-runbook jar", e);
        }
    }

    /**
     * A runbook that re-runs what worked in a session: {@code commands} (in the order they ran; failed ones
     * are left out) grouped into one step per run of consecutive commands on the same node. It has no
     * verify commands; use {@link RunbookWriter} to add some.
     *
     * @param title       the runbook's title
     * @param description what the scenario is, or null
     * @param topology    the spec the session's cluster was provisioned with
     * @param commands    the session's commands, e.g. {@link Cluster#history()}
     */
    public static Runbook fromSession(String title, String description, ClusterSpec topology, List<ExecResult> commands) {
        return RunbookWriter.create(title, topology).description(description).commands(commands).toRunbook();
    }

    /** The title (the first-level heading). */
    public String title() {
        return parsed.title();
    }

    /** The prose between the title and the first section, as markdown; empty when there is none. */
    public String description() {
        return parsed.description();
    }

    /** The cluster shape the runbook needs, with variable values substituted. */
    public Topology topology() {
        return topology;
    }

    /** The declared variables, in order. */
    public List<Variable> variables() {
        return parsed.variables();
    }

    /** The steps, in order. */
    public List<Step> steps() {
        return parsed.steps();
    }

    /** The verify command blocks, in order. */
    public List<CommandBlock> verify() {
        return parsed.verify();
    }

    /** The markdown this runbook was parsed from. */
    public String markdown() {
        return markdown;
    }

    /**
     * The value each variable will have: its default, replaced by what the caller supplied. Variables with
     * neither are absent (see {@link #missingVariables()}).
     */
    public Map<String, String> values() {
        return valuesOf(variables(), supplied);
    }

    private static Map<String, String> valuesOf(List<Variable> variables, Map<String, String> supplied) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Variable v : variables) {
            String value = supplied.getOrDefault(v.name(), v.defaultValue());
            if (value != null) {
                values.put(v.name(), value);
            }
        }
        return values;
    }

    /** The variables that have no default and were not supplied; running refuses while any remain. */
    public List<Variable> missingVariables() {
        return variables().stream().filter(v -> v.required() && !supplied.containsKey(v.name())).toList();
    }

    /**
     * This runbook with variable values; values supplied earlier stay unless replaced.
     *
     * @throws RunbookException for a name the runbook does not declare, or a value that makes the topology invalid
     */
    public Runbook withVariables(Map<String, String> values) {
        Map<String, String> merged = new LinkedHashMap<>(supplied);
        List<String> unknown = new ArrayList<>();
        values.forEach((name, value) -> {
            if (variables().stream().noneMatch(v -> v.name().equals(name))) {
                unknown.add(name);
            } else {
                merged.put(name, Objects.requireNonNull(value, () -> "value of " + name));
            }
        });
        if (!unknown.isEmpty()) {
            throw new RunbookException("runbook '" + title() + "' declares no variable " + unknown + "; it declares "
                    + variables().stream().map(Variable::name).toList());
        }
        // The topology may hold placeholders too (a network's cidr, say): read it again with the new values.
        List<RunbookException.Problem> problems = new ArrayList<>();
        Topology resolved = TopologyParser.parse(parsed.topologyYaml(), parsed.topologyYamlLine(),
                valuesOf(variables(), merged), problems);
        if (resolved == null) {
            throw new RunbookException(problems, source);
        }
        return new Runbook(markdown, source, parsed, Map.copyOf(merged), resolved);
    }

    /**
     * Runs the runbook on {@code cluster} with the client's default exec options. See
     * {@link #runOn(Cluster, ExecOptions)}.
     */
    public RunbookResult runOn(Cluster cluster) {
        return runOn(cluster, ExecOptions.DEFAULTS);
    }

    /**
     * Runs the steps in order on their nodes, stopping at the first failing command, then, if every step
     * passed, the verify commands. The cluster is left as the run left it (open).
     *
     * @param options exec options for every command, e.g. a longer timeout or secret environment variables
     * @throws RunbookException before anything runs, when a variable has no value or the cluster does not
     *                          have the topology's nodes and images (and its declared networks, NICs in order)
     */
    public RunbookResult runOn(Cluster cluster, ExecOptions options) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(options, "options");
        requireValues();
        RunbookExecutor.checkCluster(topology, cluster);
        return RunbookExecutor.run(this, cluster, options);
    }

    /**
     * Provisions the runbook's topology on {@code antrieb}, runs the runbook on it and closes the cluster.
     *
     * @throws RunbookException before anything is provisioned, when a variable has no value or core refuses
     *                          the topology's spec
     */
    public RunbookResult run(Antrieb antrieb) {
        Objects.requireNonNull(antrieb, "antrieb");
        requireValues();
        ClusterSpec spec = topology.toClusterSpec();
        try (Cluster cluster = antrieb.provision(spec)) {
            return runOn(cluster);
        }
    }

    private void requireValues() {
        List<Variable> missing = missingVariables();
        if (!missing.isEmpty()) {
            List<RunbookException.Problem> problems = missing.stream()
                    .map(v -> new RunbookException.Problem(v.line(), "variable <" + v.name() + "> (" + v.description()
                            + ") has no default and was not supplied: pass it with withVariables(Map.of(\"" + v.name() + "\", ...))"))
                    .toList();
            throw new RunbookException(problems, source);
        }
    }

    /** The title, the source when known, and the number of steps. */
    @Override
    public String toString() {
        return "Runbook[" + title() + (source == null ? "" : " from " + source) + ", " + steps().size() + " steps, "
                + verify().size() + " verify blocks" + (supplied.isEmpty() ? "" : ", variables " + supplied.keySet().stream()
                .sorted().collect(Collectors.joining(","))) + "]";
    }
}
