package sh.antrieb.runbook;

import java.util.List;
import java.util.Objects;

/**
 * One fenced shell block of a step or of {@code ## Verify}: a script and the nodes it runs on. The
 * script runs as one command on each node (as {@link sh.antrieb.Cluster#exec(String, String)} runs it);
 * its exit status is that of its last line, so a block that must stop at its first failing line says
 * {@code set -e} itself.
 *
 * @param nodes  the target nodes in the order written ({@code all} already expanded to every node)
 * @param script the block's text with {@code <NAME>} placeholders not yet substituted, without the final newline
 * @param line   1-based line of the opening fence, 0 when not parsed from markdown
 */
public record CommandBlock(List<String> nodes, String script, int line) {

    /** Copies the node list. */
    public CommandBlock {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(script, "script");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a command block runs on at least one node");
        }
    }
}
