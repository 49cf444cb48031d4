package sh.antrieb.mcp.internal;

import java.util.List;
import java.util.Map;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NodeSpec;
import sh.antrieb.VmSize;
import sh.antrieb.mcp.AccountLimits;

/** Turns provision's {@code cluster} argument into a {@link ClusterSpec} within an account's limits. */
public final class ClusterArguments {
    private ClusterArguments() {
    }

    /**
     * The spec for {@code cluster}: entries are shorthand strings ({@code "debian12 x3"}) or objects
     * {@code {image, count}}, nodes named in list order. The account's TTL applies.
     *
     * @param vmSize size of every VM, or null for the client's default
     * @throws InvalidSpecException   for a malformed entry
     * @throws LimitExceededException for more nodes than the account may have
     */
    public static ClusterSpec toSpec(Object cluster, AccountLimits limits, VmSize vmSize) {
        if (!(cluster instanceof List<?> entries) || entries.isEmpty()) {
            throw new InvalidSpecException("cluster must be a non-empty list, e.g. [\"debian12\"] or [\"debian12 x3\"] or [{\"image\": \"debian12\", \"count\": 2}]");
        }
        ClusterSpec.Builder b = ClusterSpec.builder();
        for (Object entry : entries) {
            b.node(group(entry));
        }
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
