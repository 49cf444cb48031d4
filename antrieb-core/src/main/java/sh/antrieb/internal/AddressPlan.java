package sh.antrieb.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks free /24s for a cluster's networks: not used by any libvirt network on the host and, when the
 * host is this machine, not overlapping any route of it. Two processes may still pick the same one at
 * the same moment; libvirt then refuses the second network and the caller picks again.
 */
public final class AddressPlan {
    private static final Logger log = LoggerFactory.getLogger(AddressPlan.class);
    /** Control networks come from the shared address space (RFC 6598), which test topologies rarely use. */
    public static final int CONTROL_POOL = Subnet.toInt("100.64.0.0", "control pool");
    /** Control pool size in /24s: 100.64.0.0/10. */
    public static final int CONTROL_POOL_SIZE = 1 << 14;
    /** Automatically allocated cluster networks come from 10.200.0.0/13. */
    public static final int CLUSTER_POOL = Subnet.toInt("10.200.0.0", "cluster pool");
    /** Cluster pool size in /24s. */
    public static final int CLUSTER_POOL_SIZE = 1 << 11;

    private static final Pattern IP = Pattern.compile("<ip[^>]*address=['\"]([0-9.]+)['\"][^>]*prefix=['\"]([0-9]+)['\"]");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A range in use and what uses it, in words for an error message. */
    private record Used(int base, int prefix, String what) {
    }

    /** Where {@link #suggest} looks for a free /24 to name in an error message. */
    private static final int SUGGESTION_POOL = Subnet.toInt("10.10.0.0", "suggestion pool");

    private final List<Used> used = new ArrayList<>();

    private AddressPlan() {
    }

    /** A plan with nothing in use yet (tests, and callers that add what is in use themselves). */
    static AddressPlan empty() {
        return new AddressPlan();
    }

    /** A plan that avoids everything in use on {@code host} now. */
    public static AddressPlan of(LibvirtHost host) {
        AddressPlan plan = new AddressPlan();
        for (String name : host.networks()) {
            String xml = host.networkXml(name);
            if (xml != null) {
                plan.addNetworkXml(name, xml);
            }
        }
        try {
            HostShell.Result routes = host.run(java.time.Duration.ofSeconds(30), null, "cat", "/proc/net/route");
            if (routes.ok()) {
                plan.addRoutes(routes.output().lines().toList());
            }
        } catch (RuntimeException e) {
            // no route table to read: libvirt still refuses overlapping networks
            log.debug("no route table of {}: {}", host.uri(), e.toString());
        }
        return plan;
    }

    /** Marks the subnets of the libvirt network {@code name}, given its XML, as used. */
    void addNetworkXml(String name, String xml) {
        String what = ClusterLabel.parse(name).map(l -> "network '" + l.what().replaceFirst("^net-", "")
                        + "' of the live cluster " + l.label().id())
                .orElse("the libvirt network '" + name + "'");
        Matcher m = IP.matcher(xml);
        while (m.find()) {
            int prefix = Integer.parseInt(m.group(2));
            int base = Subnet.toInt(m.group(1), "network") & (prefix == 0 ? 0 : -1 << (32 - prefix));
            used.add(new Used(base, prefix, what + " (" + Subnet.toString(base) + "/" + prefix + ")"));
        }
    }

    /** Marks a subnet as used by another network of the cluster being planned. */
    public void reserve(Subnet s) {
        used.add(new Used(s.base(), 24, "another network of this cluster (" + s + ")"));
    }

    /** Marks the routes of a {@code /proc/net/route} table (header line first) as used. */
    void addRoutes(List<String> lines) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            int dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
            int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
            int prefix = Integer.bitCount(mask);
            if (prefix > 0) {
                used.add(new Used(dest, prefix, "a route of this host (" + Subnet.toString(dest) + "/" + prefix + " dev " + f[0] + ")"));
            }
        }
    }

    /** Whether {@code s} overlaps anything in use. */
    public boolean isFree(Subnet s) {
        return overlapOf(s).isEmpty();
    }

    /** What {@code s} overlaps, in words naming the range (e.g. {@code a route of this host (192.0.2.0/24 dev eth0)}), or empty. */
    public Optional<String> overlapOf(Subnet s) {
        return used.stream().filter(u -> s.overlaps(u.base(), u.prefix())).map(Used::what).findFirst();
    }

    /** A /24 free now (not reserved), for an error message to offer: from 10.10.0.0/16, else the cluster pool. */
    public String suggest() {
        for (int i = 1; i < 256; i++) {
            Subnet s = new Subnet(SUGGESTION_POOL + (i << 8));
            if (isFree(s)) {
                return s.toString();
            }
        }
        for (int i = 0; i < CLUSTER_POOL_SIZE; i++) {
            Subnet s = new Subnet(CLUSTER_POOL + (i << 8));
            if (isFree(s)) {
                return s.toString();
            }
        }
        return UnsafeRanges.SAFE_EXAMPLE;
    }

    /** A random free /24 from a pool of {@code size} /24s starting at {@code poolBase}; reserved at once. */
    public Subnet pick(int poolBase, int size) {
        for (int attempt = 0; attempt < 4096; attempt++) {
            Subnet s = new Subnet(poolBase + (RANDOM.nextInt(size) << 8));
            if (isFree(s)) {
                reserve(s);
                return s;
            }
        }
        throw new sh.antrieb.LimitExceededException("no free /24 left in " + Subnet.toString(poolBase)
                + " for a new network: destroy unused libvirt networks (`virsh net-list`)");
    }
}
