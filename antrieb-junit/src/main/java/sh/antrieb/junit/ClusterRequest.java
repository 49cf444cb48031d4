package sh.antrieb.junit;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ModifierSupport;
import org.junit.platform.commons.support.ReflectionSupport;

import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
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
            throw new ExtensionConfigurationException("@AntriebCluster on " + target + ": " + e.getMessage(), e);
        }
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
            builder = fromFactory(a.spec().trim()).newBuilder();
        } else {
            builder = ClusterSpec.builder().nodes(a.nodes().length == 0 ? new String[] {DEFAULT_NODES} : a.nodes());
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
