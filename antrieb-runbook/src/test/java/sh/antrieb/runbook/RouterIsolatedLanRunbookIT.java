package sh.antrieb.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.ExecResult;

/**
 * {@code antrieb/router-isolated-lan} on a fresh cluster with the runbook's declared networks, provisioned
 * by the runbook itself ({@link Runbook#run(Antrieb)}): node2, alone on a LAN without DHCP or egress,
 * reaches node3 on wan only through node1, which masquerades it. Nothing leaves the machine: "the
 * outside" is node3.
 */
class RouterIsolatedLanRunbookIT {
    private static final Logger log = LoggerFactory.getLogger(RouterIsolatedLanRunbookIT.class);

    @AutoClose
    private static final Antrieb antrieb = RealGuests.client();

    @Test
    void theLanReachesWanOnlyThroughTheRoutersNat() {
        Runbook runbook = Runbook.builtin("antrieb/router-isolated-lan")
                .withVariables(Map.of("LAN_NODE_IP", "10.10.1.20"));
        long t0 = System.nanoTime();

        RunbookResult result = runbook.run(antrieb);

        log.info("antrieb/router-isolated-lan: {} in {} including provisioning",
                result.succeeded() ? "succeeded" : "FAILED", RealGuests.seconds(Duration.ofNanos(System.nanoTime() - t0)));
        RealGuests.logTimings(log, result);
        assertThat(result.succeeded()).as(result.toMarkdown()).isTrue();
        assertThat(result.steps()).extracting(RunbookResult.StepResult::number).containsExactly(1, 2, 3);

        // node2 took the static address it was given and its default route points at the router.
        String lanSetup = result.steps().get(2).commands().get(0).stdout();
        assertThat(lanSetup).contains("10.10.1.20/24").contains("default via 10.10.1.254 dev eth0");

        List<ExecResult> verify = result.verify();
        assertThat(verify).extracting(ExecResult::node).containsExactly("node2", "node3");
        assertThat(verify.get(0).stdout()).contains(" via 10.10.1.254 dev eth0");
        // node3's log has node1's wan address as the client, and never node2's LAN address.
        assertThat(verify.get(1).stdout()).contains("\"GET / HTTP/1.1\" 200").doesNotContain("10.10.1.20");

        assertThat(antrieb.clusters()).isEmpty();
    }
}
