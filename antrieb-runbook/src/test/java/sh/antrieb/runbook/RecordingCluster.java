package sh.antrieb.runbook;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.FakeCluster;
import sh.antrieb.Faults;

/**
 * A fake cluster for unit tests: no VMs. It records every command it is asked to run, in order, and
 * answers with scripted results: exit 0 and {@code "ok from <node>"} unless a rule says otherwise.
 */
final class RecordingCluster extends FakeCluster {
    /** One command as the runbook asked for it. */
    record Call(String node, String command, ExecOptions options) {
    }

    private interface Rule extends BiFunction<String, String, ExecResult> {
    }

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> timeline = Collections.synchronizedList(new ArrayList<>());
    private RecordingFaults faults;
    private final List<Rule> rules = new ArrayList<>();

    RecordingCluster(String... shorthand) {
        this(ClusterSpec.of(shorthand));
    }

    /** A cluster made from {@code spec}, declared networks included (they are only recorded, never created). */
    RecordingCluster(ClusterSpec spec) {
        super("recording-1", spec);
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

    /** Faults as the core's in-memory fake, each call also written into {@link #timeline()}. */
    @Override
    public synchronized Faults faults() {
        if (faults == null) {
            faults = new RecordingFaults(super.faults(), timeline::add);
        }
        return faults;
    }

    /** Commands ({@code node: command}) and fault calls ({@code fault: isolate node1}) in the order they happened. */
    List<String> timeline() {
        return List.copyOf(timeline);
    }

    @Override
    protected ExecResult run(String node, String command, ExecOptions options) {
        calls.add(new Call(node, command, options));
        timeline.add(node + ": " + command);
        for (Rule rule : rules) {
            ExecResult r = rule.apply(node, command);
            if (r != null) {
                return r;
            }
        }
        return result(node, command, 0, "ok from " + node + "\n", "");
    }
}
