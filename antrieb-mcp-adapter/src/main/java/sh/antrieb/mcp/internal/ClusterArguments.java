package sh.antrieb.mcp.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.VmSize;
import sh.antrieb.mcp.AccountLimits;

/**
 * Turns provision's {@code cluster}, {@code networks} and {@code nics} arguments into a {@link ClusterSpec}
 * within an account's limits. Network references ({@code "@namespace/name"}) stay references here; the
 * account's namespace rules apply when core resolves them ({@link sh.antrieb.ProvisionOptions#namespace}).
 * Core checks the topology and the node limit ({@link ClusterSpec.Builder#build()},
 * {@link ClusterSpec#checkNodeLimit}); this class only says the problems whose core wording is Java API in the
 * tool's words, chosen on their code and subject.
 */
public final class ClusterArguments {
    private static final Set<String> NETWORK_FIELDS = Set.of("name", "cidr", "egress", "dhcp");

    private ClusterArguments() {
    }

    /** The spec for {@code cluster} alone: the default network. */
    public static ClusterSpec toSpec(Object cluster, AccountLimits limits, VmSize vmSize) {
        return toSpec(cluster, null, null, limits, vmSize);
    }

    /**
     * The spec for {@code cluster}: entries are shorthand strings ({@code "debian12 x3"}) or objects
     * {@code {image, count}}, nodes named in list order. {@code networks} is null or a list of objects
     * {@code {name, cidr?, egress?, dhcp?}} and strings {@code "@namespace/name"}; {@code nics} is null or an
     * object mapping {@code nodeN} to its NICs in order, {@code [{"net": "wan"}, {"net": "lan"}]}. The
     * account's TTL applies.
     *
     * @param vmSize size of every VM, or null for the client's default
     * @throws InvalidSpecException   for a malformed entry or topology
     * @throws LimitExceededException for more nodes than the account may have
     */
    public static ClusterSpec toSpec(Object cluster, Object networks, Object nics, AccountLimits limits, VmSize vmSize) {
        if (!(cluster instanceof List<?> entries) || entries.isEmpty()) {
            throw new InvalidSpecException("cluster must be a non-empty list, e.g. [\"debian12\"] or [\"debian12 x3\"] or [{\"image\": \"debian12\", \"count\": 2}]");
        }
        ClusterSpec.Builder b = ClusterSpec.builder();
        for (Object entry : entries) {
            b.node(group(entry));
        }
        List<NetworkSpec> declared = networks(networks);
        declared.forEach(b::network);
        nics(nics).forEach(b::nics);
        ClusterSpec spec;
        try {
            spec = b.ttl(limits.ttl()).vmSize(vmSize).build();
        } catch (InvalidSpecException e) {
            throw inToolWords(e, declared);
        }
        try {
            spec.checkNodeLimit(limits.maxNodes());
        } catch (LimitExceededException e) {
            throw inToolWords(e, spec, limits);
        }
        return spec;
    }

    /**
     * Core's topology problems whose wording is Java API, said in the tool's words (chosen on the code and the
     * subject, never the text); the others are worded for any caller and pass as they are.
     */
    private static InvalidSpecException inToolWords(InvalidSpecException e, List<NetworkSpec> declared) {
        if (e.code() != ErrorCode.INCOMPLETE_SPEC) {
            return e;
        }
        AntriebException.Subject missing = e.subject();
        if ("networks".equals(missing.field())) {
            return new InvalidSpecException(e.code(), missing, "nics given but no networks declared: declare them, e.g. "
                    + "\"networks\": [{\"name\": \"lan\"}], or drop nics to get the default network");
        }
        if ("nics".equals(missing.field()) && missing.node() != null && !declared.isEmpty()) {
            return new InvalidSpecException(e.code(), missing, "with networks declared every node lists its NICs in nics, and "
                    + missing.node() + " has none: add e.g. \"nics\": {\"" + missing.node() + "\": [{\"net\": \""
                    + declared.get(0).name() + "\"}]} (declared networks: " + declared.stream().map(NetworkSpec::name).toList() + ")");
        }
        return e;
    }

    private static LimitExceededException inToolWords(LimitExceededException e, ClusterSpec spec, AccountLimits limits) {
        if ("controllers".equals(e.subject().field())) {
            return new LimitExceededException(e.code(), e.subject(), "a cluster may have one controller node, the request has "
                    + spec.controllerCount() + "; make the others ordinary nodes");
        }
        if ("nodes".equals(e.subject().field())) {
            return new LimitExceededException(e.code(), e.subject(), "too many nodes: " + spec.nodeCount() + " requested, at most "
                    + limits.maxNodes() + " per cluster plus one controller node (an image ending in -controller). "
                    + "Drop nodes or split the work across clusters.");
        }
        return e;
    }

    private static List<NetworkSpec> networks(Object networks) {
        if (networks == null) {
            return List.of();
        }
        if (!(networks instanceof List<?> entries)) {
            throw new InvalidSpecException("networks must be a list, e.g. [{\"name\": \"wan\"}, {\"name\": \"lan\", \"egress\": false}] "
                    + "or [\"@<namespace>/<name>\"] for a saved network spec");
        }
        List<NetworkSpec> out = new ArrayList<>();
        for (Object entry : entries) {
            out.add(network(entry));
        }
        return out;
    }

    private static NetworkSpec network(Object entry) {
        if (entry instanceof String s) {
            if (!s.startsWith("@")) {
                throw new InvalidSpecException("network '" + s + "': a string names a saved network spec as \"@<namespace>/<name>\"; "
                        + "declare a network of your own as an object, e.g. {\"name\": \"" + s.trim() + "\", \"egress\": false}");
            }
            return NetworkSpec.reference(s);
        }
        if (!(entry instanceof Map<?, ?> m)) {
            throw new InvalidSpecException("a networks entry is an object {\"name\": \"lan\", \"cidr\": \"10.10.1.0/24\", \"egress\": false, "
                    + "\"dhcp\": false} (only name is required) or a string \"@<namespace>/<name>\", not " + describe(entry));
        }
        if (!(m.get("name") instanceof String name)) {
            throw new InvalidSpecException("a network object needs a name, e.g. {\"name\": \"lan\"}; nics refer to networks by it");
        }
        for (Object key : m.keySet()) {
            if (!NETWORK_FIELDS.contains(String.valueOf(key))) {
                throw new InvalidSpecException("unknown field '" + key + "' of network '" + name + "': the fields are name, cidr, egress and dhcp");
            }
        }
        NetworkSpec spec = NetworkSpec.named(name);
        if (m.get("cidr") != null) {
            if (!(m.get("cidr") instanceof String cidr)) {
                throw new InvalidSpecException("cidr of network '" + name + "' must be a string like \"10.10.1.0/24\", was " + m.get("cidr"));
            }
            spec = spec.cidr(cidr);
        }
        if (m.get("egress") != null) {
            spec = spec.egress(bool(m.get("egress"), "egress", name));
        }
        if (m.get("dhcp") != null) {
            spec = spec.dhcp(bool(m.get("dhcp"), "dhcp", name));
        }
        return spec;
    }

    private static boolean bool(Object value, String field, String network) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new InvalidSpecException(field + " of network '" + network + "' must be true or false, was " + describe(value));
    }

    private static Map<String, List<String>> nics(Object nics) {
        if (nics == null) {
            return Map.of();
        }
        if (!(nics instanceof Map<?, ?> m)) {
            throw new InvalidSpecException("nics must be an object mapping node names to NIC lists, e.g. "
                    + "{\"node1\": [{\"net\": \"wan\"}, {\"net\": \"lan\"}], \"node2\": [{\"net\": \"lan\"}]}");
        }
        // In node order (JSON objects have none), so that logs and messages read node1, node2, ...
        Map<String, List<String>> out = new TreeMap<>(Comparator.comparingInt((String k) -> k.matches("node[0-9]{1,9}")
                ? Integer.parseInt(k.substring(4)) : Integer.MAX_VALUE).thenComparing(Comparator.naturalOrder()));
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String node = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof List<?> list)) {
                throw new InvalidSpecException("nics of " + node + " must be a list in NIC order (eth0 first), e.g. "
                        + "[{\"net\": \"wan\"}, {\"net\": \"lan\"}], not " + describe(e.getValue()));
            }
            List<String> names = new ArrayList<>();
            for (Object nic : list) {
                if (!(nic instanceof Map<?, ?> n) || !(n.get("net") instanceof String net) || n.size() != 1) {
                    throw new InvalidSpecException("a NIC of " + node + " is an object naming its network, {\"net\": \"lan\"}, not "
                            + describe(nic));
                }
                names.add(net);
            }
            out.put(node, names);
        }
        return out;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static NodeSpec group(Object entry) {
        if (entry instanceof String s) {
            return NodeSpec.parse(s);
        }
        if (entry instanceof Map<?, ?> m) {
            if (!(m.get("image") instanceof String image)) {
                throw new InvalidSpecException("a cluster entry object needs an image, e.g. {\"image\": \"debian12\", \"count\": 2}");
            }
            Object count = m.get("count");
            int n;
            if (count == null) {
                n = 1;
            } else if (count instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
                n = (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, num.longValue()));
            } else {
                throw new InvalidSpecException("count of image '" + image + "' must be a whole number, was " + count);
            }
            return NodeSpec.of(image, n);
        }
        throw new InvalidSpecException("a cluster entry is a shorthand string like \"debian12 x2\" or an object {\"image\": \"debian12\", \"count\": 2}, not "
                + (entry == null ? "null" : entry.getClass().getSimpleName()));
    }
}
