package sh.antrieb;

import java.util.List;

/**
 * Failure scenarios on a cluster, made at the host, never by commands inside the guests: rules on the cluster's
 * own bridges (nftables), delays on the guests' TAP devices, and libvirt's power and pause. Only the
 * networks under test are touched: the control network stays as it is, so {@link Cluster#exec exec} keeps working
 * on every node during every fault, and a node that is powered off or frozen answers exec at once with exit code
 * {@code -1} and the reason in stderr, like a rebooting one.
 *
 * <pre>{@code
 * Faults faults = cluster.faults();
 * faults.partition("node1", "node2");              // no traffic between them, both ways
 * faults.isolate("node3");                          // node3 reaches nothing on its networks under test
 * faults.link("node2", Link.latency(ofMillis(200)).jitter(ofMillis(50)).loss(0.05));
 * faults.powerOff("node1"); faults.powerOn("node1"); // hard, like pulling the plug; disk, name, addresses kept
 * faults.freeze("node2"); faults.thaw("node2");      // the VM paused, its clock with it
 * faults.active();                                  // what is in force now
 * faults.heal();                                    // everything back as provisioned
 * }</pre>
 *
 * <p>Faults belong to the cluster: its nftables table is named with the cluster's label, so {@link #heal()},
 * {@link Cluster#close()}, the TTL and the sweep of dead owners remove it like the cluster's other host objects;
 * delays go with the TAP devices and QEMU processes. Network faults need {@code nft} (and {@code tc}) on the libvirt
 * host, so they work only where that host is this machine; power and pause work everywhere. Thread-safe.
 */
public interface Faults {

    /**
     * Cuts every network under test between {@code a} and {@code b}, both ways; each keeps its other links.
     * Idempotent. The control network is not touched, so SSH from one to the other's control address (where
     * names resolve to it: nodes that share no network with DHCP) still works.
     *
     * @throws NoSuchNodeException for an unknown node
     */
    void partition(String a, String b);

    /** Cuts every network under test between each node of {@code side} and each node of {@code otherSide}. */
    void partition(List<String> side, List<String> otherSide);

    /**
     * Cuts {@code node} off every network under test: no other node, no gateway, no DHCP, no egress. Idempotent.
     */
    void isolate(String node);

    /**
     * Makes the link into {@code node} bad: what it receives on its networks under test is delayed and/or lost
     * (replaces an earlier {@code link} of the node; {@link Link#PERFECT} removes it). A round trip through the
     * node grows by the latency once. Loss is an nftables rule; latency a {@code netem} qdisc on the node's TAPs,
     * or, where the host kernel has no netem, a delay line in this JVM that QEMU's network filters hand each frame
     * to (so that delay ends with this JVM).
     */
    void link(String node, Link link);

    /**
     * Powers {@code node} off at once (libvirt's destroy: no shutdown, unsynced writes lost, like pulling the
     * plug). Its disk, name, MACs and addresses are kept for {@link #powerOn}. Until then exec on it answers
     * {@code -1}. Idempotent.
     */
    void powerOff(String node);

    /**
     * Starts a powered-off {@code node} again (a cold boot of the same disk, name and addresses) and returns once
     * it answers exec. Network faults in force apply to it again. Does nothing to a running node.
     *
     * @throws ProvisionException when it does not come up within the client's boot timeout
     */
    void powerOn(String node);

    /**
     * Pauses {@code node}'s VM (libvirt suspend): its CPUs stop, its clock with them, it answers nothing;
     * exec on it answers {@code -1} until {@link #thaw}. Idempotent.
     *
     * @throws IllegalStateException when the node is powered off
     */
    void freeze(String node);

    /**
     * Resumes a frozen {@code node}. Its clock stood still while it was frozen, so it is behind by that long until
     * the guest's NTP client (if it reaches a server) corrects it. Does nothing to a running node.
     */
    void thaw(String node);

    /**
     * Removes every fault: network rules and traffic control gone, frozen nodes thawed, powered-off nodes started
     * (returns once they answer exec).
     */
    void heal();

    /** The faults in force now, in the order they were made. */
    List<Active> active();

    /**
     * A fault in force.
     *
     * @param kind        {@code partition}, {@code isolate}, {@code link}, {@code power_off} or {@code freeze}
     * @param nodes       the nodes it acts on
     * @param description what it does, e.g. {@code partition node1 <-> node2}
     */
    record Active(String kind, List<String> nodes, String description) {
        public Active {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
