package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import sh.antrieb.Cluster;

/**
 * Real VMs: a class cluster shared by two tests, and a parameter cluster that exists for one test only.
 * Two VMs in all.
 */
@AntriebTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScopesIT {
    @SmallNode
    static Cluster cluster;

    private static String firstId;
    private static Cluster scratchSeen;

    @Test
    @Order(1)
    void firstTestLeavesStateOnTheClassCluster() {
        firstId = cluster.id();
        assertThat(cluster.exec("node1", "echo from-first-test > /root/mark && hostname")).succeeded().stdoutIsEqualTo("node1");
        assertThat(LibvirtDomains.ofCluster(cluster.id())).hasSize(1);
    }

    @Test
    @Order(2)
    void secondTestGetsTheSameCluster() {
        assertThat(cluster.id()).isEqualTo(firstId);
        assertThat(cluster.exec("node1", "cat /root/mark")).succeeded().stdoutIsEqualTo("from-first-test");
    }

    @Test
    @Order(3)
    void parameterClusterIsFreshAndOnlyForThisTest(@SmallNode Cluster scratch) {
        scratchSeen = scratch;
        assertThat(scratch.id()).isNotEqualTo(cluster.id());
        assertThat(scratch.exec("node1", "cat /root/mark")).failed().stderrContains("No such file");
        assertThat(cluster.isOpen()).isTrue();
    }

    @AfterAll
    static void parameterClusterIsGoneClassClusterNotYet() {
        assertThat(scratchSeen).as("the parameter test ran").isNotNull();
        assertThat(scratchSeen.isOpen()).isFalse();
        assertThat(LibvirtDomains.ofCluster(scratchSeen.id())).isEmpty();
        assertThat(cluster.isOpen()).isTrue(); // destroyed after this method, when the class scope ends
    }
}
