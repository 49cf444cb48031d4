package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import sh.antrieb.Cluster;
import sh.antrieb.ExecResult;

/**
 * Real VMs: networks and NICs declared on the annotation reach the guests. node1 is on wan (DHCP) and lan
 * (no DHCP, no egress), in that order; node2 is on lan only. One cluster of two small nodes.
 */
@AntriebTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeclaredNetworksIT {
    @AntriebCluster(nodes = "debian12 x2", vcpus = 1, memoryMiB = 768,
            networks = {"wan", "lan cidr=10.10.9.0/24 egress=false dhcp=false"},
            nics = {"node1: wan lan", "node2: lan"})
    static Cluster cluster;

    @Test
    @Order(1)
    void node1HasEth0OnWanWithADhcpAddressAndEth1OnLanWithNone() {
        String wanIp = cluster.node("node1").address("wan");
        assertThat(wanIp).as("the platform's DHCP address of node1 on wan").isNotNull();
        assertThat(cluster.node("node1").address("lan")).as("lan has no DHCP").isNull();

        ExecResult eth0 = cluster.exec("node1", "ip -4 -o addr show dev eth0");
        assertThat(eth0).succeeded().stdoutContains("inet " + wanIp + "/24");
        ExecResult eth1 = cluster.exec("node1", "ip -o link show dev eth1 && ip -4 -o addr show dev eth1");
        assertThat(eth1).succeeded().stdoutContains("eth1:").stdoutDoesNotContain("inet ");
        assertThat(cluster.exec("node1", "ip -o link show dev eth2")).as("two NICs on declared networks only").failed();
    }

    @Test
    @Order(2)
    void node2HasNoAddressOnItsOnlyNicAndIsStillControlled() {
        assertThat(cluster.node("node2").addresses()).isEmpty();
        assertThat(cluster.exec("node2", "ip -o link show dev eth0 && ip -4 -o addr show dev eth0"))
                .succeeded().stdoutContains("eth0:").stdoutDoesNotContain("inet ");
        assertThat(cluster.exec("node2", "hostname")).succeeded().stdoutIsEqualTo("node2");
    }

    @Test
    @Order(3)
    void node1Eth1AndNode2Eth0ShareTheLan() {
        assertThat(cluster.exec("node1", "ip addr add 10.10.9.254/24 dev eth1")).succeeded();
        assertThat(cluster.exec("node2", "ip addr add 10.10.9.10/24 dev eth0")).succeeded();
        assertThat(cluster.exec("node2", "ping -c2 -W3 10.10.9.254")).succeeded();
    }
}
