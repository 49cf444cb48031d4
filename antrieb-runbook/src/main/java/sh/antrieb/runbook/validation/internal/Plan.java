package sh.antrieb.runbook.validation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sh.antrieb.runbook.CommandBlock;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.validation.Check;
import sh.antrieb.runbook.validation.Code;
import sh.antrieb.runbook.internal.Placeholders;

/**
 * What a validation runs: {@link Code} turned into numbered steps of command blocks (scripts final,
 * placeholders substituted) and the verify blocks.
 *
 * @param code    the code it was made from
 * @param steps   the steps in order
 * @param verify  the verify blocks: the runbook's own, then the caller's checks
 */
public record Plan(Code code, List<Step> steps, List<CommandBlock> verify) {
    /** {@code # step: Title} or {@code # step node2,node3: Title}. */
    static final Pattern STEP_MARKER = Pattern.compile("^\\s*#\\s*step(?:\\s+([A-Za-z0-9_,-]+))?\\s*:\\s*(.*?)\\s*$",
            Pattern.CASE_INSENSITIVE);
    /** Ends the playbook's here-document in the Ansible step. */
    static final String PLAYBOOK_EOF = "ANTRIEB_PLAYBOOK_EOF";
    static final String ANSIBLE_DIR = "/root/antrieb-validate";

    /** Copies the lists. */
    public Plan {
        steps = List.copyOf(steps);
        verify = List.copyOf(verify);
    }

    /**
     * The plan of {@code code} on a cluster whose nodes are {@code nodes}.
     *
     * @throws IllegalArgumentException for a step marker or check naming a node the cluster does not have,
     *                                  or a playbook that holds the here-document's end marker
     */
    public static Plan of(Code code, List<String> nodes, List<Check> checks) {
        List<CommandBlock> verify = new ArrayList<>();
        List<Step> steps = switch (code.language()) {
            case BASH -> bash(code.text(), nodes);
            case ANSIBLE -> List.of(ansible(code.text(), nodes));
            case RUNBOOK -> runbook(code.runbook(), verify);
        };
        requireNodes(checks, nodes);
        checks.forEach(c -> verify.add(new CommandBlock(List.of(c.node()), c.command(), 0)));
        return new Plan(code, steps, verify);
    }

    /**
     * Refuses a check naming a node that {@code nodes} does not hold.
     *
     * @throws IllegalArgumentException naming the check's node and the nodes there are
     */
    public static void requireNodes(List<Check> checks, List<String> nodes) {
        checks.forEach(c -> requireNode(c.node(), nodes, "a verify check"));
    }

    private static List<Step> bash(String script, List<String> nodes) {
        List<String> preamble = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        String title = null;
        List<String> targets = List.of("node1");
        List<String> body = new ArrayList<>();
        int line = 0;
        int stepLine = 1;
        for (String l : script.replace("\r\n", "\n").split("\n", -1)) {
            line++;
            Matcher m = STEP_MARKER.matcher(l);
            if (m.matches()) {
                if (title != null) {
                    steps.add(step(steps.size() + 1, title, targets, preamble, body, stepLine));
                }
                title = m.group(2).isEmpty() ? "Step " + (steps.size() + 1) : m.group(2);
                targets = targets(m.group(1), nodes, line);
                body = new ArrayList<>();
                stepLine = line;
            } else if (title == null) {
                preamble.add(l);
            } else {
                body.add(l);
            }
        }
        if (title == null) {
            // No markers: the whole script is one step on node1.
            requireNode("node1", nodes, "the script");
            return List.of(step(1, "Run the script", List.of("node1"), List.of(), preamble, 1));
        }
        steps.add(step(steps.size() + 1, title, targets, preamble, body, stepLine));
        return steps;
    }

    private static Step step(int number, String title, List<String> nodes, List<String> preamble, List<String> body, int line) {
        List<String> all = new ArrayList<>();
        // The shebang would be a comment in the middle of a script: it stays only when it is the first line.
        preamble.forEach(all::add);
        all.addAll(body);
        String script = String.join("\n", all).strip();
        return new Step(number, title, "", List.of(new CommandBlock(nodes, script.isEmpty() ? "true" : script, line)), line);
    }

    private static List<String> targets(String spec, List<String> nodes, int line) {
        if (spec == null || spec.isBlank()) {
            requireNode("node1", nodes, "the step marker on line " + line);
            return List.of("node1");
        }
        if (spec.toLowerCase(Locale.ROOT).equals("all")) {
            return nodes;
        }
        List<String> out = new ArrayList<>();
        for (String n : spec.split(",")) {
            String node = n.trim();
            if (!node.isEmpty()) {
                requireNode(node, nodes, "the step marker on line " + line);
                out.add(node);
            }
        }
        return out;
    }

    private static void requireNode(String node, List<String> nodes, String what) {
        if (!nodes.contains(node)) {
            throw new IllegalArgumentException(what + " names " + node + ", which the cluster does not have (it has "
                    + nodes + ")");
        }
    }

    private static Step ansible(String playbook, List<String> nodes) {
        if (playbook.contains(PLAYBOOK_EOF)) {
            throw new IllegalArgumentException("the playbook contains the text " + PLAYBOOK_EOF + ", which the engine uses to write it");
        }
        requireNode("node1", nodes, "an Ansible playbook (it runs on node1)");
        StringBuilder s = new StringBuilder();
        s.append("set -e\nmkdir -p ").append(ANSIBLE_DIR).append("\ncd ").append(ANSIBLE_DIR).append('\n');
        s.append("cat > playbook.yml <<'").append(PLAYBOOK_EOF).append("'\n").append(playbook.stripTrailing()).append('\n')
                .append(PLAYBOOK_EOF).append('\n');
        s.append("{ echo '[all]'; echo 'node1 ansible_connection=local'");
        nodes.stream().filter(n -> !n.equals("node1")).forEach(n -> s.append("; echo '").append(n).append(" ansible_user=root'"));
        s.append("; } > inventory\n");
        s.append("export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=False\n");
        s.append("ansible-playbook -i inventory playbook.yml");
        return new Step(1, "Run the playbook", "", List.of(new CommandBlock(List.of("node1"), s.toString(), 0)), 0);
    }

    private static List<Step> runbook(Runbook rb, List<CommandBlock> verify) {
        List<Step> steps = new ArrayList<>();
        for (Step s : rb.steps()) {
            steps.add(new Step(s.number(), s.title(), s.why(), substitute(s.commands(), rb), s.line()));
        }
        verify.addAll(substitute(rb.verify(), rb));
        return steps;
    }

    private static List<CommandBlock> substitute(List<CommandBlock> blocks, Runbook rb) {
        // A fault block holds no placeholders (the parser refuses them): it stays as it is.
        return blocks.stream().map(b -> b.isFault() ? b
                : new CommandBlock(b.nodes(), Placeholders.substitute(b.script(), rb.values()), b.line())).toList();
    }

    /** Whether the code is an Ansible playbook, whose idempotence the recap tells. */
    public boolean ansible() {
        return code.language() == Code.Language.ANSIBLE;
    }
}
