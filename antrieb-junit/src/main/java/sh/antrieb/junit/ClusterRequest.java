package sh.antrieb.junit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import sh.antrieb.AntriebException;
import sh.antrieb.CatalogException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.ProvisionException;
import sh.antrieb.VmSize;

/**
 * Turns one {@link AntriebCluster} annotation into the {@link ClusterSpec} to provision. Kept apart from
 * the extension so that the rules (defaults, overrides, factory look-up) are testable without VMs.
 *
 * @param annotation the annotation
 * @param testClass  the class whose factory methods {@link AntriebCluster#spec()} may name
 * @param target     what carries the annotation, e.g. {@code field FooTest.cluster}, for messages
 */
record ClusterRequest(AntriebCluster annotation, Class<?> testClass, String target) {
    /** The node shorthand of a cluster whose annotation names no topology. */
    static final String DEFAULT_NODES = "debian12";

    /** The form of one {@link AntriebCluster#networks()} entry, for messages. */
    static final String NETWORK_FORM = "\"<name> [cidr=a.b.c.0/24] [egress=false] [dhcp=false]\" or \"@<namespace>/<name>\","
            + " e.g. \"lan cidr=10.10.1.0/24 egress=false dhcp=false\"";

    /** The form of one {@link AntriebCluster#nics()} entry, for messages. */
    static final String NIC_FORM = "\"<node>: <network> [<network> ...]\" (eth0, eth1, ... in that order), e.g. \"node1: wan lan\"";

    private static final Pattern NODE_NAME = Pattern.compile("node([1-9][0-9]{0,3})");

    /**
     * The spec this annotation asks for.
     *
     * @throws ExtensionConfigurationException naming the annotated element and the problem when the
     *                                         annotation is inconsistent or the spec invalid
     */
    ClusterSpec toSpec() {
        try {
            return build();
        } catch (AntriebException | IllegalArgumentException e) {
            throw new ExtensionConfigurationException(about(e.getMessage()), e);
        }
    }

    /**
     * The failure to report when provisioning this request's cluster failed with {@code failure}: the same
     * failure naming the annotated element, with {@code failure} as its cause.
     * <ul>
     *   <li>What the annotation asks for and the host refuses (an unknown image, a saved network that does not
     *       exist, more nodes or a longer TTL than allowed) is an {@link ExtensionConfigurationException}, like
     *       the annotation's own mistakes;</li>
     *   <li>a cluster that could not be made is the same type again: {@link ProvisionException} (a node never
     *       answered; console tails kept) and {@link LimitExceededException} for the cap on concurrent clusters,
     *       which also names the JUnit parameter that raises it; anything else an {@link AntriebException}.</li>
     * </ul>
     */
    RuntimeException provisionFailure(AntriebException failure) {
        String message = about(failure.getMessage());
        if (failure instanceof ProvisionException p) {
            return new ProvisionException(message, p.consoleTails(), p);
        }
        if (failure.code() == ErrorCode.CONCURRENT_CLUSTERS) {
            // Core's advice names its builder, which a JUnit user does not call.
            return new LimitExceededException(message + ". In JUnit tests that limit is the configuration parameter "
                    + SharedClient.MAX_CLUSTERS_PARAMETER + " (e.g. -D" + SharedClient.MAX_CLUSTERS_PARAMETER + "=4); "
                    + "it must be at least the number of clusters one test holds at once", failure);
        }
        if (failure instanceof InvalidSpecException || failure instanceof CatalogException || failure instanceof LimitExceededException) {
            return new ExtensionConfigurationException(message, failure);
        }
        return new AntriebException(failure.code(), failure.subject(), message, failure);
    }

    /** {@code problem} said of the annotated element, e.g. {@code @AntriebCluster on field FooTest.cluster: ...}. */
    private String about(String problem) {
        return "@AntriebCluster on " + target + ": " + problem;
    }

    private ClusterSpec build() {
        AntriebCluster a = annotation;
        if (a.ttlSeconds() < 0 || a.vcpus() < 0 || a.memoryMiB() < 0 || a.diskGiB() < 0) {
            throw new IllegalArgumentException("ttlSeconds, vcpus, memoryMiB and diskGiB must not be negative (0 means the default)");
        }
        ClusterSpec.Builder builder;
        if (!a.spec().isBlank()) {
            if (a.nodes().length > 0) {
                throw new IllegalArgumentException("set either nodes or spec, not both");
            }
            if (a.networks().length > 0 || a.nics().length > 0) {
                // Merging would leave it unclear whose networks win; the factory can say it all.
                throw new IllegalArgumentException("set either networks/nics or spec, not both: declare the networks in the"
                        + " spec method instead, with .network(\"lan egress=false\") and .nics(\"node1\", \"lan\")");
            }
            builder = fromFactory(a.spec().trim()).newBuilder();
        } else {
            builder = ClusterSpec.builder().nodes(a.nodes().length == 0 ? new String[] {DEFAULT_NODES} : a.nodes());
            addNetworks(builder, builder.build().nodeCount());
        }
        if (a.ttlSeconds() > 0) {
            builder.ttl(Duration.ofSeconds(a.ttlSeconds()));
        }
        if (a.vcpus() > 0 || a.memoryMiB() > 0 || a.diskGiB() > 0) {
            builder.vmSize(new VmSize(
                    a.vcpus() > 0 ? a.vcpus() : VmSize.DEFAULT.vcpus(),
                    a.memoryMiB() > 0 ? a.memoryMiB() : VmSize.DEFAULT.memoryMiB(),
                    a.diskGiB() > 0 ? a.diskGiB() : VmSize.DEFAULT.diskGiB()));
        }
        return builder.build();
    }

    /**
     * Adds the declared networks and NICs. Checked here rather than only by {@link ClusterSpec.Builder#build()}
     * so that a message quotes the entry at fault and the annotation's own syntax, not the builder's.
     */
    private void addNetworks(ClusterSpec.Builder builder, int nodeCount) {
        AntriebCluster a = annotation;
        if (a.networks().length == 0) {
            if (a.nics().length > 0) {
                throw new IllegalArgumentException("nics given but no networks declared: declare the networks the NICs"
                        + " attach to, e.g. networks = {\"wan\", \"lan egress=false\"}, or drop nics to use the default network");
            }
            return;
        }
        Map<String, String> entryOfNetwork = new LinkedHashMap<>();
        for (String entry : a.networks()) {
            NetworkSpec network;
            try {
                network = NetworkSpec.parse(entry);
            } catch (InvalidSpecException e) {
                throw new IllegalArgumentException("networks entry \"" + entry + "\": " + e.getMessage()
                        + "; each entry is " + NETWORK_FORM, e);
            }
            String earlier = entryOfNetwork.putIfAbsent(network.name(), entry);
            if (earlier != null) {
                throw new IllegalArgumentException("networks entries \"" + earlier + "\" and \"" + entry
                        + "\" both declare network '" + network.name() + "': network names must be unique in a cluster");
            }
            builder.network(network);
        }
        List<String> declared = List.copyOf(entryOfNetwork.keySet());
        Map<String, String> entryOfNode = new LinkedHashMap<>();
        for (String entry : a.nics()) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("nics entry \"" + entry + "\" has no colon after the node name;"
                        + " each entry is " + NIC_FORM);
            }
            String node = entry.substring(0, colon).trim();
            Matcher m = NODE_NAME.matcher(node);
            if (!m.matches() || Integer.parseInt(m.group(1)) > nodeCount) {
                throw new IllegalArgumentException("nics entry \"" + entry + "\" is for '" + node + "', which is not a node of"
                        + " this cluster: its nodes are node1" + (nodeCount > 1 ? "..node" + nodeCount : "")
                        + "; each entry is " + NIC_FORM);
            }
            String list = entry.substring(colon + 1).trim();
            if (list.isEmpty()) {
                throw new IllegalArgumentException("nics entry \"" + entry + "\" lists no networks: give " + node
                        + " at least one of " + declared + "; each entry is " + NIC_FORM);
            }
            List<String> nets = List.of(list.split("[\\s,]+"));
            for (String net : nets) {
                if (!entryOfNetwork.containsKey(net)) {
                    throw new IllegalArgumentException("nics entry \"" + entry + "\" names network '" + net
                            + "', which is not declared in networks: the declared networks are " + declared);
                }
            }
            if (nets.size() > ClusterSpec.MAX_NICS_PER_NODE) {
                throw new IllegalArgumentException("nics entry \"" + entry + "\" gives " + node + " " + nets.size()
                        + " NICs; at most " + ClusterSpec.MAX_NICS_PER_NODE + " are supported");
            }
            String earlier = entryOfNode.putIfAbsent(node, entry);
            if (earlier != null) {
                throw new IllegalArgumentException("nics entries \"" + earlier + "\" and \"" + entry + "\" are both for "
                        + node + ": list all its NICs in one entry, in order, e.g. \"" + node + ": "
                        + String.join(" ", declared) + "\"");
            }
            builder.nics(node, nets);
        }
        for (int i = 1; i <= nodeCount; i++) {
            if (!entryOfNode.containsKey("node" + i)) {
                throw new IllegalArgumentException("node" + i + " has no nics entry: with networks declared, every node"
                        + " lists its NICs, e.g. nics = \"node" + i + ": " + declared.get(0) + "\"");
            }
        }
    }

    private ClusterSpec fromFactory(String name) {
        Method method = findFactory(name);
        if (!ModifierSupport.isStatic(method)) {
            throw new IllegalArgumentException("spec method " + describe(method) + " must be static");
        }
        if (!ClusterSpec.class.isAssignableFrom(method.getReturnType())) {
            throw new IllegalArgumentException("spec method " + describe(method) + " must return ClusterSpec, not "
                    + method.getReturnType().getSimpleName());
        }
        Object spec = ReflectionSupport.invokeMethod(method, null);
        if (spec == null) {
            throw new IllegalArgumentException("spec method " + describe(method) + " returned null");
        }
        return (ClusterSpec) spec;
    }

    private Method findFactory(String name) {
        int hash = name.indexOf('#');
        if (hash >= 0) {
            String className = name.substring(0, hash);
            String methodName = name.substring(hash + 1);
            Class<?> owner = ReflectionSupport.tryToLoadClass(className).toOptional().orElseThrow(() ->
                    new IllegalArgumentException("spec names class " + className + ", which cannot be loaded"));
            return ReflectionSupport.findMethod(owner, methodName).orElseThrow(() ->
                    new IllegalArgumentException("spec names " + name + ", but " + className
                            + " has no parameterless method " + methodName + "()"));
        }
        List<String> searched = new ArrayList<>();
        // The test class and its superclasses first, then the classes a @Nested class is enclosed in.
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<Method> m = ReflectionSupport.findMethod(c, name);
            if (m.isPresent()) {
                return m.get();
            }
            searched.add(c.getSimpleName());
        }
        throw new IllegalArgumentException("spec names method " + name + "(), but there is no parameterless method of"
                + " that name in " + String.join(", ", searched)
                + "; declare `static ClusterSpec " + name + "()` there, or write \"com.example.Class#" + name + "\"");
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
    }
}
