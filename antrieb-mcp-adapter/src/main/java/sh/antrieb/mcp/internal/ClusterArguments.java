package sh.antrieb.mcp.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import sh.antrieb.ClusterSpec;
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
 * Core checks the topology (unknown networks or nodes, duplicates, NIC counts); the two checks whose core
 * wording is Java API are made here first, in the tool's words.
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
        int nodeCount = 0;
        for (Object entry : entries) {
            NodeSpec group = group(entry);
            nodeCount += group.count();
            b.node(group);
        }
        List<NetworkSpec> declared = networks(networks);
        Map<String, List<String>> nicLists = nics(nics);
        checkTopology(declared, nicLists, nodeCount);
        declared.forEach(b::network);
        nicLists.forEach(b::nics);
        ClusterSpec spec = b.ttl(limits.ttl()).vmSize(vmSize).build();
        int controllers = spec.controllerCount();
        if (controllers > 1) {
            throw new LimitExceededException("a cluster may have one controller node, the request has " + controllers
                    + "; make the others ordinary nodes");
        }
        int ordinary = spec.nodeCount() - controllers;
        if (ordinary > limits.maxNodes()) {
            throw new LimitExceededException("too many nodes: " + spec.nodeCount() + " requested, at most " + limits.maxNodes()
                    + " per cluster plus one controller node (an image ending in -controller). Drop nodes or split the work across clusters.");
        }
        return spec;
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

    /** The topology mistakes whose core wording is Java API, said in the tool's words. */
    private static void checkTopology(List<NetworkSpec> networks, Map<String, List<String>> nics, int nodeCount) {
        if (networks.isEmpty()) {
            if (!nics.isEmpty()) {
                throw new InvalidSpecException("nics given for " + nics.keySet() + " but no networks declared: declare them, e.g. "
                        + "\"networks\": [{\"name\": \"lan\"}], or drop nics to get the default network");
            }
            return;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            if (!nics.containsKey("node" + i)) {
                missing.add("node" + i);
            }
        }
        if (!missing.isEmpty()) {
            String first = networks.get(0).name();
            throw new InvalidSpecException("with networks declared every node lists its NICs in nics, and " + String.join(", ", missing)
                    + (missing.size() == 1 ? " has" : " have") + " none: add e.g. \"nics\": {\"" + missing.get(0) + "\": [{\"net\": \""
                    + first + "\"}]} (declared networks: " + networks.stream().map(NetworkSpec::name).toList() + ")");
        }
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
