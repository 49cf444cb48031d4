package sh.antrieb.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Faults;
import sh.antrieb.Link;
import sh.antrieb.NoSuchNodeException;

/**
 * The faults of one cluster: what is in force, and the host-side steps that make and remove it through a
 * {@link Backend} (the libvirt cluster's, or a test's fake). Network faults are one nftables table (rewritten
 * whole on every change, in one transaction) plus a delay per delayed node (netem qdiscs on its TAPs, or a
 * {@link DelayLine}); power and pause go to libvirt.
 */
public final class ClusterFaults implements Faults {
    private static final Logger log = LoggerFactory.getLogger(ClusterFaults.class);

    /** The host-side operations faults need. */
    public interface Backend {
        /** Throws {@code ClusterExpiredException} when the cluster is closed or past its TTL. */
        void checkOpen();

        /** Applies an nft script (fails, naming the fix, where the host has no usable nft). */
        void nft(String script);

        /**
         * Delays what {@code node} receives on {@code taps} as {@code link} says (replacing an earlier delay); on
         * failure nothing is delayed and the exception names the fix.
         */
        void delay(String node, List<String> taps, Link link);

        /** Removes the delay of {@code node}'s {@code taps}. */
        void undelay(String node, List<String> taps);

        /** Powers the node's VM off (destroyed, its definition kept to start it again). */
        void powerOff(String node);

        /** Starts the VM of a powered-off node again; returns once it runs (its TAPs exist). */
        void start(String node);

        /** Waits until a started node answers exec; on failure powers it off again and throws. */
        void awaitUp(String node);

        /** Pauses the node's VM. */
        void freeze(String node);

        /** Resumes the node's VM. */
        void thaw(String node);
    }

    private final String clusterId;
    private final NetworkPlan plan;
    private final String table;
    private final Backend backend;
    private final Set<FaultRules.Pair> partitions = new LinkedHashSet<>();
    private final Set<String> isolated = new LinkedHashSet<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final Set<String> frozen = new LinkedHashSet<>();
    private final Set<String> off = new LinkedHashSet<>();
    /** Every fault in force, by key, in the order made; changed under this object's lock, read without it. */
    private final Map<String, Active> active = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    /** Why exec cannot reach a node right now; read by exec without the lock. */
    private final Map<String, String> unreachable = new ConcurrentHashMap<>();
    private boolean tableInstalled;

    public ClusterFaults(String clusterId, ClusterLabel label, NetworkPlan plan, Backend backend) {
        this.clusterId = clusterId;
        this.plan = plan;
        this.table = FaultRules.table(label);
        this.backend = backend;
    }

    /** Why exec cannot reach {@code node} now (powered off, frozen), or null. */
    public String unreachable(String node) {
        return unreachable.get(node);
    }

    @Override
    public void partition(String a, String b) {
        partition(List.of(a), List.of(b));
    }

    @Override
    public synchronized void partition(List<String> side, List<String> otherSide) {
        if (side.isEmpty() || otherSide.isEmpty()) {
            throw new IllegalArgumentException("a partition needs a node on each side, got " + side + " and " + otherSide);
        }
        side.forEach(this::check);
        otherSide.forEach(this::check);
        List<FaultRules.Pair> pairs = new ArrayList<>();
        for (String x : side) {
            for (String y : otherSide) {
                if (x.equals(y)) {
                    throw new IllegalArgumentException(x + " is on both sides of the partition: name each node on one side only");
                }
                pairs.add(FaultRules.Pair.of(x, y));
            }
        }
        backend.checkOpen();
        Set<FaultRules.Pair> next = new LinkedHashSet<>(partitions);
        next.addAll(pairs);
        applyRules(next, isolated, links);
        for (FaultRules.Pair p : pairs) {
            if (partitions.add(p)) {
                put("partition:" + p.a() + ":" + p.b(), new Active("partition", List.of(p.a(), p.b()),
                        "partition " + p.a() + " <-> " + p.b()));
            }
        }
        log.info("cluster {}: partitioned {} from {}", clusterId, side, otherSide);
    }

    @Override
    public synchronized void isolate(String node) {
        check(node);
        backend.checkOpen();
        Set<String> next = new LinkedHashSet<>(isolated);
        next.add(node);
        applyRules(partitions, next, links);
        if (isolated.add(node)) {
            put("isolate:" + node, new Active("isolate", List.of(node), "isolate " + node));
        }
        log.info("cluster {}: isolated {}", clusterId, node);
    }

    @Override
    public synchronized void link(String node, Link link) {
        check(node);
        java.util.Objects.requireNonNull(link, "link");
        backend.checkOpen();
        Link before = links.getOrDefault(node, Link.PERFECT);
        Map<String, Link> next = new LinkedHashMap<>(links);
        if (link.equals(Link.PERFECT)) {
            next.remove(node);
        } else {
            next.put(node, link);
        }
        // Delay first: where the host cannot delay, nothing changes.
        if (!off.contains(node)) {
            setDelay(node, before, link);
        }
        try {
            applyRules(partitions, isolated, next);
        } catch (RuntimeException e) {
            if (!off.contains(node)) {
                try {
                    setDelay(node, link, before);
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw e;
        }
        links.clear();
        links.putAll(next);
        active.remove("link:" + node);
        if (!link.equals(Link.PERFECT)) {
            put("link:" + node, new Active("link", List.of(node), "link " + node + ": " + link.describe()));
        }
        log.info("cluster {}: link into {}: {}", clusterId, node, link.describe());
    }

    /** Moves the delay of {@code node}'s TAPs from what {@code from} needs to what {@code to} needs. */
    private void setDelay(String node, Link from, Link to) {
        List<String> taps = FaultRules.dataTaps(plan, node);
        if (to.delays()) {
            backend.delay(node, taps, to);
        } else if (from.delays()) {
            backend.undelay(node, taps);
        }
    }

    @Override
    public synchronized void powerOff(String node) {
        check(node);
        backend.checkOpen();
        if (off.contains(node)) {
            return;
        }
        unreachable.put(node, node + " is powered off (cluster.faults().powerOff); powerOn(\"" + node + "\") or heal() starts it again");
        try {
            backend.powerOff(node);
        } catch (RuntimeException e) {
            unreachable.remove(node);
            throw e;
        }
        off.add(node);
        frozen.remove(node);
        active.remove("freeze:" + node);
        put("power_off:" + node, new Active("power_off", List.of(node), "power off " + node));
        log.info("cluster {}: powered {} off", clusterId, node);
    }

    @Override
    public synchronized void powerOn(String node) {
        check(node);
        backend.checkOpen();
        if (!off.contains(node)) {
            return;
        }
        startAll(List.of(node));
    }

    /** Starts the powered-off {@code nodes} (all first, then waits for each). */
    private void startAll(List<String> nodes) {
        for (String node : nodes) {
            unreachable.put(node, node + " is starting again (powerOn); retry in a few seconds");
            try {
                backend.start(node);
            } catch (RuntimeException e) {
                unreachable.put(node, node + " is powered off (starting it again failed: " + e.getMessage() + ")");
                throw e;
            }
            // A new VM has new TAP devices (and a new QEMU): the delay went with the old ones; nft rules match by name and hold.
            Link link = links.get(node);
            if (link != null && link.delays()) {
                setDelay(node, Link.PERFECT, link);
            }
        }
        RuntimeException failure = null;
        for (String node : nodes) {
            try {
                backend.awaitUp(node);
                off.remove(node);
                active.remove("power_off:" + node);
                unreachable.remove(node);
                log.info("cluster {}: {} powered on", clusterId, node);
            } catch (RuntimeException e) {
                unreachable.put(node, node + " is powered off (it did not come up after powerOn: " + e.getMessage() + ")");
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized void freeze(String node) {
        check(node);
        backend.checkOpen();
        if (off.contains(node)) {
            throw new IllegalStateException(node + " is powered off, so it cannot be frozen: powerOn(\"" + node + "\") first");
        }
        if (frozen.contains(node)) {
            return;
        }
        unreachable.put(node, node + " is frozen (cluster.faults().freeze): thaw(\"" + node + "\") or heal() resumes it");
        try {
            backend.freeze(node);
        } catch (RuntimeException e) {
            unreachable.remove(node);
            throw e;
        }
        frozen.add(node);
        put("freeze:" + node, new Active("freeze", List.of(node), "freeze " + node));
        log.info("cluster {}: froze {}", clusterId, node);
    }

    @Override
    public synchronized void thaw(String node) {
        check(node);
        backend.checkOpen();
        if (!frozen.contains(node)) {
            return;
        }
        backend.thaw(node);
        frozen.remove(node);
        active.remove("freeze:" + node);
        unreachable.remove(node);
        log.info("cluster {}: thawed {}", clusterId, node);
    }

    @Override
    public synchronized void heal() {
        backend.checkOpen();
        if (tableInstalled || !partitions.isEmpty() || !isolated.isEmpty() || !links.isEmpty()) {
            for (Map.Entry<String, Link> e : links.entrySet()) {
                if (e.getValue().delays() && !off.contains(e.getKey())) {
                    setDelay(e.getKey(), e.getValue(), Link.PERFECT);
                }
            }
            applyRules(Set.of(), Set.of(), Map.of());
            partitions.clear();
            isolated.clear();
            links.clear();
            active.keySet().removeIf(k -> k.startsWith("partition:") || k.startsWith("isolate:") || k.startsWith("link:"));
        }
        for (String node : List.copyOf(frozen)) {
            thaw(node);
        }
        if (!off.isEmpty()) {
            startAll(List.copyOf(off));
        }
        log.info("cluster {}: healed", clusterId);
    }

    /** Does not wait for a fault being made (a powerOn waits for the boot): it lists what is in force meanwhile. */
    @Override
    public List<Active> active() {
        synchronized (active) {
            return List.copyOf(active.values());
        }
    }

    private void applyRules(Set<FaultRules.Pair> p, Set<String> i, Map<String, Link> l) {
        String script = FaultRules.script(table, plan, p, i, l);
        boolean any = script.contains("{");
        if (!any && !tableInstalled) {
            return;
        }
        backend.nft(script);
        tableInstalled = any;
    }

    private void put(String key, Active a) {
        synchronized (active) {
            active.remove(key);
            active.put(key, a);
        }
    }

    private void check(String node) {
        if (plan.nodes().stream().noneMatch(n -> n.node().equals(node))) {
            throw new NoSuchNodeException(clusterId, node, plan.nodes().stream().map(NetworkPlan.NodeNics::node).toList());
        }
    }
}
