package sh.antrieb.internal;

import sh.antrieb.InvalidSpecException;

/**
 * An IPv4 /24 (the only size Antrieb networks use), with the product's address conventions:
 * {@code .1} is the platform gateway, nodes get {@code .10}, {@code .11}, ... in node order.
 *
 * @param base the network address as a 32-bit integer
 */
public record Subnet(int base) {

    /** Parses {@code a.b.c.0/24}. */
    public static Subnet parse(String cidr) {
        String[] parts = cidr.trim().split("/");
        if (parts.length != 2 || !parts[1].equals("24")) {
            throw new InvalidSpecException("unsupported CIDR '" + cidr + "': only /24 networks are supported, e.g. 10.10.1.0/24");
        }
        int ip = toInt(parts[0], cidr);
        if ((ip & 0xff) != 0) {
            throw new InvalidSpecException("CIDR '" + cidr + "' is not a network address: write " + toString(ip & 0xffffff00) + "/24");
        }
        return new Subnet(ip);
    }

    /** The address {@code a.b.c.host}. */
    public String host(int host) {
        if (host < 1 || host > 254) {
            throw new IllegalArgumentException("host part out of range: " + host);
        }
        return toString(base + host);
    }

    /** The gateway, {@code .1}. */
    public String gateway() {
        return host(1);
    }

    /** The address of the node at 1-based {@code index}: {@code .10}, {@code .11}, ... */
    public String node(int index) {
        return host(9 + index);
    }

    /** Whether this /24 overlaps the network {@code otherBase/prefix}. */
    public boolean overlaps(int otherBase, int prefix) {
        int p = Math.min(24, prefix);
        int mask = p == 0 ? 0 : -1 << (32 - p);
        return (base & mask) == (otherBase & mask);
    }

    @Override
    public String toString() {
        return toString(base) + "/24";
    }

    /** Dotted quad of an address. */
    public static String toString(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    /** An address as an integer. */
    public static int toInt(String dotted, String context) {
        String[] q = dotted.split("\\.");
        if (q.length != 4) {
            throw new InvalidSpecException("invalid IPv4 address '" + dotted + "' in '" + context + "'");
        }
        int ip = 0;
        for (String part : q) {
            int v;
            try {
                v = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new InvalidSpecException("invalid IPv4 address '" + dotted + "' in '" + context + "'");
            }
            ip = (ip << 8) | v;
        }
        return ip;
    }
}
