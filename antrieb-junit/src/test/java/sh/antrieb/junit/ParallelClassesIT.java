package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.junit.AntriebAssertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import sh.antrieb.Cluster;

/**
 * Real VMs: two test classes run in parallel, each with its own class cluster. The concurrency cap is
 * set to one cluster, so the second class must queue for the first one's slot rather than fail; that
 * also keeps this test to one VM at a time (two in all).
 */
class ParallelClassesIT {
    static final Map<String, Instant> EVENTS = new ConcurrentHashMap<>();

    /** Registered before the Antrieb extension: notes when a class started, before it asked for a cluster. */
    static final class ClassStart implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            EVENTS.put(context.getRequiredTestClass().getSimpleName() + ".start", Instant.now());
        }
    }

    @ExtendWith(ClassStart.class)
    @AntriebTest
    @Kit.Fixture
    static class A {
        @SmallNode
        static Cluster cluster;

        @Test
        void test() {
            EVENTS.put("A.created", cluster.createdAt());
            assertThat(cluster.exec("node1", "hostname")).succeeded().stdoutIsEqualTo("node1");
        }

        @AfterAll
        static void done() {
            EVENTS.put("A.end", Instant.now());
        }
    }

    @ExtendWith(ClassStart.class)
    @AntriebTest
    @Kit.Fixture
    static class B {
        @SmallNode
        static Cluster cluster;

        @Test
        void test() {
            EVENTS.put("B.created", cluster.createdAt());
            assertThat(cluster.exec("node1", "hostname")).succeeded().stdoutIsEqualTo("node1");
        }

        @AfterAll
        static void done() {
            EVENTS.put("B.end", Instant.now());
        }
    }

    @Test
    void parallelClassesGetTheirOwnClustersAndQueueAtTheCap() {
        EngineExecutionResults r = Kit.real()
                .parameter("junit.jupiter.execution.parallel.enabled", "true")
                .parameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .parameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .parameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .parameter(SharedClient.MAX_CLUSTERS_PARAMETER, "1")
                .run(A.class, B.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(A.cluster.id()).isNotEqualTo(B.cluster.id());

        String first = EVENTS.get("A.created").isBefore(EVENTS.get("B.created")) ? "A" : "B";
        String second = first.equals("A") ? "B" : "A";
        // both classes started before the first one finished: they ran in parallel ...
        assertThat(EVENTS.get(second + ".start")).isBefore(EVENTS.get(first + ".end"));
        // ... and the second cluster was only made once the first one's slot was free
        assertThat(EVENTS.get(second + ".created")).isAfter(EVENTS.get(first + ".end"));
        assertThat(A.cluster.isOpen()).isFalse();
        assertThat(B.cluster.isOpen()).isFalse();
    }
}
