package sh.antrieb;

import java.util.LinkedHashMap;
import java.util.List;

/** Faults as a list in memory, for tests without a host: each call adds or removes an entry as the real ones do; unknown nodes throw. */
public final class FakeFaults implements Faults {
    private final Cluster cluster;
    private final LinkedHashMap<String, Active> active = new LinkedHashMap<>();

    public FakeFaults(Cluster cluster) {
        this.cluster = cluster;
    }

    private void add(String key, String kind, List<String> nodes, String description) {
        nodes.forEach(cluster::node);
        active.put(key, new Active(kind, nodes, description));
    }

    @Override
    public synchronized void partition(String a, String b) {
        add("partition " + a + " " + b, "partition", List.of(a, b), "partition " + a + " <-> " + b);
    }

    @Override
    public synchronized void partition(List<String> side, List<String> otherSide) {
        side.forEach(a -> otherSide.forEach(b -> partition(a, b)));
    }

    @Override
    public synchronized void isolate(String node) {
        add("isolate " + node, "isolate", List.of(node), "isolate " + node);
    }

    @Override
    public synchronized void link(String node, Link link) {
        add("link " + node, "link", List.of(node), "link " + node + ": " + link.describe());
    }

    @Override
    public synchronized void powerOff(String node) {
        add("power_off " + node, "power_off", List.of(node), "power off " + node);
    }

    @Override
    public synchronized void powerOn(String node) {
        cluster.node(node);
        active.remove("power_off " + node);
    }

    @Override
    public synchronized void freeze(String node) {
        if (active.containsKey("power_off " + node)) {
            throw new IllegalStateException(node + " is powered off, so it cannot be frozen: powerOn(\"" + node + "\") first");
        }
        add("freeze " + node, "freeze", List.of(node), "freeze " + node);
    }

    @Override
    public synchronized void thaw(String node) {
        cluster.node(node);
        active.remove("freeze " + node);
    }

    @Override
    public synchronized void heal() {
        active.clear();
    }

    @Override
    public synchronized List<Active> active() {
        return List.copyOf(active.values());
    }
}
