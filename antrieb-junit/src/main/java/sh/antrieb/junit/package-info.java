/**
 * JUnit Jupiter support for Antrieb: {@link sh.antrieb.junit.AntriebCluster} injects disposable clusters
 * of real VMs into test classes and methods and always tears them down;
 * {@link sh.antrieb.junit.AntriebAssertions} adds AssertJ assertions for what commands did.
 *
 * <pre>{@code
 * @AntriebTest
 * class NginxTest {
 *     @AntriebCluster(nodes = "debian12 x3", vcpus = 1, memoryMiB = 768)
 *     static Cluster cluster;
 *
 *     @Test
 *     void serves() {
 *         assertThat(cluster.exec("node1", "curl -s localhost")).succeeded().stdoutContains("node2");
 *     }
 * }
 * }</pre>
 */
package sh.antrieb.junit;
