package sh.antrieb.runbook.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Markdown fences and code spans that cannot be closed early by backticks in the text they hold. */
public final class Fences {
    private static final Pattern BACKTICKS = Pattern.compile("`+");

    private Fences() {
    }

    /** A backtick fence longer than every backtick run in {@code content}, at least three. */
    public static String fenceFor(String content) {
        return "`".repeat(Math.max(3, longestRun(content) + 1));
    }

    /** {@code s} as an inline code span. */
    public static String codeSpan(String s) {
        String ticks = "`".repeat(longestRun(s) + 1);
        String pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
        return ticks + pad + s + pad + ticks;
    }

    private static int longestRun(String s) {
        int longest = 0;
        Matcher m = BACKTICKS.matcher(s);
        while (m.find()) {
            longest = Math.max(longest, m.group().length());
        }
        return longest;
    }
}
