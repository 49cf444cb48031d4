package sh.antrieb.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import sh.antrieb.Accelerator;

/**
 * A node started again after {@code faults().powerOff}, awaited with {@link Readiness}: ready once it answers SSH
 * ({@code connects}: one attempt of at most {@link Provisioner.SshAnswer#CONNECT_TIMEOUT}), gone once its cluster
 * is closed ({@code clusterClosed}: the failure is {@code expired}'s) or its VM stopped ({@code vmStopped}). Every
 * other failure is {@code failed} applied to why the node did not come up ("its VM stopped while booting", "it did
 * not answer SSH within N s (TCG)", "interrupted while waiting for it"): the caller adds the node, its console and
 * what it did about it. Nothing is reported while waiting; {@code onReady} gets the time it took.
 */
final class PowerOnAnswer implements Readiness.Target {
    private final Accelerator accelerator;
    private final BooleanSupplier connects;
    private final BooleanSupplier clusterClosed;
    private final BooleanSupplier vmStopped;
    private final Supplier<RuntimeException> expired;
    private final Function<String, RuntimeException> failed;
    private final Consumer<Duration> onReady;
    /** Whether {@link #gone()} found the cluster closed (checked before the VM, as the wait always did). */
    private boolean closed;

    PowerOnAnswer(Accelerator accelerator, BooleanSupplier connects, BooleanSupplier clusterClosed, BooleanSupplier vmStopped,
                  Supplier<RuntimeException> expired, Function<String, RuntimeException> failed, Consumer<Duration> onReady) {
        this.accelerator = accelerator;
        this.connects = connects;
        this.clusterClosed = clusterClosed;
        this.vmStopped = vmStopped;
        this.expired = expired;
        this.failed = failed;
        this.onReady = onReady;
    }

    @Override
    public boolean probe() {
        return connects.getAsBoolean();
    }

    @Override
    public boolean gone() {
        closed = clusterClosed.getAsBoolean();
        return closed || vmStopped.getAsBoolean();
    }

    @Override
    public RuntimeException stopped() {
        return closed ? expired.get() : failed.apply("its VM stopped while booting");
    }

    @Override
    public RuntimeException timedOut(Duration timeout) {
        return failed.apply("it did not answer SSH within " + timeout.toSeconds() + " s (" + accelerator + ")");
    }

    @Override
    public RuntimeException interrupted() {
        return failed.apply("interrupted while waiting for it");
    }

    @Override
    public void ready(Duration after) {
        onReady.accept(after);
    }

    @Override
    public void waiting(Duration waited) {
        // The powerOn wait never reported progress; the caller's fault test waits on it.
    }
}
