package sh.antrieb.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses Antrieb clusters and registers {@link AntriebExtension} for it, the way
 * Testcontainers' {@code @Testcontainers} does. Fields and parameters annotated with
 * {@link AntriebCluster} then receive freshly provisioned clusters that are always torn down.
 *
 * <pre>{@code
 * @AntriebTest
 * class FirewallTest {
 *     @AntriebCluster(nodes = "debian12 x2", vcpus = 1, memoryMiB = 768)
 *     static Cluster cluster;                 // one cluster for the whole class
 *
 *     @Test
 *     void node2IsReachable() {
 *         assertThat(cluster.exec("node1", "ping -c1 node2")).succeeded();
 *     }
 * }
 * }</pre>
 *
 * <p>{@code @AntriebCluster} registers the extension on its own as well; this annotation is where the
 * class-wide options live.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AntriebExtension.class)
public @interface AntriebTest {

    /**
     * Whether to skip (disable) the tests instead of failing them when this host cannot run VMs: libvirt
     * is missing or unreachable, or the guest image cannot be built. Off by default: a test that did not
     * run is not a test that passed, so a host that is not set up fails loudly with the set-up step.
     * Mirrors Testcontainers' {@code @Testcontainers(disabledWithoutDocker = true)}.
     *
     * @return {@code true} to skip the tests on a host without virtualization
     */
    boolean disabledWithoutVirtualization() default false;
}
