package sh.antrieb.junit;

import java.util.regex.Pattern;

import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.Assertions;

import sh.antrieb.ExecResult;

/**
 * AssertJ assertions on an {@link ExecResult}. Every failure message shows the node, the command, its
 * exit code and the tails of its stdout and stderr, so a failed assertion explains itself without
 * re-running anything. Obtain one with {@link AntriebAssertions#assertThat(ExecResult)}.
 */
public final class ExecResultAssert extends AbstractAssert<ExecResultAssert, ExecResult> {
    /** Lines of stdout and of stderr a failure message shows. */
    static final int TAIL_LINES = 15;
    private static final int COMMAND_LINES = 10;

    /**
     * Assertions on {@code actual}.
     *
     * @param actual the result to check
     */
    public ExecResultAssert(ExecResult actual) {
        super(actual, ExecResultAssert.class);
    }

    /**
     * Verifies that the command exited with status 0 and did not time out.
     *
     * @return this
     */
    public ExecResultAssert succeeded() {
        isNotNull();
        if (!actual.succeeded()) {
            fail(actual.timedOut() ? "Expecting the command to succeed, but it timed out" :
                    "Expecting the command to succeed, but it exited with " + actual.exitCode());
        }
        return this;
    }

    /**
     * Verifies that the command ran and exited with a non-zero status (a timed-out command or an
     * unreachable node does not count: it did not fail, it did not finish).
     *
     * @return this
     */
    public ExecResultAssert failed() {
        isNotNull();
        if (actual.timedOut()) {
            fail("Expecting the command to fail, but it timed out");
        }
        if (actual.exitCode() == 0) {
            fail("Expecting the command to fail, but it exited with 0");
        }
        if (actual.exitCode() < 0) {
            fail("Expecting the command to fail, but it has no exit status (exit -1: the node could not be reached)");
        }
        return this;
    }

    /**
     * Verifies the exit status.
     *
     * @param expected the expected exit status ({@code -1}: none, see {@link ExecResult})
     * @return this
     */
    public ExecResultAssert exitCode(int expected) {
        isNotNull();
        if (actual.exitCode() != expected) {
            fail("Expecting exit code " + expected + ", but it was " + actual.exitCode()
                    + (actual.timedOut() ? " (timed out)" : ""));
        }
        return this;
    }

    /**
     * Verifies that the command was stopped at its timeout.
     *
     * @return this
     */
    public ExecResultAssert timedOut() {
        isNotNull();
        if (!actual.timedOut()) {
            fail("Expecting the command to time out, but it finished with exit code " + actual.exitCode());
        }
        return this;
    }

    /**
     * Verifies that stdout contains every one of {@code values}.
     *
     * @param values the texts stdout must contain
     * @return this
     */
    public ExecResultAssert stdoutContains(CharSequence... values) {
        isNotNull();
        for (CharSequence v : values) {
            if (!actual.stdout().contains(v)) {
                fail("Expecting stdout to contain " + quote(v));
            }
        }
        return this;
    }

    /**
     * Verifies that stdout contains none of {@code values}.
     *
     * @param values the texts stdout must not contain
     * @return this
     */
    public ExecResultAssert stdoutDoesNotContain(CharSequence... values) {
        isNotNull();
        for (CharSequence v : values) {
            if (actual.stdout().contains(v)) {
                fail("Expecting stdout not to contain " + quote(v));
            }
        }
        return this;
    }

    /**
     * Verifies stdout, ignoring trailing line breaks on both sides: almost every command ends its output
     * with one, so {@code stdoutIsEqualTo("node1")} holds for {@code hostname}.
     *
     * @param expected the expected output
     * @return this
     */
    public ExecResultAssert stdoutIsEqualTo(String expected) {
        isNotNull();
        if (!FailureReport.stripTrailingNewlines(actual.stdout()).equals(FailureReport.stripTrailingNewlines(expected))) {
            fail("Expecting stdout to be " + quote(FailureReport.stripTrailingNewlines(expected)) + " (trailing line breaks ignored)");
        }
        return this;
    }

    /**
     * Verifies that the whole of stdout, trailing line breaks removed, matches {@code regex}
     * ({@link java.util.regex.Matcher#matches()}; {@code .} does not cross lines unless the pattern says
     * {@code (?s)}). To look for a match anywhere, see {@link #stdoutContainsPattern(String)}.
     *
     * @param regex a regular expression
     * @return this
     */
    public ExecResultAssert stdoutMatches(String regex) {
        isNotNull();
        if (!Pattern.compile(regex).matcher(FailureReport.stripTrailingNewlines(actual.stdout())).matches()) {
            fail("Expecting stdout to match the pattern " + quote(regex));
        }
        return this;
    }

    /**
     * Verifies that {@code regex} matches somewhere in stdout ({@link java.util.regex.Matcher#find()}).
     *
     * @param regex a regular expression
     * @return this
     */
    public ExecResultAssert stdoutContainsPattern(String regex) {
        isNotNull();
        if (!Pattern.compile(regex).matcher(actual.stdout()).find()) {
            fail("Expecting stdout to contain a match of the pattern " + quote(regex));
        }
        return this;
    }

    /**
     * Verifies that stderr contains every one of {@code values}.
     *
     * @param values the texts stderr must contain
     * @return this
     */
    public ExecResultAssert stderrContains(CharSequence... values) {
        isNotNull();
        for (CharSequence v : values) {
            if (!actual.stderr().contains(v)) {
                fail("Expecting stderr to contain " + quote(v));
            }
        }
        return this;
    }

    /**
     * Verifies that stderr is empty or only line breaks.
     *
     * @return this
     */
    public ExecResultAssert stderrIsEmpty() {
        isNotNull();
        if (!FailureReport.stripTrailingNewlines(actual.stderr()).isEmpty()) {
            fail("Expecting stderr to be empty");
        }
        return this;
    }

    /**
     * String assertions on stdout, for anything the methods here do not cover.
     *
     * @return AssertJ string assertions on stdout, described with the command
     */
    public AbstractStringAssert<?> stdout() {
        isNotNull();
        return Assertions.assertThat(actual.stdout()).as("stdout of %s", actual.summary());
    }

    /**
     * String assertions on stderr, for anything the methods here do not cover.
     *
     * @return AssertJ string assertions on stderr, described with the command
     */
    public AbstractStringAssert<?> stderr() {
        isNotNull();
        return Assertions.assertThat(actual.stderr()).as("stderr of %s", actual.summary());
    }

    private void fail(String expectation) {
        // failWithMessage formats with String.format: pass the text as an argument so '%' in output is safe.
        failWithMessage("%s", expectation + ".\n" + describe(actual));
    }

    /** The node, command, exit code and output tails of {@code r}, as failure messages show them. */
    static String describe(ExecResult r) {
        StringBuilder out = new StringBuilder();
        out.append("node: ").append(r.node()).append(", exit code ").append(r.exitCode())
                .append(r.timedOut() ? " (timed out)" : "").append(", ").append(r.duration().toMillis()).append(" ms\n");
        out.append(block("command", r.command(), COMMAND_LINES, false));
        out.append(block("stdout", r.stdout(), TAIL_LINES, true));
        out.append(block("stderr", r.stderr(), TAIL_LINES, true));
        return out.toString();
    }

    private static String block(String name, String text, int lines, boolean tail) {
        String t = FailureReport.stripTrailingNewlines(text);
        if (t.isEmpty()) {
            return name + ": (empty)\n";
        }
        long total = t.lines().count();
        String shown;
        String note = "";
        if (total <= lines) {
            shown = t;
        } else if (tail) {
            shown = ExecResult.tail(t, lines);
            note = " (last " + lines + " of " + total + " lines)";
        } else {
            shown = String.join("\n", t.lines().limit(lines).toList()) + "\n... (" + (total - lines) + " more lines)";
        }
        StringBuilder out = new StringBuilder(name).append(note).append(":\n");
        shown.lines().forEach(l -> out.append("  | ").append(l).append('\n'));
        return out.toString();
    }

    private static String quote(CharSequence s) {
        return "\"" + s.toString().replace("\n", "\\n") + "\"";
    }
}
