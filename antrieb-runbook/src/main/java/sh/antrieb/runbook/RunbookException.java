package sh.antrieb.runbook;

import java.util.List;
import java.util.stream.Collectors;

import sh.antrieb.AntriebException;
import sh.antrieb.ErrorCode;

/**
 * A runbook that cannot be parsed or run as written: a missing section, a command block that names no
 * node or an unknown one, a variable used but not declared or declared but not supplied, a malformed
 * topology, or a cluster that does not match the topology. Raised before any command runs.
 *
 * <p>Each {@link Problem} carries the 1-based line of the markdown it is about (0 when it concerns the
 * runbook as a whole) and says what was expected there. The parser reports every problem it finds at
 * once, so a writer can fix them in one pass.
 */
public class RunbookException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /**
     * One thing wrong with a runbook.
     *
     * @param line    1-based line in the markdown, or 0 when the problem has no single line
     * @param message what is wrong and what is expected instead
     */
    public record Problem(int line, String message) {
        /** {@code line N: message}, or the bare message when there is no line. */
        @Override
        public String toString() {
            return line > 0 ? "line " + line + ": " + message : message;
        }
    }

    private final transient List<Problem> problems;

    /** A problem with the runbook as a whole (no line). */
    public RunbookException(String message) {
        this(List.of(new Problem(0, message)), null);
    }

    /** A problem with the runbook as a whole (no line), caused by {@code cause} (e.g. the file could not be read). */
    public RunbookException(String message, Throwable cause) {
        super(ErrorCode.INVALID_RUNBOOK, message, cause);
        this.problems = List.of(new Problem(0, message));
    }

    /** A problem at {@code line} (1-based). */
    public RunbookException(int line, String message) {
        this(List.of(new Problem(line, message)), null);
    }

    /** Several problems, in document order; {@code source} names the runbook (a path, a name) or is null. */
    public RunbookException(List<Problem> problems, String source) {
        super(ErrorCode.INVALID_RUNBOOK, render(problems, source));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a RunbookException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    private static String render(List<Problem> problems, String source) {
        String where = source == null ? "runbook" : "runbook " + source;
        if (problems.size() == 1) {
            return where + ": " + problems.get(0);
        }
        return where + " has " + problems.size() + " problems:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }

    /** Every problem found, in document order. */
    public List<Problem> problems() {
        return problems;
    }

    /** The line of the first problem (1-based), or 0 when it has none. */
    public int line() {
        return problems.get(0).line();
    }
}
