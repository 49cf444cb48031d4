package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import sh.antrieb.Cluster;

/**
 * Real VMs, fixtures run through the JUnit Platform: a failing test's report holds the commands and the
 * console tail; a failing {@code @BeforeAll} still destroys the class cluster. One VM each.
 */
class FailureReportIT {
    static final List<String> CLUSTER_IDS = Collections.synchronizedList(new ArrayList<>());
    static final List<String> PROBE = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path reports;

    @AntriebTest
    @Kit.Fixture
    static class FailingTest {
        @SmallNode
        static Cluster cluster;

        @BeforeAll
        static void prepare() {
            CLUSTER_IDS.add(cluster.id());
            assertThat(cluster.exec("node1", "echo prepared > /root/state")).succeeded();
        }

        @Test
        void readsAFileThatIsNotThere() {
            cluster.exec("node1", "cat /root/state");
            assertThat(cluster.exec("node1", "cat /etc/antrieb-missing.conf")).succeeded();
        }
    }

    @AntriebTest
    @Kit.Fixture
    @Order(1)
    static class FailingBeforeAll {
        @SmallNode
        static Cluster cluster;

        @BeforeAll
        static void setUp() {
            CLUSTER_IDS.add(cluster.id());
            cluster.exec("node1", "uptime");
            throw new IllegalStateException("set-up went wrong");
        }

        @Test
        void neverRuns() {
        }
    }

    /** Runs after {@link FailingBeforeAll} in the same engine run, while the shared client is still open. */
    @Kit.Fixture
    @Order(2)
    static class Probe {
        @Test
        void clusterOfTheFailedClassIsGone() {
            String id = CLUSTER_IDS.get(0);
            PROBE.add("open=" + FailingBeforeAll.cluster.isOpen() + " domains=" + LibvirtDomains.ofCluster(id));
        }
    }

    @Test
    void failingTestReportHoldsTheCommandsAndTheConsoleTail() {
        CLUSTER_IDS.clear();
        EngineExecutionResults r = Kit.real().outputDir(reports).run(FailingTest.class);
        r.testEvents().assertStatistics(s -> s.failed(1));

        Throwable failure = Kit.failureOf(r, "readsAFileThatIsNotThere");
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting the command to succeed, but it exited with 1")
                .hasMessageContaining("cat /etc/antrieb-missing.conf")
                .hasMessageContaining("No such file or directory");
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(ClusterReport.class);
        assertThat(failure.getSuppressed()[0].getMessage())
                .contains("1 cluster in use", "3 commands, 1 failed", "last failed: node1 $ cat /etc/antrieb-missing.conf");

        List<FileEntry> files = Kit.files(r);
        assertThat(files).hasSize(1);
        String report = Kit.read(files.get(0));
        assertThat(report).contains(
                "cluster " + CLUSTER_IDS.get(0), "field FailingTest.cluster",
                "$ echo prepared > /root/state", "(during this test)", "$ cat /root/state", "| prepared",
                "$ cat /etc/antrieb-missing.conf", "node1  exit 1", "No such file or directory",
                "--- console of node1 (last ");
        String console = report.substring(report.indexOf("--- console of node1"));
        assertThat(console).doesNotContain("(console log unavailable", "(empty)");
        assertThat(console.lines().filter(l -> l.startsWith("    | ")).count()).isPositive();

        assertThat(LibvirtDomains.ofCluster(CLUSTER_IDS.get(0))).isEmpty();
    }

    @Test
    void failingBeforeAllStillDestroysTheClassCluster() {
        CLUSTER_IDS.clear();
        PROBE.clear();
        EngineExecutionResults r = Kit.real().outputDir(reports)
                .parameter(ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME, ClassOrderer.OrderAnnotation.class.getName())
                .run(FailingBeforeAll.class, Probe.class);

        assertThat(Kit.failureOf(r, "FailingBeforeAll")).isInstanceOf(IllegalStateException.class)
                .hasMessage("set-up went wrong");
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0)); // only the probe ran
        assertThat(CLUSTER_IDS).hasSize(1);
        // destroyed when its class ended, not only when the whole run closed the client
        assertThat(PROBE).containsExactly("open=false domains=[]");
        assertThat(Kit.files(r)).singleElement().satisfies(f ->
                assertThat(Kit.read(f)).contains("phase:   @BeforeAll", "$ uptime"));
    }
}
