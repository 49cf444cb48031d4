package sh.antrieb.runbook.internal;

import java.util.List;

import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;

/**
 * The lines of a markdown document, to cut the raw text of parsed blocks out of it by their source spans:
 * prose is kept as the author wrote it (markup included), and every position maps back to a line number.
 */
final class MarkdownSource {
    private final String[] lines;

    MarkdownSource(String markdown) {
        // The same line breaks commonmark recognises, so span line indexes match.
        this.lines = markdown.split("\r\n|\r|\n", -1);
    }

    /** 1-based line where {@code node} starts, or 0 when it has no span. */
    static int line(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 0 : spans.get(0).getLineIndex() + 1;
    }

    /** 1-based line where {@code node} ends, or 0 when it has no span. */
    static int lastLine(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 0 : spans.get(spans.size() - 1).getLineIndex() + 1;
    }

    /** The raw text of {@code node}: its spans joined by newlines (container markers outside the node are not included). */
    String text(Node node) {
        StringBuilder sb = new StringBuilder();
        for (SourceSpan span : node.getSourceSpans()) {
            String line = lines[span.getLineIndex()];
            int from = Math.min(span.getColumnIndex(), line.length());
            int to = Math.min(from + span.getLength(), line.length());
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(line, from, to);
        }
        return sb.toString();
    }

    /** The whole 1-based line {@code n}. */
    String line(int n) {
        return n >= 1 && n <= lines.length ? lines[n - 1] : "";
    }

    /** 1-based number of the last line that is not blank, at least 1. */
    int lastNonBlankLine() {
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return i + 1;
            }
        }
        return 1;
    }
}
