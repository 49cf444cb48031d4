package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.ExecResult;

/**
 * {@code antrieb/ansible-controller} on a fresh cluster the runbook provisions itself
 * ({@link Runbook#run(Antrieb)}): node1 on the {@code ansible-controller} stack image (Debian's ansible-core,
 * built on first use and cached) manages node2 and node3.
 */
class AnsibleControllerRunbookIT {
    private static final Logger log = LoggerFactory.getLogger(AnsibleControllerRunbookIT.class);

    @AutoClose
    private static final Antrieb antrieb = RealGuests.client();

    @Test
    void theControllerManagesBothTargetsAndASecondRunChangesNothing() {
        Runbook runbook = Runbook.builtin("antrieb/ansible-controller");
        long t0 = System.nanoTime();

        RunbookResult result = runbook.run(antrieb);

        log.info("antrieb/ansible-controller: {} in {} including provisioning (runbook itself {})",
                result.succeeded() ? "succeeded" : "FAILED",
                RealGuests.seconds(java.time.Duration.ofNanos(System.nanoTime() - t0)), RealGuests.seconds(result.duration()));
        RealGuests.logTimings(log, result);
        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(result.steps()).extracting(RunbookResult.StepResult::number).containsExactly(1, 2, 3);

        // Ansible came from Debian's package and reached exactly the two targets.
        String install = result.steps().get(0).commands().get(0).stdout();
        assertThat(install).containsPattern("(?m)^ansible-core\t2\\.").containsPattern("(?m)^ansible \\[core 2\\.\\d+\\.\\d+\\]$");
        String inventory = result.steps().get(1).commands().get(0).stdout();
        assertThat(inventory).contains("node2 ansible_host=").contains("node3 ansible_host=").doesNotContain("node1 ansible_host=");
        String ping = inventory.substring(inventory.indexOf("[targets:vars]"));
        assertThat(ping).contains("node2 | SUCCESS").contains("node3 | SUCCESS");
        String firstRun = result.steps().get(2).commands().get(0).stdout();
        assertThat(firstRun).containsPattern("node2\\s*: ok=1\\s+changed=1").containsPattern("node3\\s*: ok=1\\s+changed=1");

        // Verify: the proof file on each target, written by the controller; a second run converged.
        List<ExecResult> verify = result.verify();
        assertThat(verify).extracting(ExecResult::node).containsExactly("node2", "node3", "node1");
        assertThat(verify.get(0).stdout()).isEqualTo("managed by ansible from node1 on node2\n");
        assertThat(verify.get(1).stdout()).isEqualTo("managed by ansible from node1 on node3\n");
        assertThat(verify.get(2).stdout()).containsPattern("node2\\s*: ok=1\\s+changed=0").containsPattern("node3\\s*: ok=1\\s+changed=0");

        // run(antrieb) made the cluster and closed it again.
        assertThat(antrieb.clusters()).isEmpty();
    }
}
