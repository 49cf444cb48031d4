package sh.antrieb.runbook.validation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.parser.Parser;

import sh.antrieb.runbook.validation.Code;

/** Reads a model's reply: the code in its fenced block, or a command it asks to run ({@code ```run node1}). */
public final class Replies {
    private static final Parser MARKDOWN = Parser.builder().build();

    private Replies() {
    }

    /** A fenced block: its info string (lower case) and content. */
    record Block(String info, String content) {
    }

    static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        MARKDOWN.parse(text == null ? "" : text).accept(new AbstractVisitor() {
            @Override
            public void visit(FencedCodeBlock b) {
                blocks.add(new Block(b.getInfo() == null ? "" : b.getInfo().trim().toLowerCase(Locale.ROOT), b.getLiteral()));
            }
        });
        return blocks;
    }

    /**
     * The code in {@code reply}: the first fenced block in a fitting language (bash/sh/shell for bash,
     * yaml/yml for Ansible, markdown/md for a runbook, or no language); a runbook may also be the whole
     * reply. Null when there is none.
     */
    public static String code(String reply, Code.Language language) {
        Set<String> fit = switch (language) {
            case BASH -> Set.of("bash", "sh", "shell", "");
            case ANSIBLE -> Set.of("yaml", "yml", "ansible", "");
            case RUNBOOK -> Set.of("markdown", "md", "");
        };
        for (Block b : blocks(reply)) {
            if (fit.contains(b.info().split("\\s+")[0]) && !b.content().isBlank()) {
                return b.content();
            }
        }
        if (language == Code.Language.RUNBOOK && reply != null && reply.contains("## Steps")) {
            return reply;
        }
        return null;
    }

    /**
     * The command a model without tool calling asks for: a block {@code ```run node1}. Null when the
     * reply has none.
     *
     * @return node and command
     */
    public static String[] runRequest(String reply) {
        for (Block b : blocks(reply)) {
            String[] parts = b.info().split("\\s+");
            if (parts.length >= 2 && parts[0].equals("run") && !b.content().isBlank()) {
                return new String[] {parts[1], b.content().strip()};
            }
        }
        return null;
    }
}
