package sh.antrieb.runbook;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import sh.antrieb.Fault;

/**
 * One fenced block of a step or of {@code ## Verify}: either a shell script and the nodes it runs on, or (in a
 * step only) a {@code ```fault} block of failure scenarios made at the host.
 *
 * <p>A shell block's script runs as one command on each node (as {@link sh.antrieb.Cluster#exec(String, String)}
 * runs it); its exit status is that of its last line, so a block that must stop at its first failing line says
 * {@code set -e} itself.
 *
 * <p>A fault block holds one {@link Fault} per line ({@code power_off node1}, {@code partition node1 node2},
 * {@code heal}, ...), made on the cluster's {@link sh.antrieb.Faults} in order; its {@code nodes} are the nodes
 * those lines name and its {@code script} is the block's text.
 *
 * @param nodes  the target nodes in the order written ({@code all} already expanded to every node); for a fault
 *               block the nodes its faults name (none for a lone {@code heal})
 * @param script the block's text with {@code <NAME>} placeholders not yet substituted, without the final newline
 * @param line   1-based line of the opening fence, 0 when not parsed from markdown
 * @param faults the faults of a fault block, in order; empty for a shell block
 */
public record CommandBlock(List<String> nodes, String script, int line, List<Fault> faults) {

    /** Copies the lists. */
    public CommandBlock {
        nodes = List.copyOf(nodes);
        faults = List.copyOf(faults);
        Objects.requireNonNull(script, "script");
        if (nodes.isEmpty() && faults.isEmpty()) {
            throw new IllegalArgumentException("a command block runs on at least one node");
        }
    }

    /** A shell block: {@code script} on each of {@code nodes}. */
    public CommandBlock(List<String> nodes, String script, int line) {
        this(nodes, script, line, List.of());
    }

    /** A fault block of {@code faults}, its text one {@link Fault#toString() line} per fault. */
    public static CommandBlock ofFaults(List<Fault> faults) {
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("a fault block holds at least one fault");
        }
        return ofFaults(faults, faults.stream().map(Fault::toString).collect(Collectors.joining("\n")), 0);
    }

    /** A fault block of {@code faults} as written ({@code script}, which may hold comments) at {@code line}. */
    public static CommandBlock ofFaults(List<Fault> faults, String script, int line) {
        Set<String> named = new LinkedHashSet<>();
        faults.forEach(f -> named.addAll(f.nodesNamed()));
        return new CommandBlock(List.copyOf(named), script, line, faults);
    }

    /** Whether this is a {@code ```fault} block, made at the host, rather than a shell block run on nodes. */
    public boolean isFault() {
        return !faults.isEmpty();
    }
}
