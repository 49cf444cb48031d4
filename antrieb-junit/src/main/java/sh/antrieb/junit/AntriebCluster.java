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
 * <p>The topology is either given here ({@link #nodes()}, {@link #networks()}, {@link #nics()},
 * {@link #ttlSeconds()}, {@link #vcpus()}, {@link #memoryMiB()}, {@link #diskGiB()}), or built by a static
 * factory method named by {@link #spec()} for topologies an annotation cannot express. Without either, the
 * cluster is one {@code debian12} node on the default network.
 *
 * <pre>{@code
 * @AntriebCluster(nodes = "debian12 x3", vcpus = 1, memoryMiB = 768, ttlSeconds = 600)
 * static Cluster cluster;
 *
 * @AntriebCluster(nodes = "debian12 x2",
 *         networks = {"wan", "lan cidr=10.10.1.0/24 egress=false dhcp=false"},
 *         nics = {"node1: wan lan", "node2: lan"})      // node1: eth0 on wan, eth1 on lan
 * static Cluster routed;
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
 * <p>Errors name the annotated field or parameter ({@code @AntriebCluster on field FooIT.cluster: ...}): a
 * malformed entry before anything is provisioned, and what provisioning refuses (an unknown image, a saved
 * network that does not exist, a limit) as an
 * {@link org.junit.jupiter.api.extension.ExtensionConfigurationException} with core's exception as its
 * cause; a node that never answers stays a {@link sh.antrieb.ProvisionException}.
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
     * The declared networks, each in the form {@link sh.antrieb.NetworkSpec#parse} reads:
     * {@code "<name> [cidr=a.b.c.0/24] [egress=false] [dhcp=false]"} (options default to an allocated /24,
     * egress through the port allowlist, and DHCP), or {@code "@namespace/name"} for a saved network spec,
     * called {@code name} in {@link #nics()}. Empty means one default network with a NIC on every node.
     * With networks declared, {@link #nics()} must give every node its NICs.
     *
     * <pre>{@code
     * networks = {"wan", "lan cidr=10.10.1.0/24 egress=false dhcp=false", "@myteam/isolated-lan"}
     * }</pre>
     *
     * @return network specs in shorthand
     */
    String[] networks() default {};

    /**
     * The NICs of every node, one entry per node: {@code "<node>: <network> [<network> ...]"}. The order
     * is the order inside the guest: {@code "node1: wan lan"} gives node1 {@code eth0} on {@code wan} and
     * {@code eth1} on {@code lan}. Every network named must be in {@link #networks()}. Exec works on every
     * node whatever its NICs: control goes over a separate network.
     *
     * <pre>{@code
     * nics = {"node1: wan lan", "node2: lan"}
     * }</pre>
     *
     * @return one entry per node, NICs in order
     */
    String[] nics() default {};

    /**
     * The name of a static, parameterless method returning {@link sh.antrieb.ClusterSpec}, for
     * topologies an annotation cannot express. It is looked up in the test class, its superclasses and,
     * for {@code @Nested} classes, the enclosing classes; {@code "com.example.Topologies#router"} names a
     * method of another class. Not combinable with {@link #nodes()}, {@link #networks()} or
     * {@link #nics()}; the TTL and size attributes, when set, override the returned spec's.
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
