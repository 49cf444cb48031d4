package sh.antrieb;

import java.time.Duration;
import java.time.Instant;

/**
 * What a command did on a node.
 *
 * <p>{@code exitCode} is the command's exit status, or {@code -1} when there is none: the command timed
 * out ({@link #timedOut()}) or the node could not be reached (a reboot in progress); {@code stderr} then
 * says which. Output beyond the client's limit is cut, and the cut is marked in the text.
 *
 * @param node      the node it ran on
 * @param command   the command as given
 * @param exitCode  exit status, or -1 when there is none
 * @param stdout    standard output
 * @param stderr    standard error
 * @param startedAt when the call started
 * @param duration  how long the call took
 * @param timedOut  whether the command was stopped at its timeout
 * @param transport how the command reached the node
 */
public record ExecResult(String node, String command, int exitCode, String stdout, String stderr,
                         Instant startedAt, Duration duration, boolean timedOut, Transport transport) {

    /** How a command reached its node. */
    public enum Transport {
        /** The node's exec agent, on the node's open SSH connection: the usual path, a few frames per command. */
        AGENT,
        /** An SSH exec channel of its own: while the agent is not running (after a reboot, until it is back). */
        CHANNEL,
        /** Neither: the node was not reachable, or the result was not made by a node (a fake's, a replay's). */
        NONE
    }

    /** A result of {@link Transport#NONE}: one a node did not make (fakes, replays, parsers). */
    public ExecResult(String node, String command, int exitCode, String stdout, String stderr,
                      Instant startedAt, Duration duration, boolean timedOut) {
        this(node, command, exitCode, stdout, stderr, startedAt, duration, timedOut, Transport.NONE);
    }

    public ExecResult {
        java.util.Objects.requireNonNull(transport, "transport");
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** A one-line description: node, exit code, duration and the command's first line. */
    public String summary() {
        String first = command.lines().findFirst().orElse("");
        if (first.length() > 80) {
            first = first.substring(0, 77) + "...";
        }
        return node + " $ " + first + "  -> exit " + exitCode + (timedOut ? " (timed out)" : "")
                + " in " + duration.toMillis() + " ms";
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
    }

    @Override
    public String toString() {
        return summary();
    }
}
