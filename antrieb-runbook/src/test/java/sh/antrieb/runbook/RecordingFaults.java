package sh.antrieb.runbook;

import java.util.List;
import java.util.function.Consumer;

import sh.antrieb.Faults;
import sh.antrieb.Link;

/**
 * A fake {@link Faults} for unit tests: the core's in-memory fake that also writes each call, as
 * {@code fault: partition node1 node2}, into a timeline it shares with the {@link RecordingCluster}'s commands, so
 * a test sees faults and commands in the order they happened. No host is touched.
 */
final class RecordingFaults implements Faults {
    private final Faults fake;
    private final Consumer<String> timeline;

    RecordingFaults(Faults fake, Consumer<String> timeline) {
        this.fake = fake;
        this.timeline = timeline;
    }

    private void record(String call, Runnable op) {
        timeline.accept("fault: " + call);
        op.run();
    }

    @Override
    public void partition(String a, String b) {
        record("partition " + a + " " + b, () -> fake.partition(a, b));
    }

    @Override
    public void partition(List<String> side, List<String> otherSide) {
        record("partition " + side + " / " + otherSide, () -> fake.partition(side, otherSide));
    }

    @Override
    public void isolate(String node) {
        record("isolate " + node, () -> fake.isolate(node));
    }

    @Override
    public void link(String node, Link link) {
        record("link " + node + " " + link.describe(), () -> fake.link(node, link));
    }

    @Override
    public void powerOff(String node) {
        record("power_off " + node, () -> fake.powerOff(node));
    }

    @Override
    public void powerOn(String node) {
        record("power_on " + node, () -> fake.powerOn(node));
    }

    @Override
    public void freeze(String node) {
        record("freeze " + node, () -> fake.freeze(node));
    }

    @Override
    public void thaw(String node) {
        record("thaw " + node, () -> fake.thaw(node));
    }

    @Override
    public void heal() {
        record("heal", fake::heal);
    }

    @Override
    public List<Active> active() {
        return fake.active();
    }
}
