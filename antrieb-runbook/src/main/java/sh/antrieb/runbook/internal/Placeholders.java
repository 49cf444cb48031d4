package sh.antrieb.runbook.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code <NAME>} placeholders of runbook commands. Only upper-case names count, so shell redirections
 * ({@code <file}, {@code <<EOF}) and lower- or mixed-case markup ({@code <html>}, {@code <VirtualHost>}) are
 * left alone.
 */
public final class Placeholders {
    /** A placeholder: {@code <} an upper-case name {@code >}, no spaces. */
    public static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z][A-Z0-9_]*)>");

    private Placeholders() {
    }

    /**
     * A placeholder found in a text.
     *
     * @param name       the name without brackets
     * @param lineOffset 0-based line within the text
     */
    public record Use(String name, int lineOffset) {
    }

    /** Every placeholder in {@code text}, in order, with its line within the text. */
    public static List<Use> uses(String text) {
        List<Use> uses = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = PLACEHOLDER.matcher(lines[i]);
            while (m.find()) {
                uses.add(new Use(m.group(1), i));
            }
        }
        return uses;
    }

    /** {@code text} with each {@code <NAME>} that has a value replaced by it, verbatim; others are left as written. */
    public static String substitute(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
