package sh.antrieb.internal;

import java.util.List;
import java.util.Optional;

/**
 * IPv4 ranges no declared network may use, whatever the host: addresses that never belong on an L2
 * segment (loopback, link-local, multicast, "this network", the reserved and broadcast block) and the
 * range Antrieb's own control networks come from. One table, read by {@link sh.antrieb.NetworkSpec}
 * when a CIDR is set, so the Java API, {@code @AntriebCluster}, runbook topologies and the MCP server
 * all refuse the same ranges with the same words. What depends on the host (its routes, other live
 * clusters' networks) is checked when a cluster's networks are planned ({@link NetworkPlan}).
 */
public final class UnsafeRanges {
    /** A /24 that overlaps none of the ranges below, for error messages. */
    public static final String SAFE_EXAMPLE = "10.10.1.0/24";

    /** One refused range and why. */
    record Range(int base, int prefix, String what) {
        String cidr() {
            return Subnet.toString(base) + "/" + prefix;
        }
    }

    private static final List<Range> RANGES = List.of(
            range("0.0.0.0", 8, "\"this network\" (0.0.0.0/8): not an address any host may have"),
            range("127.0.0.0", 8, "loopback (127.0.0.0/8): every guest already has it on lo"),
            range("169.254.0.0", 16, "link-local (169.254.0.0/16): self-assigned addresses, never routed"),
            range(Subnet.toString(AddressPlan.CONTROL_POOL), 10,
                    "Antrieb's control range (100.64.0.0/10): each node's mgmt0 is on a /24 from it"),
            range("224.0.0.0", 4, "multicast (224.0.0.0/4): group addresses, not host addresses"),
            range("240.0.0.0", 4, "reserved and broadcast (240.0.0.0/4, with 255.255.255.255): not usable on a network"));

    private UnsafeRanges() {
    }

    private static Range range(String base, int prefix, String what) {
        return new Range(Subnet.toInt(base, "unsafe range"), prefix, what);
    }

    /** The problem with the /24 at {@code base}, or empty when it lies outside every refused range. */
    public static Optional<String> problem(int base) {
        Subnet s = new Subnet(base);
        return RANGES.stream().filter(r -> s.overlaps(r.base(), r.prefix())).findFirst()
                .map(r -> s + " lies in " + r.what());
    }
}
