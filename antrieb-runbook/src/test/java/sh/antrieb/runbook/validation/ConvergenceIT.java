package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import sh.antrieb.Antrieb;
import sh.antrieb.ExecResult;
import sh.antrieb.TestApps;
import sh.antrieb.runbook.RealGuests;
import sh.antrieb.runbook.Runbook;

/**
 * Convergence on real guests with a scripted model (deterministic replies; see {@link ScriptedChatModel}):
 * every iteration and every proof gets a fresh 1-node cluster, and the scenarios use what the debian12
 * image has (python3's http.server, systemd units, files).
 */
class ConvergenceIT {
    private static final Logger log = LoggerFactory.getLogger(ConvergenceIT.class);

    private static Antrieb antrieb;
    private static final List<String> clusterIds = new ArrayList<>();

    @BeforeAll
    static void client() {
        antrieb = RealGuests.client();
    }

    @AfterAll
    static void close() {
        if (antrieb != null) {
            antrieb.close();
        }
    }

    @Test
    void retryConvergesOnAFreshClusterAndTheDistilledRunbookIsProvenOnAThird() {
        String draft = TestApps.serveSettingsPort(8085, "converged", TestApps.PORT_FROM_SQLITE);
        String fixed = TestApps.serveSettingsPort(8085, "converged", TestApps.PORT_FROM_SETTINGS);
        ScriptedChatModel model = new ScriptedChatModel().code(fixed);

        Convergence c = Convergence.task("Serve /srv/app on node1 on the port /etc/app/settings.json names")
                .topology("debian12").start(Code.bash(draft))
                .verify("node1", "curl -fsS http://127.0.0.1:8085/ | grep -q converged")
                .model(model).maxIterations(4)
                .run(antrieb);

        log.info("{}", c.report().toMarkdown());
        record(c);
        assertThat(c.verified()).as(c.stopReason()).isTrue();
        assertThat(c.stop()).isEqualTo(Stop.VERIFIED);
        assertThat(c.iterations()).hasSize(2);
        Iteration first = c.iterations().get(0);
        assertThat(first.passed()).isFalse();
        assertThat(first.findings().failures().get(0).cause()).isEqualTo(Cause.MISSING_PACKAGE);
        assertThat(first.recovery()).contains(RecoveryPath.RETRY);
        assertThat(first.reason()).contains("missing_package");
        // The model got the code and the findings: the finding's evidence is in its request.
        String asked = ((UserMessage) model.requests().get(0).messages().get(1)).singleText();
        assertThat(asked).contains("sqlite3: command not found").contains("apt-get install -y sqlite3").contains(draft.strip().lines().findFirst().get());
        assertThat(c.iterations().get(1).passed()).isTrue();
        assertThat(c.iterations().get(1).code().text()).isEqualTo(fixed.strip() + "\n");
        // Three fresh clusters: the failed try, the passing try, the proof.
        assertThat(c.clusterIds()).hasSize(3).doesNotHaveDuplicates();
        Findings proof = c.proof().orElseThrow();
        assertThat(proof.passed()).isTrue();
        assertThat(proof.idempotenceChecked()).isTrue();
        assertThat(proof.code().language()).isEqualTo(Code.Language.RUNBOOK);
        Runbook rb = Runbook.parse(c.runbook().orElseThrow());
        assertThat(rb.steps()).extracting(s -> s.title()).containsExactly("Write the settings and the page",
                "Serve the page on the configured port");
        assertThat(rb.steps().get(1).commands().get(0).script()).contains("python3 -c 'import json").doesNotContain("sqlite3");
        assertThat(rb.verify()).extracting(b -> b.script()).containsExactly("curl -fsS http://127.0.0.1:8085/ | grep -q converged");
        assertThat(c.report().toJson()).contains("\"stop\" : \"verified\"").contains("\"path\" : \"retry\"");
        assertThat(c.report().toHtml()).startsWith("<!DOCTYPE html>").contains("Iteration 2").doesNotContain("<script");
        assertThat(c.keptCluster()).isEmpty();
    }

    private static final String WEB = """
            set -eu
            # step: Write the config and the page
            mkdir -p /etc/web /srv/web && echo troubleshot > /srv/web/index.html
            printf '%s\\n' > /etc/web/config.json
            # step: Install and start the unit
            cat > /etc/systemd/system/web.service <<'EOF'
            [Service]
            ExecStartPre=/usr/bin/python3 -m json.tool /etc/web/config.json
            ExecStart=/usr/bin/python3 -m http.server 8091 --directory /srv/web
            [Install]
            WantedBy=multi-user.target
            EOF
            systemctl daemon-reload
            systemctl enable --now web.service
            for i in $(seq 50); do curl -fs http://127.0.0.1:8091/ >/dev/null && break; sleep 0.2; done
            """;

    @Test
    void troubleshootAsksThroughTheToolGetsRealOutputRepairsAndTheRepairIsProvenFromZero() {
        String draft = WEB.formatted("{\"port\": 8091,}");
        String fixed = WEB.formatted("{\"port\": 8091}");
        ScriptedChatModel model = new ScriptedChatModel()
                .runCommand("node1", "systemctl status web.service --no-pager")
                .runCommand("node1", "python3 -m json.tool /etc/web/config.json")
                .runCommand("node1", "printf '{\"port\": 8091}\\n' > /etc/web/config.json && systemctl restart web.service && systemctl is-active web.service")
                .reply("The config had a trailing comma; fixed in the script:\n\n```bash\n" + fixed.strip() + "\n```\n");

        Convergence c = Convergence.task("Serve /srv/web on node1 port 8091 from a systemd unit that checks its config")
                .topology("debian12").start(Code.bash(draft))
                .verify("node1", "curl -fsS http://127.0.0.1:8091/ | grep -q troubleshot")
                .model(model).maxIterations(3)
                .run(antrieb);

        log.info("{}", c.report().toMarkdown());
        record(c);
        assertThat(c.verified()).as(c.stopReason()).isTrue();
        Iteration first = c.iterations().get(0);
        assertThat(first.findings().failures().get(0).cause()).isEqualTo(Cause.UNIT_FAILED);
        assertThat(first.recovery()).contains(RecoveryPath.TROUBLESHOOT);
        List<ExecResult> ran = first.troubleshootCommands();
        assertThat(ran).hasSize(3);
        assertThat(ran.get(0).exitCode()).isEqualTo(3);                      // systemctl status of a failed unit
        assertThat(ran.get(0).stdout()).contains("web.service").contains("failed");
        assertThat(ran.get(1).exitCode()).isNotZero();
        assertThat(ran.get(1).stderr() + ran.get(1).stdout()).contains("Expecting property name enclosed in double quotes");
        assertThat(ran.get(2).exitCode()).isZero();
        assertThat(ran.get(2).stdout()).contains("active");
        // The model read the real output through the tool.
        List<ChatMessage> last = model.requests().get(3).messages();
        assertThat(last).filteredOn(m -> m instanceof ToolExecutionResultMessage)
                .map(m -> ((ToolExecutionResultMessage) m).text())
                .anyMatch(t -> t.contains("Expecting property name enclosed in double quotes"));
        assertThat(model.requests().get(0).toolSpecifications()).extracting(t -> t.name()).containsExactly("run_command");
        assertThat(first.exchanges()).extracting(e -> e.role()).containsOnly(ModelExchange.Role.TROUBLESHOOT).hasSize(4);
        // The repair is in the distilled runbook, which passed from zero on a fresh cluster.
        assertThat(c.runbook().orElseThrow()).contains("printf '{\"port\": 8091}\\n' > /etc/web/config.json")
                .doesNotContain("8091,}");
        assertThat(c.proof().orElseThrow().passed()).isTrue();
        assertThat(c.clusterIds()).hasSize(3).doesNotHaveDuplicates();
    }

    @Test
    void aModelThatNeverFixesItStopsAtMaxIterationsAndARepeatedFailureStopsEarlyLeavingNothing() throws IOException {
        ScriptedChatModel never = new ScriptedChatModel().code("# step: Try\necho 'attempt two: no luck' >&2; exit 3");
        Convergence budget = Convergence.task("an impossible task")
                .topology("debian12").start(Code.bash("# step: Try\necho 'attempt one: no luck' >&2; exit 3"))
                .model(never).maxIterations(2).recovery(RecoveryPolicy.always(RecoveryPath.RETRY)).idempotence(false)
                .run(antrieb);
        log.info("{}", budget.report().toMarkdown());
        record(budget);
        assertThat(budget.stop()).isEqualTo(Stop.MAX_ITERATIONS);
        assertThat(budget.verified()).isFalse();
        assertThat(budget.stopReason()).contains("after 2 iteration(s)").contains("attempt two");
        assertThat(budget.iterations()).hasSize(2);
        assertThat(budget.runbook()).isEmpty();
        assertThat(budget.proof()).isEmpty();

        String same = "# step: Claim the port\necho 'port 8099 is taken by pid 4242' >&2; exit 1";
        ScriptedChatModel stubborn = new ScriptedChatModel().thenAlways(same);
        Convergence repeated = Convergence.task("a task the model keeps getting wrong")
                .topology("debian12").start(Code.bash(same))
                .model(stubborn).maxIterations(5).recovery(RecoveryPolicy.always(RecoveryPath.RETRY)).idempotence(false)
                .run(antrieb);
        log.info("{}", repeated.report().toMarkdown());
        record(repeated);
        assertThat(repeated.stop()).isEqualTo(Stop.REPEATED_FAILURE);
        assertThat(repeated.iterations()).hasSize(2);
        assertThat(repeated.stopReason()).contains("iteration 2 failed the same way as iteration 1");

        // Nothing is left on the host of any cluster this class made.
        assertThat(antrieb.clusters()).isEmpty();
        assertThat(hostLeftovers(clusterIds)).isEmpty();
    }

    private static void record(Convergence c) {
        clusterIds.addAll(c.clusterIds());
        List<Findings> all = new ArrayList<>(c.iterations().stream().map(Iteration::findings).toList());
        c.proof().ifPresent(all::add);
        long engineCommands = all.stream().flatMap(f -> f.engineCommands().stream()).mapToLong(r -> r.duration().toMillis()).sum();
        log.info("timings: wall {} ms, provisioning {} ms, code {} ms, model {} ms, teardown {} ms, engine {} ms (its commands {} ms)",
                c.duration().toMillis(), c.provisionTime().toMillis(), c.codeTime().toMillis(), c.modelTime().toMillis(),
                c.teardownTime().toMillis(), c.engineTime().toMillis(), engineCommands);
    }

    /** libvirt domains, networks and volumes whose names carry one of the clusters' labels. */
    static List<String> hostLeftovers(List<String> ids) throws IOException {
        List<String> found = new ArrayList<>();
        for (String[] cmd : List.of(new String[] {"list", "--all", "--name"}, new String[] {"net-list", "--all", "--name"},
                new String[] {"vol-list", "antrieb"})) {
            List<String> args = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
            args.addAll(List.of(cmd));
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            for (String id : ids) {
                out.lines().filter(l -> l.contains("antrieb-" + id + "-")).map(l -> cmd[0] + ": " + l.strip()).forEach(found::add);
            }
        }
        return found;
    }
}
