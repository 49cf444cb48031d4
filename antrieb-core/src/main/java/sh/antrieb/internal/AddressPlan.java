package sh.antrieb.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks free /24s for a cluster's networks: not used by any libvirt network on the host and, when the
 * host is this machine, not overlapping any route of it. Two processes may still pick the same one at
 * the same moment; libvirt then refuses the second network and the caller picks again.
 */
public final class AddressPlan {
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

    private final List<int[]> used = new ArrayList<>();

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
                plan.addNetworkXml(xml);
            }
        }
        if (host.isLocal()) {
            plan.addRoutes(Path.of("/proc/net/route"));
        }
        return plan;
    }

    /** Marks the subnets of a libvirt network XML as used. */
    void addNetworkXml(String xml) {
        Matcher m = IP.matcher(xml);
        while (m.find()) {
            used.add(new int[] {Subnet.toInt(m.group(1), "network"), Integer.parseInt(m.group(2))});
        }
    }

    /** Marks a subnet as used (e.g. one just taken for another network of the same cluster). */
    public void reserve(Subnet s) {
        used.add(new int[] {s.base(), 24});
    }

    private void addRoutes(Path procRoute) {
        try {
            List<String> lines = Files.readAllLines(procRoute);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 8) {
                    continue;
                }
                int dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
                int prefix = Integer.bitCount(mask);
                if (prefix > 0) {
                    used.add(new int[] {dest, prefix});
                }
            }
        } catch (IOException | RuntimeException e) {
            // no route table to read: libvirt still refuses overlapping networks
        }
    }

    /** Whether {@code s} overlaps anything in use. */
    public boolean isFree(Subnet s) {
        for (int[] u : used) {
            if (s.overlaps(u[0], u[1])) {
                return false;
            }
        }
        return true;
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
