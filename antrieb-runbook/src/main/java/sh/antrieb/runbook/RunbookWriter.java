package sh.antrieb.runbook;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;

import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.runbook.internal.Fences;
import sh.antrieb.runbook.internal.Placeholders;
import sh.antrieb.runbook.internal.RunbookParser;
import sh.antrieb.runbook.internal.TopologyYaml;

/**
 * Writes a runbook that re-runs what worked in a session: the basis of "save as runbook" and of a
 * distilled script proven on a fresh cluster. Successful commands are kept in the order given, failed
 * ones dropped; consecutive commands on the same node become one step, each command its own block (so
 * each keeps its own exit status, as it had in the session).
 *
 * <pre>{@code
 * String markdown = RunbookWriter.create("nginx behind a load balancer", cluster.spec())
 *         .description("Three nodes; node1 balances over node2 and node3.")
 *         .commands(cluster.history())
 *         .verify(List.of(check))
 *         .toMarkdown();
 * }</pre>
 *
 * <p>A text that looks like a placeholder ({@code <NAME>}) in a command is declared as a variable whose
 * default is that very text, so the runbook parses and re-runs the command unchanged. Not thread-safe.
 */
public final class RunbookWriter {
    private final String title;
    private final Topology topology;
    private String description = "";
    /** Each entry an {@link ExecResult} (grouped into steps by node when written) or a {@link Step} given whole. */
    private final List<Object> entries = new ArrayList<>();
    private final List<CommandBlock> verify = new ArrayList<>();

    private RunbookWriter(String title, Topology topology) {
        Objects.requireNonNull(title, "title");
        if (title.isBlank()) {
            throw new IllegalArgumentException("a runbook needs a title");
        }
        this.title = title.replaceAll("\\s*[\r\n]+\\s*", " ").trim();
        this.topology = Objects.requireNonNull(topology, "topology");
    }

    /** A writer for a runbook called {@code title} needing {@code topology}. */
    public static RunbookWriter create(String title, Topology topology) {
        return new RunbookWriter(title, topology);
    }

    /** A writer for a runbook called {@code title} needing the nodes of {@code spec} on the default network. */
    public static RunbookWriter create(String title, ClusterSpec spec) {
        return new RunbookWriter(title, Topology.of(spec));
    }

    /** The prose under the title: what the scenario is and why. */
    public RunbookWriter description(String description) {
        this.description = description == null ? "" : description.strip();
        return this;
    }

    /** Appends the session's commands, in the order they ran; those that failed are left out. */
    public RunbookWriter commands(List<ExecResult> commands) {
        for (ExecResult r : commands) {
            if (keep(r)) {
                entries.add(r);
            }
        }
        return this;
    }

    /**
     * Appends a step as given: its title, its prose and its command blocks (scripts final, each on its
     * nodes; {@linkplain CommandBlock#isFault() fault blocks} written as {@code ```fault} blocks of their text).
     * What a distilled runbook is made of.
     */
    public RunbookWriter step(String title, String why, List<CommandBlock> blocks) {
        for (CommandBlock b : blocks) {
            b.nodes().forEach(n -> requireNode(n, "a step's block runs on " + n));
        }
        entries.add(new Step(0, title, why, blocks, 0));
        return this;
    }

    /** Appends commands whose success proves the scenario (for {@code ## Verify}); failed ones are left out. */
    public RunbookWriter verify(List<ExecResult> commands) {
        for (ExecResult r : commands) {
            if (keep(r)) {
                verify.add(new CommandBlock(List.of(r.node()), script(r), 0));
            }
        }
        return this;
    }

    /** Appends verify blocks as given. */
    public RunbookWriter verifyBlocks(List<CommandBlock> blocks) {
        for (CommandBlock b : blocks) {
            if (b.isFault()) {
                throw new RunbookException("a fault block cannot be a verify block: faults are made in a step; "
                        + "give it to step(...) and verify what the scenario does under it");
            }
            b.nodes().forEach(n -> requireNode(n, "a verify block runs on " + n));
            verify.add(b);
        }
        return this;
    }

    private boolean keep(ExecResult r) {
        requireNode(r.node(), "a command ran on " + r.node());
        return r.succeeded() && !script(r).isBlank();
    }

    private void requireNode(String node, String what) {
        if (!topology.nodeNames().contains(node)) {
            throw new RunbookException(what + ", which the topology does not have (it has " + topology.nodeNames() + ")");
        }
    }

    /**
     * The runbook's markdown; it parses with {@link Runbook#parse(String)} and has the same commands.
     *
     * @throws RunbookException when no command succeeded: a runbook needs at least one step
     */
    public String toMarkdown() {
        if (entries.isEmpty()) {
            throw new RunbookException("no command of the session succeeded, so there is nothing to re-run: "
                    + "a runbook needs at least one step");
        }
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(description.isEmpty() ? "Recorded from an Antrieb session." : escapeHeadings(description)).append("\n\n");
        md.append("## Topology required\n\n```yaml\n").append(TopologyYaml.write(topology)).append("```\n\n");

        Set<String> literal = new LinkedHashSet<>();
        for (Object e : entries) {
            if (e instanceof ExecResult r) {
                literal.addAll(placeholdersIn(script(r)));
            } else {
                ((Step) e).commands().stream().filter(b -> !b.isFault()).forEach(b -> literal.addAll(placeholdersIn(b.script())));
            }
        }
        verify.forEach(b -> literal.addAll(placeholdersIn(b.script())));
        if (!literal.isEmpty()) {
            md.append("## Variables\n\n");
            for (String name : literal) {
                md.append("- `<").append(name).append(">`: the literal text `<").append(name)
                        .append(">`, as the session ran it (default: `<").append(name).append(">`)\n");
            }
            md.append('\n');
        }

        md.append("## Steps\n");
        int number = 0;
        for (int i = 0; i < entries.size(); ) {
            number++;
            if (entries.get(i) instanceof Step step) {
                md.append("\n### ").append(number).append(". ").append(oneLine(step.title())).append("\n\n");
                if (!step.why().isBlank()) {
                    md.append(escapeHeadings(step.why().strip())).append('\n');
                }
                step.commands().forEach(b -> block(md, b));
                i++;
                continue;
            }
            String node = ((ExecResult) entries.get(i)).node();
            int j = i;
            while (j < entries.size() && entries.get(j) instanceof ExecResult r && r.node().equals(node)) {
                j++;
            }
            List<ExecResult> group = entries.subList(i, j).stream().map(ExecResult.class::cast).toList();
            String first = script(group.get(0)).lines().filter(l -> !l.isBlank()).findFirst().orElse("").trim();
            md.append("\n### ").append(number).append(". On ").append(node).append(": ").append(Fences.codeSpan(shorten(first))).append("\n\n");
            md.append("Recorded from the session: ").append(group.size()).append(group.size() == 1 ? " command" : " commands")
                    .append(" that succeeded on ").append(node).append(".\n");
            group.forEach(r -> block(md, List.of(r.node()), script(r)));
            i = j;
        }

        md.append("\n## Verify\n");
        if (verify.isEmpty()) {
            md.append("\nNo verify commands were recorded: add ```sh nodeN``` blocks whose success proves the scenario works.\n");
        }
        verify.forEach(b -> block(md, b));
        return md.toString();
    }

    /** The runbook, parsed from {@link #toMarkdown()}. */
    public Runbook toRunbook() {
        return Runbook.parse(toMarkdown());
    }

    private static void block(StringBuilder md, CommandBlock b) {
        if (!b.isFault()) {
            block(md, b.nodes(), b.script());
            return;
        }
        String fence = Fences.fenceFor(b.script());
        md.append('\n').append(fence).append(RunbookParser.FAULT).append('\n').append(b.script().replaceAll("\n+$", ""))
                .append('\n').append(fence).append('\n');
    }

    private static void block(StringBuilder md, List<String> nodes, String script) {
        String fence = Fences.fenceFor(script);
        md.append('\n').append(fence).append("sh ").append(String.join(",", nodes)).append('\n').append(script.replaceAll("\n+$", ""))
                .append('\n').append(fence).append('\n');
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\r\n]+\\s*", " ").trim();
    }

    /** The command as a block holds it: without trailing newlines (the parser drops the block's final one). */
    static String script(ExecResult r) {
        return r.command().replace("\r\n", "\n").replace('\r', '\n').replaceAll("\n+$", "");
    }

    private static Set<String> placeholdersIn(String script) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Placeholders.PLACEHOLDER.matcher(script);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String escapeHeadings(String prose) {
        // A "## ..." line in the description would start a section of its own.
        return prose.replaceAll("(?m)^(\\s{0,3})#", "$1\\\\#");
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
