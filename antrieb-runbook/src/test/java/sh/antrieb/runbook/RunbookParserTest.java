package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.NodeSpec;

class RunbookParserTest {

    static final String GOOD = """
            # Web tier behind a balancer

            Three nodes; node1 balances.
            The backends serve their names.

            ## Topology required

            ```yaml
            nodes: ["debian12", {image: debian12, count: 2}]
            networks:
              - {name: wan, egress: true}
              - {name: lan, cidr: 10.10.1.0/24, egress: false, dhcp: false}
            nics:
              node1: [wan, lan]
              node2: [lan]
              node3: [{net: lan}]
            ```

            ## Variables

            Fill these in:

            - `<PORT>`: the port the backends listen on (default: 8080)
            - `<TOKEN>`: an API token, no default
            - `<GREETING>` - text with spaces (default: `hello world`)

            ## Steps

            ### 1. Install the backends

            Both backends need nginx.

            ```sh node2,node3
            apt-get install -y nginx
            ```

            ```text
            this is only shown
            ```

            ### 2. Configure the balancer

            ```bash node1
            echo <PORT> <TOKEN>
            echo "<GREETING>"
            ```

            ### 3. Check everything

            ```sh all
            true
            ```

            ## Notes

            ```sh
            an ignored section may hold anything
            ```

            ## Verify

            ```sh node1
            curl -fsS http://localhost:<PORT>/
            ```
            """;

    @Test
    void parsesAWellFormedRunbook() {
        Runbook rb = Runbook.parse(GOOD);

        assertThat(rb.title()).isEqualTo("Web tier behind a balancer");
        assertThat(rb.description()).isEqualTo("Three nodes; node1 balances.\nThe backends serve their names.");

        Topology t = rb.topology();
        assertThat(t.nodes()).containsExactly(NodeSpec.of("debian12", 1), NodeSpec.of("debian12", 2));
        assertThat(t.nodeNames()).containsExactly("node1", "node2", "node3");
        assertThat(t.networks()).containsExactly(new Topology.Network("wan", null, true, true),
                new Topology.Network("lan", "10.10.1.0/24", false, false));
        assertThat(t.nics()).containsExactly(Map.entry("node1", List.of("wan", "lan")),
                Map.entry("node2", List.of("lan")), Map.entry("node3", List.of("lan")));

        assertThat(rb.variables()).containsExactly(
                new Variable("PORT", "the port the backends listen on", "8080", 23),
                new Variable("TOKEN", "an API token, no default", null, 24),
                new Variable("GREETING", "text with spaces", "hello world", 25));

        assertThat(rb.steps()).hasSize(3);
        Step first = rb.steps().get(0);
        assertThat(first.number()).isEqualTo(1);
        assertThat(first.title()).isEqualTo("Install the backends");
        assertThat(first.why()).isEqualTo("Both backends need nginx.\n\n```text\nthis is only shown\n```");
        assertThat(first.line()).isEqualTo(29);
        assertThat(first.commands()).containsExactly(new CommandBlock(List.of("node2", "node3"), "apt-get install -y nginx", 33));

        Step second = rb.steps().get(1);
        assertThat(second.title()).isEqualTo("Configure the balancer");
        assertThat(second.why()).isEmpty();
        assertThat(second.commands()).containsExactly(
                new CommandBlock(List.of("node1"), "echo <PORT> <TOKEN>\necho \"<GREETING>\"", 43));
        assertThat(rb.steps().get(2).commands().get(0).nodes()).containsExactly("node1", "node2", "node3");

        assertThat(rb.verify()).containsExactly(new CommandBlock(List.of("node1"), "curl -fsS http://localhost:<PORT>/", 62));
    }

    @Test
    void stepsMayBeAnOrderedList() {
        Runbook rb = Runbook.parse(runbook().title("# Ordered").yaml("nodes: debian12 x2").section("Steps", """
                Some intro prose.

                1. Install things.
                   Because we need them.

                   ```sh node1
                   echo one
                   ```
                2. Copy to node2.

                   ```node2
                   echo two
                   ```
                """).section("Verify", "```sh node2\ntrue\n```\n").text());

        assertThat(rb.steps()).extracting(Step::number, Step::title).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "Install things."), org.assertj.core.groups.Tuple.tuple(2, "Copy to node2."));
        assertThat(rb.steps().get(0).why()).isEqualTo("Install things.\nBecause we need them.");
        assertThat(rb.steps().get(0).commands()).containsExactly(new CommandBlock(List.of("node1"), "echo one", 16));
        assertThat(rb.steps().get(1).commands()).containsExactly(new CommandBlock(List.of("node2"), "echo two", 21));
    }

    @Test
    void stepHeadingsMayOmitTheNumber() {
        Runbook rb = Runbook.parse(minimal("### Install\n\n```sh node1\ntrue\n```\n\n### Step 2: Run\n\n```sh node1\ntrue\n```\n"));

        assertThat(rb.steps()).extracting(Step::title).containsExactly("Install", "Run");
    }

    @Test
    void aMissingTitleIsReportedAtLineOne() {
        RunbookException e = parseFailure(runbook().title("Just prose.").yaml(ONE_NODE).text());

        assertThat(e.problems()).containsExactly(
                new RunbookException.Problem(1, "expected a title: a first-level heading '# Title' at the top of the runbook"));
    }

    @Test
    void aMissingTopologyIsReportedWhereItBelongs() {
        RunbookException e = parseFailure(runbook().title("# No topology").section("Topology required", null).text());

        assertThat(e.problems()).hasSize(1);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problems().get(0).message()).startsWith("missing section '## Topology required' (it goes before '## Steps'): expected a fenced ```yaml block");
        assertThat(e).hasMessageStartingWith("runbook: line 3: missing section '## Topology required'");
    }

    @Test
    void missingStepsAndVerifyAreEachReported() {
        RunbookException e = parseFailure(runbook().title("# Only a topology").yaml(ONE_NODE).section("Steps", null).section("Verify", null).text());

        assertThat(e.problems()).extracting(RunbookException.Problem::line).containsExactly(7, 7);
        assertThat(e.problems().get(0).message()).startsWith("missing section '## Steps' (at the end of the runbook): expected numbered steps");
        assertThat(e.problems().get(1).message()).startsWith("missing section '## Verify' (at the end of the runbook): expected ```sh nodeN``` blocks");
        assertThat(e).hasMessageContaining("has 2 problems");
    }

    @Test
    void aTopologyWithoutAYamlBlock() {
        RunbookException e = parseFailure(runbook().section("Topology required", "Just words.\n").text());

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problems().get(0).message()).startsWith("'## Topology required' has no ```yaml block");
    }

    @Test
    void aCodeBlockWithNoNode() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh\necho hi\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(13,
                "a ```sh``` block with no node: write ```sh node1``` (or ```sh node1,node2```, ```sh all```) to run it"));
    }

    @Test
    void aCodeBlockWithoutAnyInfoString() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```\necho hi\n```\n"));

        assertThat(e.line()).isEqualTo(13);
        assertThat(e.problems().get(0).message()).startsWith("a code block with no node: write ```sh node1```")
                .endsWith("or give it a language such as ```text``` if it only shows text");
    }

    @Test
    void anUnknownNode() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh node1,node7\necho hi\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(13,
                "unknown node 'node7' in ```sh node1 node7```: the topology has node1 and node2 (or write 'all')"));
    }

    @Test
    void anUnknownNodeInVerify() {
        RunbookException e = parseFailure(runbook().yaml(ONE_NODE).section("Verify", "```sh web1\ntrue\n```\n").text());

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(19,
                "unknown node 'web1' in ```sh web1```: the topology has node1 only (or write 'all')"));
    }

    @Test
    void aNonShellBlockThatNamesANode() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```yaml node1\na: b\n```\n"));

        assertThat(e.line()).isEqualTo(13);
        assertThat(e.problems().get(0).message()).startsWith("only sh, bash and shell blocks run on nodes, and ```yaml node1``` names a node");
    }

    @Test
    void aVariableUsedButNotDeclared() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh node1\necho ok\necho <LAN_SUBNET>\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(15,
                "variable <LAN_SUBNET> is used but not declared: add '- `<LAN_SUBNET>`: what it means (default: value)' under '## Variables'"));
    }

    @Test
    void shellSyntaxAndMarkupAreNotPlaceholders() {
        Runbook rb = Runbook.parse(minimal("### 1. One\n\n```sh node1\ncat <<EOF >/tmp/x\n<VirtualHost *:80>\n<html>\nEOF\nwc -l </tmp/x\n```\n"));

        assertThat(rb.steps().get(0).commands()).hasSize(1);
    }

    @Test
    void malformedYaml() {
        RunbookException e = parseFailure(runbook().yaml("nodes: [\"debian12\"\nnetworks: x").text());

        assertThat(e.problems()).hasSize(1);
        assertThat(e.line()).isBetween(6, 7);
        assertThat(e.problems().get(0).message()).startsWith("malformed YAML in the topology: ")
                .contains("expected e.g. nodes: [\"debian12 x2\"]");
    }

    @Test
    void topologyMistakesPointAtTheirLine() {
        RunbookException e = parseFailure(runbook().yaml("""
                nodes: ["debian12 x2"]
                networks:
                  - {name: lan, cidr: 10.10.1.0/16}
                nic:
                  node1: [lan]""").text());

        assertThat(e.problems()).containsExactly(
                new RunbookException.Problem(8, "unsupported CIDR '10.10.1.0/16': only /24 networks are supported, e.g. 10.10.1.0/24"),
                new RunbookException.Problem(9, "unknown key 'nic' in the topology: expected nodes, networks, nics"));
    }

    @Test
    void badNodeShorthandAndUnknownNetworkInNics() {
        RunbookException e = parseFailure(runbook().yaml("nodes: [\"Debian12 x2\"]").text());
        assertThat(e.problems()).containsExactly(new RunbookException.Problem(6,
                "malformed node shorthand \"Debian12 x2\": image names are lowercase, e.g. \"debian12\""));

        RunbookException nics = parseFailure(runbook().yaml(TWO_NODES_ON_LAN + "\nnics:\n  node1: [lan]\n  node2: [wan]").text());
        assertThat(nics.problems()).containsExactly(new RunbookException.Problem(10,
                "unknown network 'wan' in nics of node2: declared networks are lan"));

        RunbookException node = parseFailure(runbook().yaml(TWO_NODES_ON_LAN + "\nnics:\n  node1: [lan]\n  node3: [lan]").text());
        assertThat(node.problems()).containsExactly(new RunbookException.Problem(10,
                "nics for unknown node 'node3': the cluster has node1..node2")); // core's rule and words
    }

    @Test
    void coresTopologyRulesAreReportedAtTheLineOfWhatTheyConcern() {
        RunbookException twice = parseFailure(runbook().yaml("nodes: [\"debian12\"]\nnetworks:\n  - {name: lan}\n  - {name: lan}\nnics:\n  node1: [lan]").text());
        assertThat(twice.problems()).containsExactly(new RunbookException.Problem(9,
                "network 'lan' declared twice: network names must be unique in a cluster"));

        RunbookException none = parseFailure(runbook().yaml("nodes: [\"debian12\"]\nnics:\n  node1: [lan]").text());
        assertThat(none.problems()).containsExactly(new RunbookException.Problem(7,
                "nics refer to declared networks, and the topology declares none: add networks: [{name: ...}]"));

        RunbookException empty = parseFailure(runbook().yaml(TWO_NODES_ON_LAN + "\nnics:\n  node1: []\n  node2: [lan]").text());
        assertThat(empty.problems()).containsExactly(new RunbookException.Problem(9,
                "node1 has an empty NIC list: give it at least one network of [lan]"));
    }

    @Test
    void declaredNetworksNeedEveryNodesNics() {
        RunbookException e = parseFailure(runbook().yaml(TWO_NODES_ON_LAN + "\nnics:\n  node1: [lan]").text());

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(8,
                "declared networks need every node's NICs: node2 is missing from nics; e.g. nics: {node2: [lan]}"));
    }

    @Test
    void stepsOutOfOrder() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh node1\ntrue\n```\n\n### 3. Three\n\n```sh node1\ntrue\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(17,
                "step numbered 3 is step 2 here: number steps 1, 2, 3, ... in order"));
    }

    @Test
    void aCommandBlockOutsideAnyStep() {
        RunbookException e = parseFailure(minimal("```sh node1\ntrue\n```\n\n### 1. One\n\n```sh node1\ntrue\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(11,
                "a command block before the first step: put it under a '### 1. Title' heading"));
    }

    @Test
    void aMalformedVariableDeclaration() {
        RunbookException e = parseFailure(runbook().yaml(ONE_NODE).section("Variables", "- `<lan>`: lower case\n- the subnet to use\n").text());

        assertThat(e.problems()).extracting(RunbookException.Problem::line).containsExactly(11, 12);
        assertThat(e.problems().get(0).message()).startsWith("invalid variable name 'lan': names are upper-case letters");
        assertThat(e.problems().get(1).message()).isEqualTo(
                "cannot read a variable from 'the subnet to use': expected '- `<NAME>`: what it means (default: value)', the default being optional");
    }

    @Test
    void everyProblemIsReportedAtOnceInLineOrder() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh node9\necho <X>\n```\n\n```sh\ntrue\n```\n"));

        assertThat(e.problems()).extracting(RunbookException.Problem::line).containsExactly(13, 17);
    }

    @Test
    void aSecondSectionOfTheSameKind() {
        RunbookException e = parseFailure(minimal("### 1. One\n\n```sh node1\ntrue\n```\n\n## Steps\n\n### 1. Again\n\n```sh node1\ntrue\n```\n"));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(17,
                "a second '## Steps' section (the first is at line 9): merge them into one"));
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.md"), GOOD);
        assertThat(Runbook.load(good).title()).isEqualTo("Web tier behind a balancer");

        Path bad = Files.writeString(dir.resolve("bad.md"), minimal("### 1. One\n\n```sh\ntrue\n```\n"));
        RunbookException e = catchThrowableOfType(RunbookException.class, () -> Runbook.load(bad));
        assertThat(e).hasMessageStartingWith("runbook " + bad + ": line 13: a ```sh``` block with no node");

        RunbookException missing = catchThrowableOfType(RunbookException.class, () -> Runbook.load(dir.resolve("nope.md")));
        assertThat(missing).hasMessageStartingWith("cannot read runbook " + dir.resolve("nope.md"))
                .hasCauseInstanceOf(IOException.class);
    }

    /** A topology of one node. */
    static final String ONE_NODE = "nodes: [\"debian12\"]";
    /** The first lines of a topology of two nodes and one declared network, before its nics. */
    static final String TWO_NODES_ON_LAN = "nodes: [\"debian12 x2\"]\nnetworks: [{name: lan}]";

    /** A runbook with two nodes whose Steps section (starting at line 9, content at line 11) is {@code steps}. */
    static String minimal(String steps) {
        return runbook().section("Steps", steps).text();
    }

    /** A runbook's markdown from its parts; see {@link RunbookText}. */
    static RunbookText runbook() {
        return new RunbookText();
    }

    /**
     * A runbook's markdown built from parts, each with a default: the title {@code # T}; a topology of two
     * debian12 nodes (its YAML from line 6); one step running {@code true} on node1; a Verify doing the same.
     * With a one-line topology, '## Steps' is line 9 and its content line 11.
     */
    static final class RunbookText {
        private String title = "# T";
        /** Section heading to content, in the order the parser expects them; null content: no such section. */
        private final Map<String, String> sections = new LinkedHashMap<>();

        RunbookText() {
            sections.put("Topology required", fenced("nodes: [\"debian12 x2\"]"));
            sections.put("Variables", null);
            sections.put("Steps", "### 1. One\n\n```sh node1\ntrue\n```\n");
            sections.put("Verify", "```sh node1\ntrue\n```\n");
        }

        /** The first line, e.g. {@code # Ordered}, or prose for a runbook without a title. */
        RunbookText title(String line) {
            title = line;
            return this;
        }

        /** A topology of this YAML (without the fence; lines from line 6 of the runbook). */
        RunbookText yaml(String yaml) {
            return section("Topology required", fenced(yaml));
        }

        /** What the section {@code ## heading} holds, as written; null leaves the section out. */
        RunbookText section(String heading, String content) {
            if (!sections.containsKey(heading)) {
                throw new IllegalArgumentException("no section '" + heading + "' in a runbook: " + sections.keySet());
            }
            sections.put(heading, content);
            return this;
        }

        String text() {
            List<String> parts = new ArrayList<>(List.of(title + "\n"));
            sections.forEach((heading, content) -> {
                if (content != null) {
                    parts.add("## " + heading + "\n\n" + content);
                }
            });
            return String.join("\n", parts);
        }

        private static String fenced(String yaml) {
            return "```yaml\n" + yaml + "\n```\n";
        }
    }

    private static RunbookException parseFailure(String markdown) {
        RunbookException e = catchThrowableOfType(RunbookException.class, () -> Runbook.parse(markdown));
        assertThat(e).as("parsing should fail").isNotNull();
        return e;
    }
}
