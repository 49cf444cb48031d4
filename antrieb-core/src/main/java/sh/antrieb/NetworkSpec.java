package sh.antrieb;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import sh.antrieb.internal.UnsafeRanges;

/**
 * A declared network of a cluster: its own L2 segment (its own bridge) with its own /24.
 *
 * <ul>
 *   <li>{@code cidr}: the /24 to use; allocated from {@code 10.200.0.0/13} when omitted. A network the
 *       platform has an address on ({@code dhcp} or {@code egress}) must not overlap another live network
 *       or a route of the host; no network may lie in loopback, link-local, multicast, {@code 0.0.0.0/8},
 *       {@code 240.0.0.0/4} or the control range {@code 100.64.0.0/10}.</li>
 *   <li>{@code egress} (default {@code true}): the outside is reachable through the host's port allowlist
 *       (HTTP, HTTPS, DNS, SSH by default); {@code false}: no route out at all.</li>
 *   <li>{@code dhcp} (default {@code true}): the platform assigns addresses ({@code .10}, {@code .11}, ...
 *       in node order), {@code .1} is the platform's gateway; {@code false}: the platform assigns nothing
 *       and the VMs own the addressing (a router VM, static addresses, /31 links).</li>
 * </ul>
 * Immutable; each {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * NetworkSpec.named("wan")
 * NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false)
 * NetworkSpec.parse("lan cidr=10.10.1.0/24 egress=false dhcp=false")
 * NetworkSpec.reference("@myteam/isolated-lan")        // a saved network spec, resolved by the catalog
 * }</pre>
 */
public final class NetworkSpec {
    /** Network names: lowercase letters, digits and hyphens, starting with a letter. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");
    private static final Pattern REFERENCE = Pattern.compile("@([a-z0-9][a-z0-9-]{0,62})/([a-z][a-z0-9-]{0,62})");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    private final String name;
    private final String cidr;
    private final boolean egress;
    private final boolean dhcp;
    private final String reference;

    private NetworkSpec(String name, String cidr, boolean egress, boolean dhcp, String reference) {
        this.name = name;
        this.cidr = cidr;
        this.egress = egress;
        this.dhcp = dhcp;
        this.reference = reference;
    }

    /** A network called {@code name}: egress through the allowlist, DHCP, CIDR allocated. */
    public static NetworkSpec named(String name) {
        return new NetworkSpec(checkName(name), null, true, true, null);
    }

    /**
     * A reference to a saved network spec, {@code @namespace/name}; inside the cluster the network is
     * called {@code name}. Resolved when the cluster is provisioned.
     */
    public static NetworkSpec reference(String fqName) {
        var m = fqName == null ? null : REFERENCE.matcher(fqName.trim());
        if (m == null || !m.matches()) {
            throw new InvalidSpecException("invalid network reference '" + fqName
                    + "': write @<namespace>/<name> in lowercase letters, digits and hyphens, e.g. @myteam/isolated-lan");
        }
        return new NetworkSpec(m.group(2), null, true, true, fqName.trim());
    }

    /**
     * Parses {@code "<name> [cidr=a.b.c.0/24] [egress=true|false] [dhcp=true|false]"}, or a reference
     * {@code "@namespace/name"}.
     */
    public static NetworkSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("empty network: write \"<name> [cidr=a.b.c.0/24] [egress=false] [dhcp=false]\", e.g. \"lan egress=false\"");
        }
        String[] words = text.trim().split("\\s+");
        if (words[0].startsWith("@")) {
            if (words.length > 1) {
                throw new InvalidSpecException("network reference '" + text + "' takes no options: the saved spec defines them");
            }
            return reference(words[0]);
        }
        NetworkSpec spec = named(words[0]);
        for (int i = 1; i < words.length; i++) {
            String[] kv = words[i].split("=", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            if (kv.length != 2) {
                throw new InvalidSpecException("malformed option '" + words[i] + "' of network '" + text
                        + "': expected key=value with key cidr, egress or dhcp");
            }
            spec = switch (key) {
                case "cidr" -> spec.cidr(kv[1]);
                case "egress" -> spec.egress(bool(kv[1], words[i]));
                case "dhcp" -> spec.dhcp(bool(kv[1], words[i]));
                default -> throw new InvalidSpecException("unknown option '" + kv[0] + "' of network '" + text
                        + "': the options are cidr, egress and dhcp");
            };
        }
        return spec;
    }

    private static boolean bool(String value, String option) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new InvalidSpecException("option '" + option + "' needs true or false");
        };
    }

    /** This spec with a fixed /24, e.g. {@code 10.10.1.0/24}; only /24 networks are supported. */
    public NetworkSpec cidr(String cidr) {
        checkNotReference("cidr");
        return new NetworkSpec(name, cidr == null ? null : checkCidr(cidr), egress, dhcp, null);
    }

    /** This spec with egress on (outside reachable through the port allowlist) or off (no route out). */
    public NetworkSpec egress(boolean egress) {
        checkNotReference("egress");
        return new NetworkSpec(name, cidr, egress, dhcp, null);
    }

    /** This spec with platform addressing on or off. */
    public NetworkSpec dhcp(boolean dhcp) {
        checkNotReference("dhcp");
        return new NetworkSpec(name, cidr, egress, dhcp, null);
    }

    /** This spec under another name (e.g. a saved spec used in a cluster). */
    public NetworkSpec withName(String name) {
        return new NetworkSpec(checkName(name), cidr, egress, dhcp, reference);
    }

    /** The name nodes' {@code nics} refer to. */
    public String name() {
        return name;
    }

    /** The fixed CIDR, or empty when the platform allocates one. */
    public Optional<String> cidr() {
        return Optional.ofNullable(cidr);
    }

    /** Whether the outside is reachable (through the allowlist). */
    public boolean egress() {
        return egress;
    }

    /** Whether the platform assigns addresses. */
    public boolean dhcp() {
        return dhcp;
    }

    /** Whether the platform (the host) has an address on this network: {@code .1}, its gateway. */
    public boolean hostAddressed() {
        return dhcp || egress;
    }

    /** The {@code @namespace/name} this spec still has to be resolved from, or empty for a concrete spec. */
    public Optional<String> reference() {
        return Optional.ofNullable(reference);
    }

    /** The shorthand that {@link #parse} reads back. */
    @Override
    public String toString() {
        if (reference != null) {
            return reference;
        }
        return name + (cidr == null ? "" : " cidr=" + cidr) + (egress ? "" : " egress=false") + (dhcp ? "" : " dhcp=false");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec other && name.equals(other.name) && Objects.equals(cidr, other.cidr)
                && egress == other.egress && dhcp == other.dhcp && Objects.equals(reference, other.reference);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, cidr, egress, dhcp, reference);
    }

    private void checkNotReference(String what) {
        if (reference != null) {
            throw new InvalidSpecException("cannot set " + what + " on network reference " + reference
                    + ": the saved spec defines it; declare a network of your own instead");
        }
    }

    /** Checks a network name; returns it. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidSpecException("invalid network name '" + name
                    + "': use 1-31 lowercase letters, digits and hyphens, starting with a letter, e.g. \"lan\"");
        }
        return name;
    }

    /**
     * Checks a CIDR is an IPv4 network address with prefix /24 outside the ranges no network may use
     * (loopback, link-local, multicast, {@code 0.0.0.0/8}, {@code 240.0.0.0/4} with broadcast, and the
     * control range {@code 100.64.0.0/10}); returns it normalized.
     */
    public static String checkCidr(String cidr) {
        var m = CIDR.matcher(cidr.trim());
        if (!m.matches()) {
            throw new InvalidSpecException("invalid CIDR '" + cidr + "': write an IPv4 /24 network, e.g. 10.10.1.0/24");
        }
        int[] q = new int[4];
        for (int i = 0; i < 4; i++) {
            q[i] = Integer.parseInt(m.group(i + 1));
            if (q[i] > 255) {
                throw new InvalidSpecException("invalid CIDR '" + cidr + "': " + q[i] + " is not an address byte");
            }
        }
        if (!m.group(5).equals("24")) {
            throw new InvalidSpecException("unsupported CIDR '" + cidr + "': only /24 networks are supported, e.g. "
                    + q[0] + "." + q[1] + "." + q[2] + ".0/24");
        }
        if (q[3] != 0) {
            throw new InvalidSpecException("CIDR '" + cidr + "' is not a network address: write " + q[0] + "." + q[1] + "." + q[2] + ".0/24");
        }
        int base = q[0] << 24 | q[1] << 16 | q[2] << 8;
        UnsafeRanges.problem(base).ifPresent(problem -> {
            throw new InvalidSpecException("unsafe CIDR '" + cidr + "': " + problem + ". Use a private range instead, e.g. "
                    + UnsafeRanges.SAFE_EXAMPLE + ", or omit cidr to have a free /24 allocated");
        });
        return q[0] + "." + q[1] + "." + q[2] + ".0/24";
    }
}
