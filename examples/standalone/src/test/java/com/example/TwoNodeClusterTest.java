package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import org.junit.jupiter.api.Test;

import sh.antrieb.Cluster;
import sh.antrieb.junit.AntriebCluster;
import sh.antrieb.junit.AntriebTest;

/** One real two-node cluster for the class, torn down when the class ends. */
@AntriebTest
class TwoNodeClusterTest {
    @AntriebCluster(nodes = "debian12 x2", vcpus = 1, memoryMiB = 768)
    static Cluster cluster;

    @Test
    void nodesReachEachOtherByNameOverSsh() {
        assertThat(cluster.exec("node1", "ssh node2 hostname")).succeeded().stdoutContains("node2");
        assertThat(cluster.exec("node2", "echo $NODE_NAME")).succeeded().stdoutContains("node2");
    }

    @Test
    void theJUnitThatRunsIsThisProjectsOwn() {
        // antrieb-junit passes no JUnit on: the junit-bom of this project decides.
        assertEquals(System.getProperty("expected.junit.version"), Test.class.getPackage().getImplementationVersion());
    }
}
