package sh.antrieb.junit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.ProvisionException;

/**
 * An in-memory provisioner for testing the extension's lifecycle without VMs: clusters are plain
 * objects whose commands "succeed" unless they start with {@code fail}. Records what happened in
 * {@link #EVENTS}; reset with {@link #reset()} before each engine run. Provisioning fails as core's does
 * ({@link #refuse}) for an image other than debian12, a saved network reference, more than four nodes,
 * and the images {@code never-boots} (a node never answers) and {@code over-the-cap} (no free cluster slot).
 */
final class FakeProvisioner implements ClusterProvisioner {
    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
    static final Map<String, FakeCluster> CLUSTERS = new ConcurrentHashMap<>();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final AtomicInteger MAX_OPEN = new AtomicInteger();

    static void reset() {
        EVENTS.clear();
        COUNTER.set(0);
        CLUSTERS.clear();
        OPEN.set(0);
        MAX_OPEN.set(0);
    }

    /** The most clusters that were open at the same time. */
    static int maxOpen() {
        return MAX_OPEN.get();
    }

    static List<String> events() {
        synchronized (EVENTS) {
            return List.copyOf(EVENTS);
        }
    }

    /** Every cluster made so far, open or closed. */
    static List<FakeCluster> clusters() {
        return List.copyOf(CLUSTERS.values());
    }

    /** Made by the extension, once per engine run. */
    FakeProvisioner() {
        EVENTS.add("fake provisioner created");
    }

    @Override
    public Cluster provision(ClusterSpec spec) {
        refuse(spec);
        FakeCluster c = new FakeCluster("fake" + COUNTER.incrementAndGet(), spec);
        CLUSTERS.put(c.id(), c);
        EVENTS.add("provision " + c.id() + " " + spec.nodes());
        MAX_OPEN.accumulateAndGet(OPEN.incrementAndGet(), Math::max);
        return c;
    }

    /** Throws what core throws for what this source cannot provide, in core's words; nothing is made. */
    private static void refuse(ClusterSpec spec) {
        for (String image : spec.nodeImages()) {
            switch (image) {
                case "debian12" -> { }
                case "never-boots" -> throw new ProvisionException("provisioning cluster fake0 failed: node1 did not answer SSH "
                        + "within 300 s; everything it created was removed", Map.of("node1", "[    0.000000] Linux version 6.1.0"), null);
                case "over-the-cap" -> throw new LimitExceededException(ErrorCode.CONCURRENT_CLUSTERS, "limit of 2 concurrent clusters reached: close a cluster "
                        + "first, or raise the limit with Antrieb.builder().maxConcurrentClusters(n)");
                default -> throw new InvalidSpecException(ErrorCode.UNKNOWN_IMAGE, "unknown image '" + image + "': this host has [debian12, ansible-controller, "
                        + "podman]. Other distributions can be imported as images on hosts that have them.");
            }
        }
        spec.networks().stream().flatMap(n -> n.reference().stream()).findFirst().ifPresent(ref -> {
            throw new CatalogException(ErrorCode.NOT_FOUND, "no saved network " + ref + ": save it first with "
                    + "catalog.saveNetwork(...) (the save operation, type network), or declare the network inline; namespace "
                    + ref.substring(1, ref.indexOf('/')) + " has []");
        });
        if (spec.nodeCount() > 4) {
            throw new LimitExceededException("too many nodes: " + spec.nodeCount() + " requested, at most 4 per cluster, plus one "
                    + "controller node (an image ending in -controller, or NodeSpec.controller(...)). Split the work across clusters or drop nodes.");
        }
    }

    @Override
    public void close() {
        CLUSTERS.values().forEach(FakeCluster::close);
        EVENTS.add("fake provisioner closed");
    }

    /** Commands succeed unless they start with {@code fail}; closing is recorded in {@link #EVENTS}. */
    static final class FakeCluster extends sh.antrieb.FakeCluster {
        FakeCluster(String id, ClusterSpec spec) {
            super(id, spec);
        }

        @Override
        protected ExecResult run(String node, String command, ExecOptions options) {
            boolean fail = command.startsWith("fail");
            return result(node, command, fail ? 1 : 0, "ran " + command + " on " + node + "\n", fail ? "boom: " + command + "\n" : "");
        }

        @Override
        public String consoleTail(String node, int lines) {
            node(node);
            return "[  OK  ] Reached target multi-user.target - Multi-User System.\n\nDebian GNU/Linux 12 " + node + " ttyS0\n";
        }

        @Override
        protected void onClose() {
            OPEN.decrementAndGet();
            EVENTS.add("close " + id());
        }
    }
}
