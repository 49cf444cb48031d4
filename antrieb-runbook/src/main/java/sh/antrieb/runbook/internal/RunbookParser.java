package sh.antrieb.runbook.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

import sh.antrieb.Fault;
import sh.antrieb.runbook.CommandBlock;
import sh.antrieb.runbook.RunbookException;
import sh.antrieb.runbook.RunbookException.Problem;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.Topology;
import sh.antrieb.runbook.Variable;

/**
 * Turns runbook markdown into its parts, or a {@link RunbookException} listing every problem with its
 * line. The format is documented on {@link sh.antrieb.runbook.Runbook}; this class is its one reader.
 */
public final class RunbookParser {
    /** Info-string languages whose blocks run on nodes. */
    public static final Set<String> SHELLS = Set.of("sh", "bash", "shell");
    /** The info string of a block of faults made at the host ({@link sh.antrieb.Fault}, one per line). */
    public static final String FAULT = "fault";

    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build();
    private static final Pattern STEP_NUMBER = Pattern.compile("(?i)(?:step\\s+)?(\\d+)(?:\\s*[.):\\-\u2013\u2014]\\s*|\\s+|$)(.*)");
    private static final Pattern VARIABLE_ITEM = Pattern.compile("(?:`<([^>`]*)>`|<([^>\\s]*)>|`([^`<>]*)`)\\s*[:\\-\u2013\u2014]?\\s*(.*)", Pattern.DOTALL);
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*+]|\\d{1,9}[.)])\\s+");
    private static final Pattern NODE_TOKEN = Pattern.compile("node[1-9][0-9]*|all");

    /** The sections the parser knows, in the order they are expected. */
    enum Section {
        TOPOLOGY("## Topology required", true,
                "a fenced ```yaml block such as " + TopologyParser.EXAMPLE),
        VARIABLES("## Variables", false, "a list of '- `<NAME>`: meaning (default: value)'"),
        STEPS("## Steps", true, "numbered steps ('### 1. Title' headings or an ordered list), each with ```sh nodeN``` command blocks "
                + "(and ```fault``` blocks of failures to make)"),
        VERIFY("## Verify", true, "```sh nodeN``` blocks whose success proves the scenario works"),
        OTHER("", false, "");

        final String heading;
        final boolean required;
        final String expected;

        Section(String heading, boolean required, String expected) {
            this.heading = heading;
            this.required = required;
            this.expected = expected;
        }

        static Section of(String headingText) {
            String t = headingText.trim().toLowerCase(Locale.ROOT).replaceAll("[:.]+$", "").replaceAll("\\s+", " ");
            return switch (t) {
                case "topology required", "topology", "required topology" -> TOPOLOGY;
                case "variables" -> VARIABLES;
                case "steps" -> STEPS;
                case "verify", "verification" -> VERIFY;
                default -> OTHER;
            };
        }
    }

    /**
     * A parsed runbook.
     *
     * @param title            the first-level heading
     * @param description      the prose between the title and the first section, in markdown
     * @param topologyYaml     the text of the topology block, placeholders not substituted
     * @param topologyYamlLine 1-based line of the block's first content line
     * @param topology         the topology with variable defaults substituted
     * @param variables        declared variables in order
     * @param steps            steps in order
     * @param verify           verify command blocks in order
     */
    public record Parsed(String title, String description, String topologyYaml, int topologyYamlLine, Topology topology,
                         List<Variable> variables, List<Step> steps, List<CommandBlock> verify) {
        /** Copies the lists: a runbook is immutable. */
        public Parsed {
            variables = List.copyOf(variables);
            steps = List.copyOf(steps);
            verify = List.copyOf(verify);
        }
    }

    private record SectionBlocks(Section kind, int line, List<Node> blocks) {
    }

    private final String source;
    private final MarkdownSource text;
    private final List<Problem> problems = new ArrayList<>();
    private List<String> nodeNames; // null while the topology is unknown: node names are then not checked

    private RunbookParser(String markdown, String source) {
        this.source = source;
        this.text = new MarkdownSource(markdown);
    }

    /**
     * Parses {@code markdown}.
     *
     * @param source names the runbook in error messages (a path, a built-in name), or null
     * @throws RunbookException listing every problem found, each with its line
     */
    public static Parsed parse(String markdown, String source) {
        return new RunbookParser(markdown, source).parse(MARKDOWN.parse(markdown));
    }

    private Parsed parse(Node doc) {
        String title = null;
        List<Node> intro = new ArrayList<>();
        List<SectionBlocks> sections = new ArrayList<>();
        Map<Section, SectionBlocks> known = new EnumMap<>(Section.class);
        SectionBlocks current = null;
        for (Node block = doc.getFirstChild(); block != null; block = block.getNext()) {
            if (block instanceof Heading h && h.getLevel() == 1 && title == null && current == null) {
                title = headingText(h);
            } else if (block instanceof Heading h && h.getLevel() == 2) {
                Section kind = Section.of(headingText(h));
                current = new SectionBlocks(kind, MarkdownSource.line(h), new ArrayList<>());
                sections.add(current);
                if (kind != Section.OTHER) {
                    SectionBlocks first = known.putIfAbsent(kind, current);
                    if (first != null) {
                        problem(current.line, "a second '" + kind.heading + "' section (the first is at line " + first.line
                                + "): merge them into one");
                    }
                }
            } else if (current == null) {
                if (title != null) {
                    intro.add(block);
                }
            } else {
                current.blocks.add(block);
            }
        }
        if (title == null || title.isBlank()) {
            problem(1, "expected a title: a first-level heading '# Title' at the top of the runbook");
        }
        checkSectionsPresent(known, sections);

        List<Variable> variables = known.containsKey(Section.VARIABLES) ? variables(known.get(Section.VARIABLES)) : List.of();
        Map<String, String> defaults = new HashMap<>();
        Set<String> declared = new HashSet<>();
        for (Variable v : variables) {
            declared.add(v.name());
            if (v.defaultValue() != null) {
                defaults.put(v.name(), v.defaultValue());
            }
        }

        String yaml = null;
        int yamlLine = 0;
        Topology topology = null;
        SectionBlocks topologySection = known.get(Section.TOPOLOGY);
        if (topologySection != null) {
            FencedCodeBlock block = topologyBlock(topologySection);
            if (block != null) {
                yaml = block.getLiteral();
                yamlLine = MarkdownSource.line(block) + 1;
                checkDeclared(yaml, yamlLine, declared);
                topology = TopologyParser.parse(yaml, yamlLine, defaults, problems);
                if (topology != null) {
                    nodeNames = topology.nodeNames();
                }
            }
        }

        List<Step> steps = known.containsKey(Section.STEPS) ? steps(known.get(Section.STEPS)) : List.of();
        List<CommandBlock> verify = known.containsKey(Section.VERIFY) ? commandsIn(known.get(Section.VERIFY).blocks) : List.of();
        for (CommandBlock c : verify) {
            if (c.isFault()) {
                problem(c.line(), "a ```fault``` block in '## Verify': faults are made in a step; move it to the last step, "
                        + "and let Verify check what the scenario does under it");
            }
        }
        verify = verify.stream().filter(c -> !c.isFault()).toList();
        steps.forEach(s -> s.commands().stream().filter(c -> !c.isFault()).forEach(c -> checkDeclared(c.script(), c.line() + 1, declared)));
        verify.forEach(c -> checkDeclared(c.script(), c.line() + 1, declared));

        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(Problem::line));
            throw new RunbookException(sorted, source);
        }
        return new Parsed(title, prose(intro), yaml, yamlLine, topology, variables, steps, verify);
    }

    private void checkSectionsPresent(Map<Section, SectionBlocks> known, List<SectionBlocks> sections) {
        Section[] order = {Section.TOPOLOGY, Section.VARIABLES, Section.STEPS, Section.VERIFY};
        for (int i = 0; i < order.length; i++) {
            Section missing = order[i];
            if (!missing.required || known.containsKey(missing)) {
                continue;
            }
            // Report it where it belongs: at the next known section that follows it in the usual order.
            SectionBlocks next = null;
            for (int j = i + 1; j < order.length && next == null; j++) {
                next = known.get(order[j]);
            }
            if (next != null) {
                problem(next.line, "missing section '" + missing.heading + "' (it goes before '" + next.kind.heading
                        + "'): expected " + missing.expected);
            } else {
                problem(text.lastNonBlankLine(), "missing section '" + missing.heading + "' (at the end of the runbook): expected "
                        + missing.expected);
            }
        }
    }

    // ---- variables

    private List<Variable> variables(SectionBlocks section) {
        List<Variable> vars = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Node block : section.blocks) {
            if (!(block instanceof ListBlock list)) {
                continue; // prose around the list ("None.", explanations) is for the reader
            }
            for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
                int line = MarkdownSource.line(item);
                Variable v = variable(item, line);
                if (v == null) {
                    continue;
                }
                Integer first = seen.putIfAbsent(v.name(), line);
                if (first != null) {
                    problem(line, "variable <" + v.name() + "> is declared twice (first at line " + first + ")");
                } else {
                    vars.add(v);
                }
            }
        }
        return vars;
    }

    private Variable variable(Node item, int line) {
        String raw = LIST_MARKER.matcher(text.text(item)).replaceFirst("").replaceAll("\\s*\n\\s*", " ").trim();
        String expected = "expected '- `<NAME>`: what it means (default: value)', the default being optional";
        Matcher m = VARIABLE_ITEM.matcher(raw);
        if (!m.matches()) {
            problem(line, "cannot read a variable from '" + shorten(raw) + "': " + expected);
            return null;
        }
        String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            problem(line, "invalid variable name '" + name + "': names are upper-case letters, digits and '_', e.g. <LAN_SUBNET>; "
                    + expected);
            return null;
        }
        String rest = m.group(4).trim();
        String defaultValue = null;
        int open = rest.toLowerCase(Locale.ROOT).lastIndexOf("(default:");
        if (open >= 0) {
            int close = rest.lastIndexOf(')');
            if (close < open) {
                problem(line, "unclosed '(default: ...)' for <" + name + ">: " + expected);
                return null;
            }
            defaultValue = unquote(rest.substring(open + "(default:".length(), close).trim());
            rest = (rest.substring(0, open) + rest.substring(close + 1)).trim();
        }
        return new Variable(name, rest, defaultValue, line);
    }

    /** Removes a code span's backticks or double quotes around a default value. */
    private static String unquote(String v) {
        Matcher code = Pattern.compile("(`+)(.*)\\1", Pattern.DOTALL).matcher(v);
        if (code.matches()) {
            String inner = code.group(2);
            // CommonMark strips one space on each side of a code span whose content has both.
            if (inner.length() >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && !inner.isBlank()) {
                inner = inner.substring(1, inner.length() - 1);
            }
            return inner;
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private void checkDeclared(String script, int firstLine, Set<String> declared) {
        Set<String> reported = new HashSet<>();
        for (Placeholders.Use use : Placeholders.uses(script)) {
            if (!declared.contains(use.name()) && reported.add(use.name() + "@" + use.lineOffset())) {
                problem(firstLine + use.lineOffset(), "variable <" + use.name() + "> is used but not declared: add '- `<"
                        + use.name() + ">`: what it means (default: value)' under '## Variables'");
            }
        }
    }

    // ---- topology

    private FencedCodeBlock topologyBlock(SectionBlocks section) {
        FencedCodeBlock found = null;
        for (Node block : section.blocks) {
            if (block instanceof FencedCodeBlock f) {
                String lang = language(f);
                if (!lang.isEmpty() && !lang.equals("yaml") && !lang.equals("yml")) {
                    continue;
                }
                if (found != null) {
                    problem(MarkdownSource.line(f), "a second topology block (the first is at line " + MarkdownSource.line(found)
                            + "): put the whole topology in one ```yaml block");
                    continue;
                }
                found = f;
            }
        }
        if (found == null) {
            problem(section.line, "'## Topology required' has no ```yaml block: expected " + Section.TOPOLOGY.expected);
        }
        return found;
    }

    // ---- steps

    private List<Step> steps(SectionBlocks section) {
        boolean headings = section.blocks.stream().anyMatch(b -> b instanceof Heading h && h.getLevel() == 3);
        int problemsBefore = problems.size();
        List<Step> steps = headings ? headingSteps(section) : listSteps(section);
        if (steps.isEmpty() && problems.size() == problemsBefore) {
            problem(section.line, "'## Steps' has no steps: expected " + Section.STEPS.expected);
        }
        return steps;
    }

    private List<Step> headingSteps(SectionBlocks section) {
        List<Step> steps = new ArrayList<>();
        Heading heading = null;
        List<Node> body = new ArrayList<>();
        for (Node block : section.blocks) {
            if (block instanceof Heading h && h.getLevel() == 3) {
                if (heading != null) {
                    steps.add(headingStep(steps.size() + 1, heading, body));
                }
                heading = h;
                body = new ArrayList<>();
            } else if (heading == null) {
                for (FencedCodeBlock f : fencedIn(block)) {
                    if (isCommandCandidate(f)) {
                        problem(MarkdownSource.line(f), "a command block before the first step: put it under a '### 1. Title' heading");
                    }
                }
            } else {
                body.add(block);
            }
        }
        if (heading != null) {
            steps.add(headingStep(steps.size() + 1, heading, body));
        }
        return steps;
    }

    private Step headingStep(int position, Heading heading, List<Node> body) {
        int line = MarkdownSource.line(heading);
        String title = numbered(headingText(heading), position, line);
        return new Step(position, title, prose(body), commandsIn(body), line);
    }

    private List<Step> listSteps(SectionBlocks section) {
        List<Step> steps = new ArrayList<>();
        for (Node block : section.blocks) {
            if (block instanceof OrderedList list) {
                int start = list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber();
                int expected = steps.size() + 1;
                if (start != expected) {
                    problem(MarkdownSource.line(list), "this list starts at step " + start + " but it is step " + expected
                            + ": number steps 1, 2, 3, ... in order");
                }
                for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
                    steps.add(listStep(steps.size() + 1, (ListItem) item));
                }
            } else {
                for (FencedCodeBlock f : fencedIn(block)) {
                    if (isCommandCandidate(f)) {
                        problem(MarkdownSource.line(f), "a command block outside a numbered step: use '### 1. Title' headings, "
                                + "or put it inside an item of an ordered list ('1. ...', indented under the item)");
                    }
                }
            }
        }
        return steps;
    }

    private Step listStep(int position, ListItem item) {
        List<Node> children = new ArrayList<>();
        for (Node c = item.getFirstChild(); c != null; c = c.getNext()) {
            children.add(c);
        }
        String title = children.stream().filter(c -> c instanceof Paragraph).findFirst()
                .map(p -> text.text(p).lines().findFirst().orElse("").trim()).orElse("Step " + position);
        return new Step(position, title, prose(children), commandsIn(children), MarkdownSource.line(item));
    }

    /** The title without its number; a number that does not match the step's position is a problem. */
    private String numbered(String headingText, int position, int line) {
        Matcher m = STEP_NUMBER.matcher(headingText.trim());
        if (!m.matches()) {
            return headingText.trim();
        }
        int n = Integer.parseInt(m.group(1));
        if (n != position) {
            problem(line, "step numbered " + n + " is step " + position + " here: number steps 1, 2, 3, ... in order");
        }
        String title = m.group(2).trim();
        return title.isEmpty() ? "Step " + position : title;
    }

    // ---- command blocks

    private List<CommandBlock> commandsIn(List<Node> blocks) {
        List<CommandBlock> commands = new ArrayList<>();
        for (Node block : blocks) {
            for (FencedCodeBlock f : fencedIn(block)) {
                CommandBlock c = command(f);
                if (c != null) {
                    commands.add(c);
                }
            }
        }
        return commands;
    }

    /** A command block from {@code f}, or null when it is documentation (or has a problem, which is recorded). */
    private CommandBlock command(FencedCodeBlock f) {
        int line = MarkdownSource.line(f);
        List<String> tokens = infoTokens(f);
        String howTo = "write ```sh node1``` (or ```sh node1,node2```, ```sh all```) to run it";
        if (tokens.isEmpty()) {
            problem(line, "a code block with no node: " + howTo + ", or give it a language such as ```text``` if it only shows text");
            return null;
        }
        if (tokens.get(0).equalsIgnoreCase(FAULT)) {
            return faultBlock(f, tokens, line);
        }
        List<String> targets;
        if (SHELLS.contains(tokens.get(0).toLowerCase(Locale.ROOT))) {
            targets = tokens.subList(1, tokens.size());
            if (targets.isEmpty()) {
                problem(line, "a ```" + tokens.get(0) + "``` block with no node: " + howTo);
                return null;
            }
        } else if (isNodeToken(tokens.get(0))) {
            targets = tokens; // language left out: "```node1"
        } else {
            if (tokens.subList(1, tokens.size()).stream().anyMatch(this::isNodeToken)) {
                problem(line, "only sh, bash and shell blocks run on nodes, and ```" + String.join(" ", tokens)
                        + "``` names a node: write the file from a ```sh``` block (e.g. with a heredoc), or drop the node if it is only shown");
            }
            return null;
        }
        Set<String> nodes = new LinkedHashSet<>();
        boolean ok = true;
        for (String t : targets) {
            if (t.equals("all")) {
                if (nodeNames != null) {
                    nodes.addAll(nodeNames);
                }
            } else if (nodeNames == null ? NODE_TOKEN.matcher(t).matches() : nodeNames.contains(t)) {
                nodes.add(t);
            } else {
                problem(line, "unknown node '" + t + "' in ```" + String.join(" ", tokens) + "```: the topology has "
                        + (nodeNames == null ? "nodes node1, node2, ..." : TopologyParser.nodeRange(nodeNames.size()))
                        + " (or write 'all')");
                ok = false;
            }
        }
        String script = f.getLiteral() == null ? "" : f.getLiteral();
        if (script.endsWith("\n")) {
            script = script.substring(0, script.length() - 1);
        }
        if (script.isBlank()) {
            problem(line, "an empty command block: put the commands to run between the fences");
            return null;
        }
        if (!ok || nodes.isEmpty()) {
            return null;
        }
        return new CommandBlock(List.copyOf(nodes), script, line);
    }

    /**
     * A fault block from {@code f}: one {@link Fault} per line (blank lines and {@code #} comments skipped), each
     * problem at its own line; null when it has any.
     */
    private CommandBlock faultBlock(FencedCodeBlock f, List<String> tokens, int line) {
        String example = "e.g. 'power_off node1', 'partition node1 node2', 'link node2 latency=200ms loss=0.05' or 'heal'";
        if (tokens.size() > 1) {
            problem(line, "```" + String.join(" ", tokens) + "```: a fault block names its nodes on each line, not after 'fault': "
                    + "write ```fault``` and then one fault per line, " + example);
            return null;
        }
        String script = f.getLiteral() == null ? "" : f.getLiteral();
        if (script.endsWith("\n")) {
            script = script.substring(0, script.length() - 1);
        }
        List<Fault> faults = new ArrayList<>();
        boolean ok = true;
        List<String> lines = script.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            int at = line + 1 + i;
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (Placeholders.PLACEHOLDER.matcher(l).find()) {
                problem(at, "a <VARIABLE> in a fault line ('" + shorten(l) + "'): fault lines are taken as written; "
                        + "name the nodes and values themselves, " + example);
                ok = false;
                continue;
            }
            Fault fault;
            try {
                fault = Fault.parse(l);
            } catch (IllegalArgumentException e) {
                problem(at, "cannot read the fault '" + shorten(l) + "': " + e.getMessage());
                ok = false;
                continue;
            }
            for (String n : fault.nodesNamed()) {
                boolean known = nodeNames == null ? NODE_TOKEN.matcher(n).matches() && !n.equals("all") : nodeNames.contains(n);
                if (!known) {
                    problem(at, "unknown node '" + n + "' in the fault '" + shorten(l) + "': the topology has "
                            + (nodeNames == null ? "nodes node1, node2, ..." : TopologyParser.nodeRange(nodeNames.size()))
                            + " (a fault line names each node; 'all' is for command blocks)");
                    ok = false;
                }
            }
            faults.add(fault);
        }
        if (ok && faults.isEmpty()) {
            problem(line, "an empty fault block: put one fault per line between the fences, " + example);
            return null;
        }
        return ok ? CommandBlock.ofFaults(faults, script, line) : null;
    }

    /** Whether {@code f} is meant to run (or is a broken attempt at it), as opposed to text shown to the reader. */
    private boolean isCommandCandidate(FencedCodeBlock f) {
        List<String> tokens = infoTokens(f);
        return tokens.isEmpty() || SHELLS.contains(tokens.get(0).toLowerCase(Locale.ROOT)) || tokens.get(0).equalsIgnoreCase(FAULT)
                || isNodeToken(tokens.get(0))
                || tokens.stream().anyMatch(this::isNodeToken);
    }

    private boolean isNodeToken(String t) {
        return NODE_TOKEN.matcher(t).matches() || (nodeNames != null && nodeNames.contains(t));
    }

    private static List<String> infoTokens(FencedCodeBlock f) {
        String info = f.getInfo() == null ? "" : f.getInfo().trim();
        if (info.isEmpty()) {
            return List.of();
        }
        return List.of(info.split("[\\s,]+"));
    }

    private static String language(FencedCodeBlock f) {
        List<String> tokens = infoTokens(f);
        return tokens.isEmpty() ? "" : tokens.get(0).toLowerCase(Locale.ROOT);
    }

    private static List<FencedCodeBlock> fencedIn(Node block) {
        List<FencedCodeBlock> found = new ArrayList<>();
        collectFenced(block, found);
        return found;
    }

    private static void collectFenced(Node n, List<FencedCodeBlock> out) {
        if (n instanceof FencedCodeBlock f) {
            out.add(f);
            return;
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
            collectFenced(c, out);
        }
    }

    // ---- prose

    /** The raw markdown of {@code blocks} minus command blocks: a block holding commands is entered, so its prose stays. */
    private String prose(List<Node> blocks) {
        List<String> parts = new ArrayList<>();
        for (Node block : blocks) {
            addProse(block, parts);
        }
        return String.join("\n\n", parts).strip();
    }

    private void addProse(Node block, List<String> parts) {
        if (block instanceof FencedCodeBlock f && isCommandCandidate(f)) {
            return;
        }
        boolean holdsCommands = fencedIn(block).stream().anyMatch(this::isCommandCandidate);
        if (!holdsCommands) {
            String t = text.text(block);
            if (!t.isBlank()) {
                parts.add(t);
            }
            return;
        }
        for (Node c = block.getFirstChild(); c != null; c = c.getNext()) {
            addProse(c, parts);
        }
    }

    private String headingText(Heading h) {
        String raw = text.line(MarkdownSource.line(h));
        if (raw.stripLeading().startsWith("#")) {
            raw = raw.replaceFirst("^\\s*#{1,6}", "").replaceFirst("\\s+#+\\s*$", "");
        }
        return raw.trim();
    }

    private void problem(int line, String message) {
        problems.add(new Problem(line, message));
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
