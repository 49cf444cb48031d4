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

/** The readiness wait against a fake probe and a fake clock: no VM, no real sleeping. */
class ReadinessTest {
    /** Time moves only when the wait sleeps or a probe takes time. */
    static final class FakeClock implements Readiness.Clock {
        long now = 1_000_000_000_000L;
        final List<Duration> sleeps = new ArrayList<>();
        boolean interruptOnSleep;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            if (interruptOnSleep) {
                throw new InterruptedException();
            }
            sleeps.add(d);
            now += d.toNanos();
        }
    }

    /** Records what the wait reported, around the real SSH target's failures. */
    private static final class Recording implements Readiness.Target {
        final Provisioner.SshAnswer ssh;
        final List<Duration> waiting = new ArrayList<>();
        Duration readyAfter;

        Recording(Provisioner.SshAnswer ssh) {
            this.ssh = ssh;
        }

        @Override
        public boolean probe() {
            return ssh.probe();
        }

        @Override
        public boolean gone() {
            return ssh.gone();
        }

        @Override
        public RuntimeException stopped() {
            return ssh.stopped();
        }

        @Override
        public RuntimeException timedOut(Duration timeout) {
            return ssh.timedOut(timeout);
        }

        @Override
        public RuntimeException interrupted() {
            return ssh.interrupted();
        }

        @Override
        public void ready(Duration after) {
            readyAfter = after;
            ssh.ready(after);
        }

        @Override
        public void waiting(Duration waited) {
            waiting.add(waited);
            ssh.waiting(waited);
        }
    }

    private final FakeClock clock = new FakeClock();
    private final AtomicInteger probes = new AtomicInteger();

    private Readiness within(Duration timeout) {
        return new Readiness(timeout, Readiness.POLL_INTERVAL, Readiness.REPORT_INTERVAL, clock);
    }

    /** A node that answers on probe {@code n} (never if 0), each probe taking {@code probeTime}. */
    private Recording node(int n, Duration probeTime, AtomicBoolean vmStopped) {
        return new Recording(new Provisioner.SshAnswer("node2", Accelerator.TCG, () -> {
            clock.now += probeTime.toNanos();
            return probes.incrementAndGet() == n;
        }, vmStopped::get));
    }

    @Test
    void readyOnTheNthProbe() {
        Recording target = node(5, Duration.ZERO, new AtomicBoolean());
        within(Duration.ofSeconds(60)).await(target);
        assertThat(probes).hasValue(5);
        assertThat(clock.sleeps).hasSize(4).containsOnly(Duration.ofMillis(200));
        assertThat(target.readyAfter).isEqualTo(Duration.ofMillis(800));
        assertThat(target.waiting).isEmpty();
    }

    @Test
    void readyAtOnceNeitherSleepsNorAsksTheVm() {
        AtomicBoolean asked = new AtomicBoolean();
        Provisioner.SshAnswer ssh = new Provisioner.SshAnswer("node1", Accelerator.KVM, () -> true, () -> {
            asked.set(true);
            return false;
        });
        within(Duration.ofSeconds(60)).await(ssh);
        assertThat(clock.sleeps).isEmpty();
        assertThat(asked).isFalse();
    }

    @Test
    void aStoppedVmEndsTheWaitAtOnceNamingTheNode() {
        AtomicBoolean stopped = new AtomicBoolean();
        Recording target = node(0, Duration.ZERO, stopped);
        Readiness.Clock stopsOnThirdSleep = new Readiness.Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                clock.sleep(d);
                stopped.set(clock.sleeps.size() >= 3);
            }
        };
        assertThatThrownBy(() -> new Readiness(Duration.ofSeconds(60), Readiness.POLL_INTERVAL, Readiness.REPORT_INTERVAL,
                stopsOnThirdSleep).await(target))
                .isInstanceOf(Provisioner.BootFailure.class)
                .hasMessage("node2 stopped while booting (its VM is no longer running)");
        assertThat(probes).hasValue(4);
        assertThat(clock.sleeps).hasSize(3);
    }

    @Test
    void timesOutNamingTheNodeTheSecondsAndTheFix() {
        Recording target = node(0, Duration.ofSeconds(10), new AtomicBoolean());
        assertThatThrownBy(() -> within(Duration.ofSeconds(60)).await(target))
                .isInstanceOf(Provisioner.BootFailure.class)
                .hasMessage("node2 did not answer SSH within 60 s (" + Accelerator.TCG + "); see its console below."
                        + " Under TCG boots are slow: raise the boot timeout, or use a host with KVM");
        // Probes of 10 s each plus 200 ms pauses: the sixth ends at 61 s, past the deadline.
        assertThat(probes).hasValue(6);
    }

    @Test
    void theDeadlineIsCheckedOnlyAfterAProbeAndTheVmCheck() {
        // Exactly at the deadline is not past it: one more probe may still answer.
        Recording target = node(3, Duration.ZERO, new AtomicBoolean());
        within(Duration.ofMillis(200)).await(target);
        assertThat(probes).hasValue(3);
    }

    @Test
    void progressIsReportedEveryFifteenSeconds() {
        Recording target = node(0, Duration.ofMillis(800), new AtomicBoolean());
        assertThatThrownBy(() -> within(Duration.ofSeconds(50)).await(target))
                .isInstanceOf(Provisioner.BootFailure.class);
        // Each round takes 1 s; a report once more than 15 s passed since the start, then since the last report.
        assertThat(target.waiting).containsExactly(Duration.ofMillis(15_800), Duration.ofMillis(31_800),
                Duration.ofMillis(47_800));
    }

    @Test
    void interruptionEndsTheWaitAndKeepsTheFlag() {
        clock.interruptOnSleep = true;
        Recording target = node(0, Duration.ZERO, new AtomicBoolean());
        try {
            assertThatThrownBy(() -> within(Duration.ofSeconds(60)).await(target))
                    .isInstanceOf(Provisioner.BootFailure.class)
                    .hasMessage("interrupted while waiting for node2");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(probes).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theSystemClockWaitsThePollInterval() {
        AtomicInteger n = new AtomicInteger();
        long t0 = System.nanoTime();
        Readiness.within(Duration.ofSeconds(5)).await(new Provisioner.SshAnswer("node1", Accelerator.KVM,
                () -> n.incrementAndGet() == 3, () -> false));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
}
