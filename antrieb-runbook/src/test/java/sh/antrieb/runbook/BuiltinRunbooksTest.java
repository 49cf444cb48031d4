package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import sh.antrieb.runbook.internal.Placeholders;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BuiltinRunbooksTest {

    static List<String> builtins() {
        return Runbook.builtins();
    }

    @Test
    void theIndexListsEveryBuiltinFileAndNothingElse() throws IOException, URISyntaxException {
        Path dir = Path.of(Runbook.class.getResource("/sh/antrieb/runbook/builtin/antrieb").toURI());
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> "antrieb/" + p.getFileName().toString().replaceFirst("\\.md$", "")).sorted().toList();
        }
        assertThat(Runbook.builtins()).containsExactlyInAnyOrderElementsOf(files)
                .contains("antrieb/primer", "antrieb/networking-primer", "antrieb/nginx-load-balancer",
                        "antrieb/ansible-controller", "antrieb/router-isolated-lan");
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void everyBuiltinParsesWithStepsAndVerifyCommands(String name) {
        Runbook rb = Runbook.builtin(name);

        assertThat(rb.title()).isNotBlank();
        assertThat(rb.description()).isNotBlank();
        assertThat(rb.steps()).isNotEmpty().allSatisfy(s -> assertThat(s.commands()).isNotEmpty());
        assertThat(rb.verify()).isNotEmpty();
        assertThat(rb.missingVariables()).as("built-ins run without any variable supplied").isEmpty();
        assertThat(rb.topology().nodeCount()).isBetween(1, 4);
    }

    @ParameterizedTest
    @MethodSource("builtins")
    void everyCommandBlockIsValidShellOnceVariablesAreFilledIn(String name) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash to check syntax");
        Runbook rb = Runbook.builtin(name);
        List<CommandBlock> blocks = Stream.concat(rb.steps().stream().flatMap(s -> s.commands().stream()), rb.verify().stream()).toList();
        for (CommandBlock block : blocks) {
            String script = Placeholders.substitute(block.script(), rb.values());
            assertThat(script).as("line %d of %s", block.line(), name).doesNotContainPattern("<[A-Z][A-Z0-9_]*>");
            Process p = new ProcessBuilder("/bin/bash", "-n").redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("bash -n of the block at line %d of %s: %s", block.line(), name, out).isZero();
        }
    }

    @Test
    void builtinsUseOnlyImagesBuiltFromDebiansArchive() {
        // debian12 and the stack images on top of it, whose recipes install Debian packages only.
        for (String name : Runbook.builtins()) {
            assertThat(Runbook.builtin(name).topology().nodeImages()).as(name).isSubsetOf("debian12", "ansible-controller", "podman");
        }
    }

    @Test
    void aLeadingAtIsAccepted() {
        assertThat(Runbook.builtin("@antrieb/primer").title()).isEqualTo(Runbook.builtin("antrieb/primer").title());
    }

    @Test
    void anUnknownBuiltinNamesTheOnesThatExist() {
        assertThatThrownBy(() -> Runbook.builtin("antrieb/nope"))
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("no built-in runbook 'antrieb/nope'")
                .hasMessageContaining("antrieb/primer");
        assertThatThrownBy(() -> Runbook.builtin("acme/primer"))
                .isInstanceOf(RunbookException.class)
                .hasMessageContaining("only the antrieb/ namespace is built in");
    }

    @Test
    void theRouterRunbookDeclaresAnIsolatedLan() {
        Topology t = Runbook.builtin("antrieb/router-isolated-lan").topology();

        assertThat(t.networks()).extracting(Topology.Network::name).containsExactly("wan", "lan");
        Topology.Network lan = t.networks().get(1);
        assertThat(lan.cidr()).isEqualTo("10.10.1.0/24");
        assertThat(lan.egress()).isFalse();
        assertThat(lan.dhcp()).isFalse();
        assertThat(t.nics()).containsEntry("node1", List.of("wan", "lan")).containsEntry("node2", List.of("lan"));
    }

    @Test
    void theRouterRunbookSubstitutesItsAddresses() {
        Runbook rb = Runbook.builtin("antrieb/router-isolated-lan");
        RecordingCluster cluster = new RecordingCluster(rb.topology().toClusterSpec());

        RunbookResult result = rb.withVariables(java.util.Map.of("LAN_NODE_IP", "10.10.1.20")).runOn(cluster);

        assertThat(result.succeeded()).isTrue();
        assertThat(cluster.callTexts()).anyMatch(c -> c.startsWith("node2: ") && c.contains("ip addr replace 10.10.1.20/24 dev eth0"))
                .anyMatch(c -> c.startsWith("node1: ") && c.contains("ip addr replace 10.10.1.254/24 dev eth1"))
                .noneMatch(c -> c.contains("<LAN_"));
    }

    @Test
    void theFormatIsDocumentedInThePrimer() {
        String primer = Runbook.builtin("antrieb/primer").markdown();
        assertThat(primer).contains("## Topology required", "## Variables", "## Steps", "## Verify", "```sh node1,node2",
                "NODE_NAME", "NODE_INDEX", "NODE_IP", "CLUSTER_HOSTS", "CLUSTER_SSH_PUBKEY", "CLUSTER_SSH_PRIVKEY",
                "nohup setsid", "-1", "10 minutes");
    }
}
