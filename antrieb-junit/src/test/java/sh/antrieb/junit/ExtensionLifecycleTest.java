package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EventType;

import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ErrorCode;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.ProvisionException;

/**
 * The extension's lifecycle, run through the JUnit Platform with an in-memory provisioner: which
 * scope each cluster lives in, that it is always destroyed, and what a failure report holds. The same
 * behaviour with real VMs is covered by the {@code *IT} classes.
 */
class ExtensionLifecycleTest {
    /** What fixture tests saw, e.g. the ids of the clusters they were given. */
    static final List<String> SEEN = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path reports;

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    // ---- fixtures ---------------------------------------------------------------------------------

    @AntriebTest
    @Kit.Fixture
    static class StaticFieldFixture {
        @AntriebCluster(nodes = "debian12 x2")
        static Cluster cluster;

        @Test
        void one() {
            SEEN.add(cluster.id());
            assertThat(cluster.nodes()).hasSize(2);
        }

        @Test
        void two() {
            SEEN.add(cluster.id());
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class InstanceFieldFixture {
        @AntriebCluster
        Cluster cluster;

        @Test
        void one() {
            SEEN.add(cluster.id());
        }

        @Test
        void two() {
            SEEN.add(cluster.id());
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class ParameterFixture {
        static Cluster fromBeforeAll;

        @BeforeAll
        static void setUp(@AntriebCluster Cluster cluster) {
            fromBeforeAll = cluster;
            SEEN.add("beforeAll " + cluster.id());
        }

        @BeforeEach
        void each(@AntriebCluster(nodes = "debian12 x2") Cluster cluster) {
            SEEN.add("beforeEach " + cluster.id() + " " + cluster.nodes().size());
        }

        @Test
        void test(@AntriebCluster(nodes = "debian12 x3") Cluster a, @AntriebCluster Cluster b) {
            SEEN.add("test " + a.id() + " " + a.nodes().size() + " " + b.id() + " " + b.nodes().size());
            assertThat(fromBeforeAll.isOpen()).isTrue();
        }

        @AfterAll
        static void tearDown() {
            SEEN.add("afterAll open=" + fromBeforeAll.isOpen());
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class NestedFixture {
        @AntriebCluster
        static Cluster outer;

        @Test
        void outerTest() {
            SEEN.add("outer " + outer.id());
        }

        @Nested
        class Inner {
            @AntriebCluster
            static Cluster inner;

            @Test
            void innerTest() {
                SEEN.add("inner " + outer.id() + " " + inner.id());
            }
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class FailingBeforeAllFixture {
        @AntriebCluster
        static Cluster cluster;

        @BeforeAll
        static void setUp() {
            SEEN.add(cluster.id());
            assertThat(cluster.exec("node1", "fail-setup")).succeeded();
        }

        @Test
        void neverRuns() {
            SEEN.add("ran");
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class FailingTestFixture {
        @AntriebCluster(nodes = "debian12 x2")
        static Cluster shared;

        @AntriebCluster
        Cluster perTest;

        @BeforeAll
        static void setUp() {
            shared.exec("node2", "apt-get install -y nginx");
        }

        @Test
        void fails(@AntriebCluster Cluster scratch) {
            SEEN.add(shared.id() + " " + perTest.id() + " " + scratch.id());
            shared.faults().partition("node1", "node2");
            perTest.exec("node1", "echo hello");
            assertThat(shared.exec("node1", "fail-curl http://node2/")).succeeded();
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class AbortedFixture {
        @AntriebCluster
        Cluster cluster;

        @Test
        void aborted() {
            SEEN.add(cluster.id());
            cluster.exec("node1", "fail-something");
            Assumptions.assumeTrue(false, "not today");
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class WrongTypeFixture {
        @AntriebCluster
        static Object cluster;

        @Test
        void test() {
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class MalformedNicsFixture {
        @AntriebCluster(nodes = "debian12 x2", networks = {"wan", "lan"}, nics = {"node1: wan lan", "node2 lan"})
        static Cluster routed;

        @Test
        void neverRuns() {
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class UnknownImageFixture {
        @AntriebCluster(nodes = {"debian12", "ubuntu24.04 x2"})
        static Cluster cluster;

        @Test
        void neverRuns() {
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class ProvisionFailuresFixture {
        @AntriebCluster
        static Cluster fine;

        @AntriebCluster(networks = "@team/isolated-lan", nics = "node1: isolated-lan")
        Cluster lab;

        @Test
        void missingNetwork() {
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class ParameterProvisionFailuresFixture {
        @Test
        void tooManyNodes(@AntriebCluster(nodes = "debian12 x5") Cluster big) {
        }

        @Test
        void neverBoots(@AntriebCluster(nodes = "never-boots") Cluster broken) {
        }

        @Test
        void overTheCap(@AntriebCluster(nodes = "over-the-cap") Cluster extra) {
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class WrongParameterTypeFixture {
        @Test
        void test(@AntriebCluster String cluster) {
        }
    }

    /** No {@code @AntriebTest}: the annotation on the fields registers the extension. */
    @Kit.Fixture
    static class WithoutClassAnnotationFixture {
        @AntriebCluster
        static Cluster shared;

        @AntriebCluster
        Cluster perTest;

        @Test
        void test(@AntriebCluster Cluster param) {
            SEEN.add(shared.id() + " " + perTest.id() + " " + param.id());
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class NoClustersFixture {
        @Test
        void test() {
        }
    }

    static final CyclicBarrier BOTH_CLASSES = new CyclicBarrier(2);

    @AntriebTest
    @Kit.Fixture
    static class ParallelA {
        @AntriebCluster
        static Cluster cluster;

        @Test
        void test() throws Exception {
            SEEN.add(cluster.id());
            BOTH_CLASSES.await(10, TimeUnit.SECONDS); // only passes when the other class runs at the same time
        }
    }

    @AntriebTest
    @Kit.Fixture
    static class ParallelB {
        @AntriebCluster
        static Cluster cluster;

        @Test
        void test() throws Exception {
            SEEN.add(cluster.id());
            BOTH_CLASSES.await(10, TimeUnit.SECONDS);
        }
    }

    // ---- tests ------------------------------------------------------------------------------------

    @Test
    void staticFieldIsOneClusterForTheClassDestroyedAfterIt() {
        EngineExecutionResults r = Kit.fake().run(StaticFieldFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SEEN).hasSize(2).containsOnly("fake1");
        assertThat(FakeProvisioner.events()).containsExactly("fake provisioner created", "provision fake1 [debian12 x2]", "close fake1", "fake provisioner closed");
    }

    @Test
    void instanceFieldIsOneClusterPerTestDestroyedAfterIt() {
        EngineExecutionResults r = Kit.fake().run(InstanceFieldFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).doesNotHaveDuplicates().hasSize(2);
        List<String> events = FakeProvisioner.events();
        assertThat(events).containsSubsequence("provision fake1 [debian12]", "close fake1", "provision fake2 [debian12]", "close fake2");
    }

    @Test
    void parametersLiveAsLongAsTheirMethodsScope() {
        EngineExecutionResults r = Kit.fake().run(ParameterFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).containsExactly("beforeAll fake1", "beforeEach fake2 2", "test fake3 3 fake4 1", "afterAll open=true");
        // test-scoped clusters go when the test ends, the @BeforeAll one when the class ends
        assertThat(FakeProvisioner.events()).containsSubsequence("provision fake4 [debian12]", "close fake4", "close fake1", "fake provisioner closed");
        assertThat(FakeProvisioner.events()).containsSubsequence("close fake2", "close fake1");
        assertThat(FakeProvisioner.events()).containsSubsequence("close fake3", "close fake1");
    }

    @Test
    void nestedClassesSeeTheOuterCluster() {
        EngineExecutionResults r = Kit.fake().run(NestedFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).containsExactlyInAnyOrder("outer fake1", "inner fake1 fake2");
        assertThat(FakeProvisioner.events()).containsSubsequence("provision fake2 [debian12]", "close fake2", "close fake1");
    }

    @Test
    void failingBeforeAllStillDestroysTheClusterAndReports() {
        EngineExecutionResults r = Kit.fake().outputDir(reports).run(FailingBeforeAllFixture.class);
        r.containerEvents().assertStatistics(s -> s.failed(1));
        assertThat(SEEN).containsExactly("fake1");
        assertThat(FakeProvisioner.events()).contains("close fake1");
        Throwable failure = Kit.failureOf(r, "FailingBeforeAllFixture");
        assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("Expecting the command to succeed");
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(ClusterReport.class);
        List<FileEntry> files = Kit.files(r);
        assertThat(files).singleElement().satisfies(f -> {
            assertThat(f.getPath().getFileName().toString()).isEqualTo("antrieb-report-BeforeAll.txt");
            assertThat(Kit.read(f)).contains("phase:   @BeforeAll", "fail-setup", "exit 1", "boom: fail-setup");
        });
    }

    @Test
    void failingTestGetsTheReportFileAndASummaryWhileItsFailureStaysPrimary() {
        EngineExecutionResults r = Kit.fake().outputDir(reports).run(FailingTestFixture.class);
        r.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(SEEN).containsExactly("fake1 fake2 fake3");

        Throwable failure = Kit.failureOf(r, "fails");
        // the test's own AssertionError, unchanged ...
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting the command to succeed, but it exited with 1")
                .hasMessageContaining("fail-curl http://node2/");
        // ... with the summary beneath it
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(ClusterReport.class);
        String summary = failure.getSuppressed()[0].getMessage();
        assertThat(summary).contains("3 clusters in use", "antrieb-report-test.txt",
                "cluster fake1 (field FailingTestFixture.shared): 2 commands, 1 failed\n    faults in force: partition node1 <-> node2\n",
                "last failed: node1 $ fail-curl http://node2/  -> exit 1",
                "stderr| boom: fail-curl http://node2/",
                "cluster fake2 (field FailingTestFixture.perTest): 1 command, 0 failed",
                "cluster fake3 (parameter scratch of FailingTestFixture.fails()): 0 commands");

        FileEntry file = Kit.files(r).get(0);
        assertThat(summary).contains(file.getPath().toAbsolutePath().toString());
        assertThat(file.getMediaType()).hasValueSatisfying(m -> assertThat(m.toString()).startsWith("text/plain"));
        String report = Kit.read(file);
        assertThat(report).contains(
                "test:    fails(Cluster)",
                "phase:   test",
                "failure: java.lang.AssertionError: Expecting the command to succeed",
                "cluster fake1  (field FailingTestFixture.shared)",
                "nodes:   node1 10.99.0.10 (debian12), node2 10.99.0.11 (debian12)",
                "faults:  partition node1 <-> node2\n",
                "(before this test: from @BeforeAll methods and earlier tests)",
                "node2  exit 0", "$ apt-get install -y nginx",
                "(during this test)",
                "node1  exit 1", "$ fail-curl http://node2/", "| boom: fail-curl http://node2/",
                "--- console of node1", "--- console of node2", "| Debian GNU/Linux 12 node2 ttyS0",
                "cluster fake2  (field FailingTestFixture.perTest)", "$ echo hello", "| ran echo hello on node1",
                "cluster fake3  (parameter scratch of FailingTestFixture.fails())");
        assertThat(report).contains("cluster fake2  (field FailingTestFixture.perTest)").containsOnlyOnce("faults:  partition")
                .contains("faults:  none in force");
        // the innermost scope comes first: the test's own clusters, then the class's
        assertThat(report.indexOf("cluster fake2")).isLessThan(report.indexOf("cluster fake1"));

        assertThat(r.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("antrieb.report")))
                .contains(file.getPath().toAbsolutePath().toString());
        assertThat(FakeProvisioner.events()).contains("close fake1", "close fake2", "close fake3");
    }

    @Test
    void withoutFilePublishingTheReportBecomesAReportEntry() {
        EngineExecutionResults r = Kit.fake().run(FailingTestFixture.class); // no output directory
        r.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(Kit.files(r)).isEmpty();
        assertThat(r.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("antrieb.report.text")))
                .anySatisfy(text -> assertThat(text).contains("fail-curl http://node2/", "--- console of node1"));
        assertThat(Kit.failureOf(r, "fails").getSuppressed()[0].getMessage()).contains("report entry antrieb.report.text");
    }

    @Test
    void abortedTestGetsNoReportButTheClusterIsDestroyed() {
        EngineExecutionResults r = Kit.fake().outputDir(reports).run(AbortedFixture.class);
        r.testEvents().assertStatistics(s -> s.aborted(1));
        assertThat(Kit.files(r)).isEmpty();
        assertThat(FakeProvisioner.events()).contains("close fake1");
    }

    @Test
    void wrongFieldTypeFailsTheClassWithAClearMessage() {
        assertFailsTheClassWithoutAnyCluster(WrongTypeFixture.class)
                .hasMessageContaining("field WrongTypeFixture.cluster").hasMessageContaining("must be of type sh.antrieb.Cluster");
    }

    @Test
    void malformedNicsFailTheClassBeforeItsClusterIsProvisioned() {
        assertFailsTheClassWithoutAnyCluster(MalformedNicsFixture.class)
                .hasMessageContaining("field MalformedNicsFixture.routed")
                .hasMessageContaining("nics entry \"node2 lan\" has no colon")
                .hasMessageContaining("e.g. \"node1: wan lan\"");
    }

    @Test
    void aStaticFieldWhoseClusterTheHostRefusesFailsTheClassNamingTheField() {
        assertFailsTheClassWithoutAnyCluster(UnknownImageFixture.class)
                .hasMessageStartingWith("@AntriebCluster on field UnknownImageFixture.cluster: unknown image 'ubuntu24.04': this host has [debian12")
                .cause().isInstanceOf(InvalidSpecException.class).hasMessageStartingWith("unknown image 'ubuntu24.04'");
    }

    /** Runs {@code fixture}, checks that none of its tests started and no cluster was made; its class failure, to check further. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertFailsTheClassWithoutAnyCluster(Class<?> fixture) {
        EngineExecutionResults r = Kit.fake().run(fixture);
        r.testEvents().assertStatistics(s -> s.started(0));
        assertThat(FakeProvisioner.events()).noneMatch(e -> e.startsWith("provision"));
        return assertThat(Kit.failureOf(r, fixture.getSimpleName())).isInstanceOf(ExtensionConfigurationException.class);
    }

    @Test
    void anInstanceFieldWhoseSavedNetworkIsMissingFailsTheTestNamingTheField() {
        EngineExecutionResults r = Kit.fake().run(ProvisionFailuresFixture.class);
        r.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(Kit.failureOf(r, "missingNetwork")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@AntriebCluster on field ProvisionFailuresFixture.lab: no saved network @team/isolated-lan: save it first")
                .cause().isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        // The class's own cluster was made and is gone with the class.
        assertThat(FakeProvisioner.events()).containsExactly("fake provisioner created", "provision fake1 [debian12]", "close fake1", "fake provisioner closed");
    }

    @Test
    void parametersWhoseClustersCannotBeMadeFailNamingTheParameterAndKeepTheCause() {
        EngineExecutionResults r = Kit.fake().run(ParameterProvisionFailuresFixture.class);
        r.testEvents().assertStatistics(s -> s.failed(3));

        // JUnit wraps what a parameter resolver throws; the extension's exception is its cause.
        Throwable tooMany = Kit.failureOf(r, "tooManyNodes").getCause();
        assertThat(tooMany).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@AntriebCluster on parameter big of ParameterProvisionFailuresFixture.tooManyNodes(): "
                        + "too many nodes: 5 requested, at most 4")
                .cause().isInstanceOf(LimitExceededException.class);

        Throwable boot = Kit.failureOf(r, "neverBoots").getCause();
        assertThat(boot).isInstanceOfSatisfying(ProvisionException.class, e -> assertThat(e.consoleTails()).containsKey("node1"))
                .hasMessageStartingWith("@AntriebCluster on parameter broken of ParameterProvisionFailuresFixture.neverBoots(): "
                        + "provisioning cluster fake0 failed: node1 did not answer SSH")
                .cause().isInstanceOf(ProvisionException.class);

        Throwable cap = Kit.failureOf(r, "overTheCap").getCause();
        assertThat(cap).isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("@AntriebCluster on parameter extra of ParameterProvisionFailuresFixture.overTheCap(): "
                        + "limit of 2 concurrent clusters reached")
                .hasMessageContaining("configuration parameter " + SharedClient.MAX_CLUSTERS_PARAMETER)
                .cause().isInstanceOf(LimitExceededException.class);
        assertThat(FakeProvisioner.events()).noneMatch(e -> e.startsWith("provision"));
    }

    @Test
    void wrongParameterTypeFailsTheTestWithAClearMessage() {
        EngineExecutionResults r = Kit.fake().run(WrongParameterTypeFixture.class);
        assertThat(Kit.failureOf(r, "test")).hasMessageContaining("parameter cluster of WrongParameterTypeFixture.test()")
                .hasMessageContaining("must be of type sh.antrieb.Cluster");
    }

    @Test
    void theFieldAnnotationAloneRegistersTheExtension() {
        EngineExecutionResults r = Kit.fake().run(WithoutClassAnnotationFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(SEEN).singleElement().asString().matches("fake\\d fake\\d fake\\d");
        assertThat(FakeProvisioner.events()).filteredOn(e -> e.startsWith("provision")).hasSize(3);
        assertThat(FakeProvisioner.events()).filteredOn(e -> e.startsWith("close")).hasSize(3);
    }

    @Test
    void theClientIsCreatedOnFirstUseOnlyAndOncePerRun() {
        Kit.fake().run(NoClustersFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertThat(FakeProvisioner.events()).isEmpty();

        Kit.fake().run(StaticFieldFixture.class, InstanceFieldFixture.class, NoClustersFixture.class)
                .testEvents().assertStatistics(s -> s.succeeded(5));
        assertThat(FakeProvisioner.events()).filteredOn("fake provisioner created"::equals).hasSize(1);
        assertThat(FakeProvisioner.events()).last().isEqualTo("fake provisioner closed");
    }

    @Test
    void parallelClassesEachGetTheirOwnCluster() {
        BOTH_CLASSES.reset();
        EngineExecutionResults r = Kit.fake()
                .parameter("junit.jupiter.execution.parallel.enabled", "true")
                .parameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .parameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .parameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .run(ParallelA.class, ParallelB.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(FakeProvisioner.maxOpen()).isEqualTo(2);
        assertThat(FakeProvisioner.events()).filteredOn("fake provisioner created"::equals).hasSize(1);
    }

    @Test
    void reportEventsAreOnlyPublishedForFailures() {
        EngineExecutionResults r = Kit.fake().outputDir(reports).run(StaticFieldFixture.class);
        assertThat(r.allEvents().stream().map(e -> e.getType()))
                .doesNotContain(EventType.FILE_ENTRY_PUBLISHED, EventType.REPORTING_ENTRY_PUBLISHED);
    }
}
