package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import sh.antrieb.Accelerator;
import sh.antrieb.ClusterExpiredException;

/** The wait after {@code faults().powerOn}, against a fake probe and the fake clock of {@link ReadinessTest}: no VM. */
class PowerOnAnswerTest {
    private final ReadinessTest.FakeClock clock = new ReadinessTest.FakeClock();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean vmStopped = new AtomicBoolean();
    /** What the caller was asked to fail with (it captures the console and powers the node off again). */
    private final List<String> failures = new ArrayList<>();
    private final List<Duration> ready = new ArrayList<>();

    /** A node that answers on probe {@code n} (never if 0), each probe taking {@code probeTime}. */
    private PowerOnAnswer node(int n, Duration probeTime) {
        return new PowerOnAnswer(Accelerator.TCG, () -> {
            clock.now += probeTime.toNanos();
            return probes.incrementAndGet() == n;
        }, closed::get, vmStopped::get, () -> new ClusterExpiredException("c1", "closed"), why -> {
            failures.add(why);
            return new IllegalStateException("node2 did not come up after powerOn: " + why);
        }, ready::add);
    }

    private void await(Duration timeout, PowerOnAnswer target) {
        new Readiness(timeout, Readiness.POLL_INTERVAL, Readiness.REPORT_INTERVAL, clock).await(target);
    }

    @Test
    void readyOnceItAnswersSshAfterTheTimeItTook() {
        await(Duration.ofSeconds(300), node(3, Duration.ZERO));
        assertThat(probes).hasValue(3);
        assertThat(clock.sleeps).containsExactly(Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(ready).containsExactly(Duration.ofMillis(400));
        assertThat(failures).isEmpty();
    }

    @Test
    void aClosedClusterEndsTheWaitAsExpiredWithoutTouchingTheNode() {
        closed.set(true);
        vmStopped.set(true); // the cluster is checked first: its closing stops its VMs too
        assertThatThrownBy(() -> await(Duration.ofSeconds(300), node(0, Duration.ZERO)))
                .isInstanceOf(ClusterExpiredException.class);
        assertThat(probes).hasValue(1);
        assertThat(failures).isEmpty();
        assertThat(ready).isEmpty();
    }

    @Test
    void aStoppedVmEndsTheWaitAtOnce() {
        vmStopped.set(true);
        assertThatThrownBy(() -> await(Duration.ofSeconds(300), node(0, Duration.ZERO)))
                .hasMessage("node2 did not come up after powerOn: its VM stopped while booting");
        assertThat(probes).hasValue(1);
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void timesOutAtTheBootTimeoutNamingTheSecondsAndTheAccelerator() {
        // Probes of 10 s each (the connect timeout) plus 200 ms pauses: the 30th ends at 305.8 s, past 300 s.
        assertThatThrownBy(() -> await(Duration.ofSeconds(300), node(0, Duration.ofSeconds(10))))
                .hasMessage("node2 did not come up after powerOn: it did not answer SSH within 300 s (TCG)");
        assertThat(probes).hasValue(30);
        assertThat(failures).hasSize(1);
    }

    @Test
    void interruptionEndsTheWaitAndKeepsTheFlag() {
        clock.interruptOnSleep = true;
        try {
            assertThatThrownBy(() -> await(Duration.ofSeconds(300), node(0, Duration.ZERO)))
                    .hasMessage("node2 did not come up after powerOn: interrupted while waiting for it");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
