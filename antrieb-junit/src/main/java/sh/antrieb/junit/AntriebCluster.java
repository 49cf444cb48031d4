package sh.antrieb.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects a freshly provisioned {@link sh.antrieb.Cluster} and destroys it when its scope ends, whether
 * the tests passed, failed or were aborted.
 *
 * <ul>
 *   <li>On a {@code static} field: one cluster for the test class, provisioned before its
 *       {@code @BeforeAll} methods and destroyed after its {@code @AfterAll} methods; {@code @Nested}
 *       classes see it too.</li>
 *   <li>On an instance field: a new cluster for every test method, provisioned before its
 *       {@code @BeforeEach} methods and destroyed after its {@code @AfterEach} methods.</li>
 *   <li>On a parameter of a test method, a lifecycle method or a constructor: a new cluster for that
 *       parameter, living as long as the method's scope (the test for test and {@code @BeforeEach}
 *       methods, the class for {@code @BeforeAll} methods).</li>
 * </ul>
 *
 * <p>The topology is either given here ({@link #nodes()}, {@link #ttlSeconds()}, {@link #vcpus()},
 * {@link #memoryMiB()}, {@link #diskGiB()}), or built by a static factory method named by
 * {@link #spec()} for topologies an annotation cannot express. Without either, the cluster is one
 * {@code debian12} node.
 *
 * <pre>{@code
 * @AntriebCluster(nodes = "debian12 x3", vcpus = 1, memoryMiB = 768, ttlSeconds = 600)
 * static Cluster cluster;
 *
 * @AntriebCluster(spec = "routerTopology")
 * Cluster router;
 *
 * static ClusterSpec routerTopology() {
 *     return ClusterSpec.builder().nodes("debian12 x2").ttl(Duration.ofMinutes(5)).build();
 * }
 *
 * @Test
 * void scratch(@AntriebCluster Cluster scratch) { ... }
 * }</pre>
 *
 * <p>The annotation registers {@link AntriebExtension} itself; {@link AntriebTest} on the class is
 * optional unless its options are needed. It may also be used as a meta-annotation to name a topology
 * once and reuse it.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(AntriebExtension.class)
public @interface AntriebCluster {

    /**
     * The node groups in shorthand, in order: {@code "debian12 x3"} is three nodes, {@code {"debian12",
     * "my-nginx x2"}} names node1 after the first group and node2..3 after the second. Empty (and no
     * {@link #spec()}) means one {@code debian12} node.
     *
     * @return node groups in shorthand
     */
    String[] nodes() default {};

    /**
     * The name of a static, parameterless method returning {@link sh.antrieb.ClusterSpec}, for
     * topologies an annotation cannot express. It is looked up in the test class, its superclasses and,
     * for {@code @Nested} classes, the enclosing classes; {@code "com.example.Topologies#router"} names a
     * method of another class. Not combinable with {@link #nodes()}; the TTL and size attributes, when
     * set, override the returned spec's.
     *
     * @return factory method name, or empty
     */
    String spec() default "";

    /**
     * Time to live in seconds; the cluster is destroyed when it passes even if the JVM dies. {@code 0}
     * means the client's default (10 minutes).
     *
     * @return TTL in seconds, or 0 for the default
     */
    long ttlSeconds() default 0;

    /**
     * Virtual CPUs of every node; {@code 0} means the default of {@link sh.antrieb.VmSize#DEFAULT}
     * when another size attribute is set, or the client's default size otherwise.
     *
     * @return vCPUs, or 0 for the default
     */
    int vcpus() default 0;

    /**
     * Memory of every node in MiB; {@code 0} means the default (see {@link #vcpus()}).
     *
     * @return memory in MiB, or 0 for the default
     */
    int memoryMiB() default 0;

    /**
     * Root disk of every node in GiB; {@code 0} means the default (see {@link #vcpus()}).
     *
     * @return disk in GiB, or 0 for the default
     */
    int diskGiB() default 0;
}
