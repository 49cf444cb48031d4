package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RunbookVariablesTest {

    static final String RUNBOOK = """
            # Variables

            ## Topology required

            ```yaml
            nodes: ["debian12 x2"]
            networks:
              - {name: lan, cidr: "<LAN_NET>.0/24", egress: false, dhcp: false}
            nics: {node1: [lan], node2: [lan]}
            ```

            ## Variables

            - `<LAN_NET>`: first three octets of the LAN (default: 10.10.1)
            - `<TOKEN>`: an API token; required
            - `<EMPTY>`: may be empty (default: "")

            ## Steps

            ### 1. Use them

            ```sh node1
            ip addr add <LAN_NET>.1/24 dev eth0
            echo "<TOKEN>" "<TOKEN>" "[<EMPTY>]"
            ```

            ## Verify

            ```sh node2
            ping -c1 <LAN_NET>.1
            ```
            """;

    @Test
    void suppliedValuesAndDefaultsAreSubstitutedIntoEveryCommand() {
        Runbook rb = Runbook.parse(RUNBOOK).withVariables(Map.of("TOKEN", "s3cr$t\\1"));
        RecordingCluster cluster = new RecordingCluster(rb.topology().toClusterSpec());

        RunbookResult result = rb.runOn(cluster);

        assertThat(result.succeeded()).isTrue();
        assertThat(cluster.callTexts()).containsExactly(
                "node1: ip addr add 10.10.1.1/24 dev eth0\necho \"s3cr$t\\1\" \"s3cr$t\\1\" \"[]\"",
                "node2: ping -c1 10.10.1.1");
    }

    @Test
    void theTopologyTakesVariablesToo() {
        Runbook parsed = Runbook.parse(RUNBOOK);
        assertThat(parsed.topology().networks().get(0).cidr()).isEqualTo("10.10.1.0/24");

        Runbook other = parsed.withVariables(Map.of("LAN_NET", "192.168.7", "TOKEN", "t"));
        assertThat(other.topology().networks().get(0).cidr()).isEqualTo("192.168.7.0/24");
    }

    @Test
    void aValueThatBreaksTheTopologyIsRefusedWithItsLine() {
        RunbookException e = catchThrowableOfType(RunbookException.class,
                () -> Runbook.parse(RUNBOOK).withVariables(Map.of("LAN_NET", "10.10")));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(8,
                "invalid CIDR '10.10.0/24': write an IPv4 /24 network, e.g. 10.10.1.0/24"));
    }

    @Test
    void aMissingVariableIsRefusedBeforeAnythingRuns() {
        Runbook rb = Runbook.parse(RUNBOOK);
        RecordingCluster cluster = new RecordingCluster("debian12 x2");

        assertThat(rb.missingVariables()).extracting(Variable::name).containsExactly("TOKEN");
        RunbookException e = catchThrowableOfType(RunbookException.class, () -> rb.runOn(cluster));

        assertThat(e.problems()).containsExactly(new RunbookException.Problem(15,
                "variable <TOKEN> (an API token; required) has no default and was not supplied: "
                        + "pass it with withVariables(Map.of(\"TOKEN\", ...))"));
        assertThat(cluster.calls()).as("nothing ran").isEmpty();
    }

    @Test
    void withVariablesIsAnImmutableVariant() {
        Runbook original = Runbook.parse(RUNBOOK);
        Runbook first = original.withVariables(Map.of("TOKEN", "a"));
        Runbook second = first.withVariables(Map.of("LAN_NET", "10.9.9"));

        assertThat(original.values()).containsExactly(Map.entry("LAN_NET", "10.10.1"), Map.entry("EMPTY", ""));
        assertThat(first.values()).containsEntry("TOKEN", "a").containsEntry("LAN_NET", "10.10.1");
        assertThat(second.values()).containsEntry("TOKEN", "a").containsEntry("LAN_NET", "10.9.9");
        assertThat(second.missingVariables()).isEmpty();
    }

    @Test
    void anUndeclaredVariableCannotBeSupplied() {
        RunbookException e = catchThrowableOfType(RunbookException.class,
                () -> Runbook.parse(RUNBOOK).withVariables(Map.of("TOKN", "x")));

        assertThat(e).hasMessage("runbook: runbook 'Variables' declares no variable [TOKN]; it declares [LAN_NET, TOKEN, EMPTY]");
    }

    @Test
    void variableDeclarationsAcceptSeveralSpellings() {
        Runbook rb = Runbook.parse("""
                # Spellings

                ## Topology required

                ```yaml
                nodes: [debian12]
                ```

                ## Variables

                - `<A>`: plain (default: one)
                - <B>: without backticks (default: `two words`)
                - `C` \u2014 a dash and a name without brackets (default: ``with `tick` inside``)
                * `<D>`: default in the middle (default: 4), then more words
                - `<E>`: a default with parentheses (default: `$(hostname)`)

                ## Steps

                ### 1. One

                ```sh node1
                echo <A> <B> <C> <D> <E>
                ```

                ## Verify

                ```sh node1
                true
                ```
                """);

        assertThat(rb.values()).containsExactly(Map.entry("A", "one"), Map.entry("B", "two words"),
                Map.entry("C", "with `tick` inside"), Map.entry("D", "4"), Map.entry("E", "$(hostname)"));
        assertThat(rb.variables().get(3).description()).isEqualTo("default in the middle , then more words");
    }
}
