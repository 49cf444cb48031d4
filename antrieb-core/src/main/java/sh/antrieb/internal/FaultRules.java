package sh.antrieb.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import sh.antrieb.Link;

/**
 * The host-side text of a cluster's network faults, as plain strings unit tests read without a host: one
 * nftables table of the bridge family, named with the cluster's label ({@code antrieb-...-faults}, so the
 * sweep that removes the firewall tables of dead clusters removes it too), and {@code tc netem} commands for
 * delays. Every rule names the TAP devices of the nodes' NICs on the networks under test; the control NICs
 * never appear, so exec and readiness are untouched.
 *
 * <ul>
 *   <li>partition: frames bridged from one node's TAPs to the other's are dropped, both ways (hook forward);</li>
 *   <li>isolate: every frame from or to the node's TAPs is dropped, the host's too (hooks prerouting and
 *       postrouting);</li>
 *   <li>link loss: frames sent to the node's TAPs are dropped at random ({@code numgen random}, hook
 *       postrouting); link latency: a netem root qdisc on each of the node's TAPs, which delays what the TAP
 *       sends to the guest.</li>
 * </ul>
 */
public final class FaultRules {
    /** Loss is given to nftables in parts per million. */
    static final int LOSS_SCALE = 1_000_000;

    private FaultRules() {
    }

    /** Two partitioned nodes, in name order. */
    public record Pair(String a, String b) {
        /** The pair of {@code x} and {@code y}, whichever order they come in. */
        public static Pair of(String x, String y) {
            return x.compareTo(y) <= 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    /** The cluster's faults table. */
    public static String table(ClusterLabel label) {
        return label.name("faults");
    }

    /**
     * The nft script that replaces the cluster's faults table with these faults in one transaction, or only
     * deletes it when there are none. Applying it is idempotent: the table is added (empty) before it is deleted.
     */
    public static String script(String table, NetworkPlan plan, Collection<Pair> partitions, Collection<String> isolated,
                                Map<String, Link> links) {
        StringBuilder b = new StringBuilder();
        b.append("add table bridge ").append(table).append('\n');
        b.append("delete table bridge ").append(table).append('\n');
        List<String> forward = new ArrayList<>();
        for (Pair p : partitions) {
            String a = taps(plan, p.a());
            String c = taps(plan, p.b());
            forward.add("iifname " + a + " oifname " + c + " drop");
            forward.add("iifname " + c + " oifname " + a + " drop");
        }
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        for (String node : isolated) {
            pre.add("iifname " + taps(plan, node) + " drop");
            post.add("oifname " + taps(plan, node) + " drop");
        }
        for (Map.Entry<String, Link> e : links.entrySet()) {
            long ppm = Math.round(e.getValue().loss() * LOSS_SCALE);
            if (ppm > 0) {
                post.add("oifname " + taps(plan, e.getKey()) + (ppm >= LOSS_SCALE ? "" : " numgen random mod " + LOSS_SCALE + " < " + ppm)
                        + " drop");
            }
        }
        if (forward.isEmpty() && pre.isEmpty() && post.isEmpty()) {
            return b.toString();
        }
        b.append("table bridge ").append(table).append(" {\n");
        chain(b, "forward", "forward", forward);
        chain(b, "isolate_in", "prerouting", pre);
        chain(b, "to_node", "postrouting", post);
        b.append("}\n");
        return b.toString();
    }

    private static void chain(StringBuilder b, String name, String hook, List<String> rules) {
        if (rules.isEmpty()) {
            return;
        }
        // Before the cluster's firewall table (-150): a drop here ends the frame whatever that table accepts.
        b.append("  chain ").append(name).append(" {\n    type filter hook ").append(hook).append(" priority -200; policy accept;\n");
        rules.forEach(r -> b.append("    ").append(r).append('\n'));
        b.append("  }\n");
    }

    /** {@code { "tap1", "tap2" }}: the node's TAPs on the networks under test. */
    static String taps(NetworkPlan plan, String node) {
        return "{ " + dataTaps(plan, node).stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", ")) + " }";
    }

    /** The TAP devices of {@code node}'s NICs on the networks under test, in NIC order. */
    public static List<String> dataTaps(NetworkPlan plan, String node) {
        return plan.nodes().stream().filter(n -> n.node().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + node + " in the plan"))
                .nics().stream().map(NetworkPlan.Nic::tap).toList();
    }

    /** {@code tc} argument lists that delay what {@code tap} sends to its guest as {@code link} says. */
    public static List<String> delay(String tap, Link link) {
        List<String> args = new ArrayList<>(List.of("qdisc", "replace", "dev", tap, "root", "netem", "delay",
                micros(link.latency())));
        if (!link.jitter().isZero()) {
            args.add(micros(link.jitter()));
        }
        return args;
    }

    /** {@code tc} arguments that put {@code tap}'s default queueing back. */
    public static List<String> undelay(String tap) {
        return List.of("qdisc", "del", "dev", tap, "root");
    }

    private static String micros(java.time.Duration d) {
        return d.toNanos() / 1000 + "us";
    }
}
