package sh.antrieb.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.HostNotReadyException;
import sh.antrieb.HostUnavailableException;

/**
 * The host-side rules of one cluster, as two nftables tables named with the cluster's label (so a sweep
 * finds them like any other labelled object):
 *
 * <ul>
 *   <li>{@code table bridge}: every guest port may only send with its own MAC, no IPv6; on networks the
 *       platform addresses also only with its own IPv4 (spoofing a neighbour gets nothing through). On the
 *       control network guests may open TCP connections to each other's port 22 and nothing else.</li>
 *   <li>{@code table inet}: guests reach host services only for DHCP and DNS on their own networks, never
 *       over the control network; networks with egress reach the outside only on the allowlisted TCP ports
 *       (and DNS over UDP); nothing is routed into or between Antrieb bridges (other clusters' or the
 *       cluster's own other networks), nor out of networks without egress.</li>
 * </ul>
 * The rules are in place before the first guest starts and are removed with the cluster. They are made with
 * {@code nft} on the libvirt host the cluster runs on (this machine, or the remote host over its SSH session).
 */
public final class HostFirewall {
    private static final Logger log = LoggerFactory.getLogger(HostFirewall.class);
    /** The bridges of every Antrieb network start with this. */
    static final String BRIDGE_GLOB = "ab*";
    private static final Pattern TABLE = Pattern.compile("^table (inet|bridge) (\\S+)", Pattern.MULTILINE);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private HostFirewall() {
    }

    /** The nft script creating the cluster's tables. */
    public static String ruleset(ClusterLabel label, NetworkPlan plan, List<Integer> egressPorts) {
        String table = label.name("fw");
        StringBuilder b = new StringBuilder();
        b.append("table bridge ").append(table).append(" {\n");
        b.append("  chain ports {\n    type filter hook prerouting priority -150; policy accept;\n");
        for (NetworkPlan.NodeNics node : plan.nodes()) {
            List<NetworkPlan.Nic> all = new ArrayList<>();
            all.add(node.control());
            all.addAll(node.nics());
            for (NetworkPlan.Nic nic : all) {
                String in = "    iifname \"" + nic.tap() + "\" ";
                b.append(in).append("ether saddr != ").append(nic.mac()).append(" drop\n");
                b.append(in).append("ether type ip6 drop\n");
                b.append(in).append("arp saddr ether != ").append(nic.mac()).append(" drop\n");
                if (nic.address() != null) {
                    b.append(in).append("arp saddr ip != { ").append(nic.address()).append(", 0.0.0.0 } drop\n");
                    b.append(in).append("ip saddr != { ").append(nic.address()).append(", 0.0.0.0 } drop\n");
                }
            }
        }
        b.append("  }\n");
        String controlPorts = plan.nodes().stream().map(n -> "\"" + n.control().tap() + "\"").collect(Collectors.joining(", "));
        b.append("  chain control {\n    type filter hook forward priority -150; policy accept;\n");
        b.append("    iifname { ").append(controlPorts).append(" } ether type arp accept\n");
        b.append("    iifname { ").append(controlPorts).append(" } tcp dport 22 accept\n");
        // Stateless (no conntrack in the bridge family): replies from port 22, but no new connection from it.
        b.append("    iifname { ").append(controlPorts).append(" } tcp sport 22 tcp flags & (syn | ack) != syn accept\n");
        b.append("    iifname { ").append(controlPorts).append(" } drop\n");
        b.append("  }\n}\n");

        String ports = egressPorts.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String ctl = "\"" + plan.control().bridge() + "\"";
        b.append("table inet ").append(table).append(" {\n");
        b.append("  chain input {\n    type filter hook input priority -10; policy accept;\n");
        b.append("    iifname ").append(ctl).append(" ct state established,related accept\n");
        b.append("    iifname ").append(ctl).append(" drop\n");
        for (NetworkPlan.Net net : plan.networks()) {
            if (!net.hostAddressed()) {
                continue;
            }
            String in = "    iifname \"" + net.bridge() + "\" ";
            b.append(in).append("ct state established,related accept\n");
            if (net.dhcp()) {
                b.append(in).append("udp dport 67 accept\n");
            }
            if (net.spec().egress()) {
                b.append(in).append("meta l4proto { tcp, udp } th dport 53 accept\n");
            }
            b.append(in).append("icmp type echo-request accept\n");
            b.append(in).append("drop\n");
        }
        b.append("  }\n");
        b.append("  chain forward {\n    type filter hook forward priority -10; policy accept;\n");
        List<String> bridges = new ArrayList<>();
        bridges.add(plan.control().bridge());
        plan.networks().forEach(n -> bridges.add(n.bridge()));
        for (String br : bridges) {
            // Frames bridged between guests of one segment pass here too (br_netfilter): the bridge table judges them.
            b.append("    iifname \"").append(br).append("\" oifname \"").append(br).append("\" accept\n");
        }
        for (String br : bridges) {
            b.append("    oifname \"").append(br).append("\" ct state established,related accept\n");
            b.append("    oifname \"").append(br).append("\" drop\n");
        }
        b.append("    iifname ").append(ctl).append(" drop\n");
        for (NetworkPlan.Net net : plan.networks()) {
            String in = "    iifname \"" + net.bridge() + "\" ";
            if (net.spec().egress() && net.hostAddressed()) {
                b.append(in).append("oifname \"").append(BRIDGE_GLOB).append("\" drop\n");
                if (!ports.isEmpty()) {
                    b.append(in).append("tcp dport { ").append(ports).append(" } accept\n");
                }
                if (egressPorts.contains(53)) {
                    b.append(in).append("udp dport 53 accept\n");
                }
            }
            b.append(in).append("drop\n");
        }
        b.append("  }\n}\n");
        return b.toString();
    }

    /** Creates the cluster's tables on {@code host}. */
    public static void apply(LibvirtHost host, ClusterLabel label, NetworkPlan plan, List<Integer> egressPorts) {
        nft(host, ruleset(label, plan, egressPorts), "-f", "-");
        log.debug("cluster {}: host firewall tables {} in place on {}", label.id(), label.name("fw"), host.uri());
    }

    /** Names (family and table) of every labelled table on {@code host}. */
    static List<String[]> tables(LibvirtHost host) {
        String out = nft(host, null, "list", "tables");
        List<String[]> tables = new ArrayList<>();
        Matcher m = TABLE.matcher(out);
        while (m.find()) {
            if (m.group(2).startsWith(ClusterLabel.PREFIX)) {
                tables.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return tables;
    }

    /** Deletes every labelled table on {@code host} whose cluster {@code dead} selects; returns how many. */
    static int remove(LibvirtHost host, Predicate<String> dead) {
        List<String[]> tables;
        try {
            tables = tables(host);
        } catch (HostNotReadyException e) {
            return 0; // no nft there: no tables either
        }
        int removed = 0;
        for (String[] t : tables) {
            if (dead.test(t[1])) {
                log.info("sweep: deleting nft table {} {}", t[0], t[1]);
                try {
                    nft(host, null, "delete", "table", t[0], t[1]);
                    removed++;
                } catch (HostNotReadyException e) {
                    log.debug("nft table {} already gone: {}", t[1], e.getMessage());
                }
            }
        }
        return removed;
    }

    /**
     * Why {@code nft} cannot be used on {@code host} (not installed, not root), or null when it can.
     *
     * @throws sh.antrieb.HostUnavailableException when the host cannot be reached at all
     */
    static String unusableBecause(LibvirtHost host) {
        try {
            nft(host, null, "list", "tables");
            return null;
        } catch (HostNotReadyException e) {
            return e.getMessage();
        }
    }

    /**
     * Applies an nft script of the cluster's own labelled tables (its faults table: {@link FaultRules}), which the
     * sweep removes with the firewall tables.
     *
     * @throws HostNotReadyException when nft cannot be used on the host
     */
    static void applyScript(LibvirtHost host, String script) {
        String why = unusableBecause(host);
        if (why != null) {
            throw new HostNotReadyException("network faults need nftables on the libvirt host, and nft is not usable on "
                    + host.uri() + " (" + why + "): run Antrieb's host side as root and install nftables (bin/setup-host does)");
        }
        nft(host, script, "-f", "-");
    }

    /**
     * Runs {@code tc} on {@code host} (traffic control on the guests' TAP devices, for faults).
     *
     * @throws HostNotReadyException when tc fails; for a queueing discipline the kernel lacks (netem), naming it
     */
    static void tc(LibvirtHost host, List<String> args) {
        try {
            run(host, "tc", null, args);
        } catch (HostNotReadyException e) {
            if (args.contains("netem") && String.valueOf(e.getMessage()).contains("unknown")) {
                throw new HostNotReadyException("this host cannot delay packets: its kernel has no netem queueing discipline ("
                        + e.getMessage() + "). Load it with `modprobe sch_netem` (Debian's kernels ship it as a module); a kernel"
                        + " built without CONFIG_NET_SCH_NETEM cannot delay at all, but Link.lossOf(...) works without it", e);
            }
            throw e;
        }
    }

    private static String nft(LibvirtHost host, String stdin, String... args) {
        return run(host, "nft", stdin, List.of(args));
    }

    private static String run(LibvirtHost host, String tool, String stdin, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(args);
        String what = tool + " " + String.join(" ", args);
        String pkg = tool.equals("tc") ? "iproute2" : "nftables";
        HostShell.Result r;
        try {
            r = host.link().run(cmd, stdin, TIMEOUT);
        } catch (IOException e) {
            if (host.link() == HostLink.LOCAL) {
                throw new HostNotReadyException("cannot run " + tool + ": " + e.getMessage() + "; install " + pkg + " (bin/setup-host does)");
            }
            throw new HostUnavailableException("cannot run " + what + " on libvirt host " + host.uri() + ": " + e.getMessage(), e);
        }
        if (r.exit() == 127) {
            throw new HostNotReadyException(tool + " is not installed on libvirt host " + host.uri() + " (" + host.link().where()
                    + "); install " + pkg + " there (bin/setup-host does)");
        }
        if (!r.ok()) {
            throw new HostNotReadyException(what + " failed on " + host.link().where() + " (exit " + r.exit() + "): "
                    + r.output().strip() + "; Antrieb needs " + pkg + " and root on the libvirt host (bin/setup-host installs it)");
        }
        return r.output();
    }
}
