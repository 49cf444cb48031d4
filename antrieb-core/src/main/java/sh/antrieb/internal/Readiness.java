package sh.antrieb.internal;

import java.time.Duration;

/**
 * Waiting until something is ready, as one small strategy (in the spirit of Testcontainers' {@code WaitStrategy}):
 * a {@link Target} is probed every poll interval until it answers, fails at once when it can no longer become
 * ready, fails at the timeout, and reports progress every report interval. Time and sleeping go through a
 * {@link Clock}, so the loop is tested without waiting.
 */
final class Readiness {
    /** Pause between two probes. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /** How often a wait that is still going is reported. */
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(15);

    /** What is awaited: one probe, an abort check, and the failures to throw (theirs, so their texts stay the caller's). */
    interface Target {
        /** One attempt; true once ready. May block, for a bounded time. */
        boolean probe();

        /** True when the target can no longer become ready: waiting stops at once with {@link #stopped()}. */
        boolean gone();

        /** The failure when {@link #gone()}. */
        RuntimeException stopped();

        /** The failure when {@code timeout} passed without an answer. */
        RuntimeException timedOut(Duration timeout);

        /** The failure when the waiting thread is interrupted (its interrupt flag is set again before). */
        RuntimeException interrupted();

        /** Called once when ready, {@code after} the wait began. */
        void ready(Duration after);

        /** Called every report interval while waiting, {@code waited} since the wait began. */
        void waiting(Duration waited);
    }

    /** The time source and the sleep of a wait. */
    interface Clock {
        long nanoTime();

        void sleep(Duration d) throws InterruptedException;

        /** The JVM's: {@link System#nanoTime()} and {@link Thread#sleep(long)}. */
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                Thread.sleep(d.toMillis());
            }
        };
    }

    private final Duration timeout;
    private final Duration pollInterval;
    private final Duration reportInterval;
    private final Clock clock;

    Readiness(Duration timeout, Duration pollInterval, Duration reportInterval, Clock clock) {
        this.timeout = timeout;
        this.pollInterval = pollInterval;
        this.reportInterval = reportInterval;
        this.clock = clock;
    }

    /** Waits up to {@code timeout}, probing every {@link #POLL_INTERVAL} and reporting every {@link #REPORT_INTERVAL}. */
    static Readiness within(Duration timeout) {
        return new Readiness(timeout, POLL_INTERVAL, REPORT_INTERVAL, Clock.SYSTEM);
    }

    Duration timeout() {
        return timeout;
    }

    /** Returns once {@code target} is ready; otherwise throws the target's failure. */
    void await(Target target) {
        long t0 = clock.nanoTime();
        long deadline = t0 + timeout.toNanos();
        long nextReport = t0 + reportInterval.toNanos();
        while (true) {
            if (target.probe()) {
                target.ready(Duration.ofNanos(clock.nanoTime() - t0));
                return;
            }
            if (target.gone()) {
                throw target.stopped();
            }
            long now = clock.nanoTime();
            if (now > deadline) {
                throw target.timedOut(timeout);
            }
            if (now > nextReport) {
                target.waiting(Duration.ofNanos(now - t0));
                nextReport = now + reportInterval.toNanos();
            }
            try {
                clock.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw target.interrupted();
            }
        }
    }
}
