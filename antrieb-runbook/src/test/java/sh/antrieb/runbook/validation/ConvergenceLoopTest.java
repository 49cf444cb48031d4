package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.FakeCluster;

/**
 * The convergence loop's control flow on stand-in clusters (no VMs): a command containing
 * {@code FAIL(message)} fails with that message, everything else passes. What it really does on guests
 * is ConvergenceIT's business.
 */
class ConvergenceLoopTest {
    private static final Pattern FAIL = Pattern.compile("FAIL\\(([^)]*)\\)");

    private final List<FakeCluster> made = new ArrayList<>();

    private final Function<ClusterSpec, Cluster> provision = spec -> {
        FakeCluster c = new FakeCluster("fake-" + (made.size() + 1), spec) {
            @Override
            protected ExecResult run(String node, String command, ExecOptions options) {
                Matcher m = FAIL.matcher(command);
                return m.find() ? result(node, command, 1, "", m.group(1) + "\n") : result(node, command, 0, "", "");
            }
        };
        made.add(c);
        return c;
    };

    private Convergence.Builder task(ScriptedChatModel model) {
        return Convergence.task("a task").topology("debian12").model(model).recovery(RecoveryPolicy.always(RecoveryPath.RETRY));
    }

    @Test
    void aPassingRewriteIsDistilledAndProvenEachOnAFreshClusterAndAllAreClosed() {
        ScriptedChatModel model = new ScriptedChatModel().code("# step: Fixed\necho ok");
        Convergence c = task(model).start(Code.bash("# step: Broken\necho FAIL(boom)")).run(provision);

        assertThat(c.stop()).isEqualTo(Stop.VERIFIED);
        assertThat(c.clusterIds()).containsExactly("fake-1", "fake-2", "fake-3");
        assertThat(made).noneMatch(Cluster::isOpen);
        assertThat(c.runbook().orElseThrow()).contains("### 1. Fixed").contains("echo ok");
        assertThat(c.iterations().get(0).recovery()).contains(RecoveryPath.RETRY);
        assertThat(c.iterations().get(0).exchanges()).extracting(ModelExchange::role).containsExactly(ModelExchange.Role.REWRITE);
        assertThat(c.report().toMarkdown()).contains("Iteration 1: failed").contains("Distilled runbook (proven)");
    }

    @Test
    void withoutADraftTheModelWritesTheFirstCode() {
        ScriptedChatModel model = new ScriptedChatModel().code("# step: First\ntrue");
        Convergence c = task(model).run(provision);
        assertThat(c.verified()).isTrue();
        assertThat(c.iterations()).hasSize(1);
        assertThat(c.iterations().get(0).exchanges()).extracting(ModelExchange::role).containsExactly(ModelExchange.Role.GENERATE);
    }

    @Test
    void budgetsRepeatedFailuresAndModelFailuresStopWithTheirReason() {
        Convergence budget = task(new ScriptedChatModel().code("echo FAIL(two)").code("echo FAIL(three)"))
                .start(Code.bash("echo FAIL(one)")).maxIterations(3).run(provision);
        assertThat(budget.stop()).isEqualTo(Stop.MAX_ITERATIONS);
        assertThat(budget.iterations()).hasSize(3);
        assertThat(budget.stopReason()).contains("after 3 iteration(s)").contains("three");

        Convergence repeated = task(new ScriptedChatModel().thenAlways("echo FAIL(port 8080 taken by 1234)"))
                .start(Code.bash("echo FAIL(port 8080 taken by 987)")).maxIterations(5).run(provision);
        assertThat(repeated.stop()).isEqualTo(Stop.REPEATED_FAILURE);
        assertThat(repeated.iterations()).hasSize(2);

        Convergence mute = task(new ScriptedChatModel().reply("I would rather not.")).start(Code.bash("echo FAIL(x)")).run(provision);
        assertThat(mute.stop()).isEqualTo(Stop.MODEL_FAILED);
        assertThat(mute.stopReason()).contains("no bash code in a fenced block");
        assertThat(made).noneMatch(Cluster::isOpen);
    }

    @Test
    void destroyPolicyPassingKeepsTheLastFailedClusterOnly() {
        Convergence c = task(new ScriptedChatModel().code("echo FAIL(b)")).start(Code.bash("echo FAIL(a)")).maxIterations(2)
                .destroy(DestroyPolicy.PASSING).run(provision);
        assertThat(c.keptCluster()).map(Cluster::id).contains("fake-2");
        assertThat(made.get(0).isOpen()).isFalse();
        assertThat(made.get(1).isOpen()).isTrue();
        assertThat(c.report().toJson()).contains("\"session_id\" : \"fake-2\"");
    }

    @Test
    void aTimeLimitStopsBeforeTheNextTry() {
        Convergence c = task(new ScriptedChatModel().code("echo FAIL(b)")).start(Code.bash("echo FAIL(a)"))
                .timeLimit(Duration.ofNanos(1)).run(provision);
        assertThat(c.stop()).isEqualTo(Stop.TIME_LIMIT);
        assertThat(c.iterations()).hasSize(1);
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingIsProvisioned() {
        assertThatThrownBy(() -> Convergence.task("t").model(new ScriptedChatModel()).run(provision)).hasMessageContaining("no cluster shape");
        assertThatThrownBy(() -> Convergence.task("t").topology("debian12").run(provision)).hasMessageContaining("no model");
        assertThatThrownBy(() -> Convergence.task("t").topology("debian12").model(new ScriptedChatModel()).verify("node3", "true")
                .run(provision)).hasMessageContaining("node3");
        assertThat(made).isEmpty();
    }
}
