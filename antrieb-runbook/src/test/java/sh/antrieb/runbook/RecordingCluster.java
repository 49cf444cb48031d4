package sh.antrieb.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import sh.antrieb.Accelerator;
import sh.antrieb.AntriebException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Node;
import sh.antrieb.NoSuchNodeException;

/**
 * A fake {@link Cluster} for unit tests: no VMs. It records every command it is asked to run, in order, and
 * answers with scripted results: exit 0 with empty output unless a rule says otherwise.
 */
final class RecordingCluster implements Cluster {
    /** One command as the runbook asked for it. */
    record Call(String node, String command, ExecOptions options) {
    }

    private interface Rule extends BiFunction<String, String, ExecResult> {
    }

    private final ClusterSpec spec;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<ExecResult> history = Collections.synchronizedList(new ArrayList<>());
    private final List<Rule> rules = new ArrayList<>();
    private final Instant createdAt = Instant.now();

    RecordingCluster(String... shorthand) {
        this(ClusterSpec.of(shorthand));
    }

    /** A cluster made from {@code spec}, declared networks included (they are only recorded, never created). */
    RecordingCluster(ClusterSpec spec) {
        this.spec = spec;
        List<String> images = spec.nodeImages();
        for (int i = 0; i < images.size(); i++) {
            nodes.add(new Node("node" + (i + 1), i + 1, images.get(i), "10.200.0." + (10 + i)));
        }
    }

    /** Commands on {@code node} containing {@code text} exit with {@code exitCode} and print {@code stderr}. */
    RecordingCluster failWhen(String node, String text, int exitCode, String stderr) {
        rules.add((n, c) -> n.equals(node) && c.contains(text) ? result(n, c, exitCode, "", stderr) : null);
        return this;
    }

    /** Commands on {@code node} containing {@code text} print {@code stdout} and exit 0. */
    RecordingCluster answer(String node, String text, String stdout) {
        rules.add((n, c) -> n.equals(node) && c.contains(text) ? result(n, c, 0, stdout, "") : null);
        return this;
    }

    /** Commands on {@code node} containing {@code text} throw {@code e}, as a cluster that expired mid-run does. */
    RecordingCluster throwWhen(String node, String text, AntriebException e) {
        rules.add((n, c) -> {
            if (n.equals(node) && c.contains(text)) {
                throw e;
            }
            return null;
        });
        return this;
    }

    /** Every command asked for, in order. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every command asked for, as {@code node: command}. */
    List<String> callTexts() {
        return calls().stream().map(c -> c.node() + ": " + c.command()).toList();
    }

    private static ExecResult result(String node, String command, int exitCode, String stdout, String stderr) {
        return new ExecResult(node, command, exitCode, stdout, stderr, Instant.now(), Duration.ofMillis(5), false);
    }

    @Override
    public String id() {
        return "recording-1";
    }

    @Override
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchNodeException(id(), name, nodes.stream().map(Node::name).toList()));
    }

    @Override
    public ExecResult exec(String node, String command, ExecOptions options) {
        node(node);
        calls.add(new Call(node, command, options));
        ExecResult r = null;
        for (Rule rule : rules) {
            r = rule.apply(node, command);
            if (r != null) {
                break;
            }
        }
        if (r == null) {
            r = result(node, command, 0, "ok from " + node + "\n", "");
        }
        history.add(r);
        return r;
    }

    @Override
    public CompletableFuture<ExecResult> execAsync(String node, String command, ExecOptions options) {
        // Synchronous on purpose: the order of calls stays deterministic for the assertions.
        try {
            return CompletableFuture.completedFuture(exec(node, command, options));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<ExecResult> history() {
        return List.copyOf(history);
    }

    @Override
    public String consoleTail(String node, int lines) {
        return "";
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public Accelerator accelerator() {
        return Accelerator.TCG;
    }

    @Override
    public Duration provisionTime() {
        return Duration.ZERO;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Instant expiresAt() {
        return createdAt.plus(Duration.ofMinutes(10));
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
