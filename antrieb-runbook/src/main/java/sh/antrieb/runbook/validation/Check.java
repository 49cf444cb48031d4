package sh.antrieb.runbook.validation;

import java.util.Objects;

/**
 * A verify command and the node it runs on: its exit status 0 proves part of the scenario works.
 *
 * @param node    the node, e.g. {@code node1}
 * @param command a shell command, e.g. {@code curl -fs localhost | grep -q node2}
 */
public record Check(String node, String command) {
    /** Checks the values. */
    public Check {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("a verify check on " + node + " has no command");
        }
    }
}
