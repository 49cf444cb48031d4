package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EventType;

import sh.antrieb.Cluster;
import sh.antrieb.HostNotReadyException;

/**
 * A host that cannot run VMs, simulated by pointing the shared client at a libvirt URI that cannot be
 * opened: tests fail with the set-up step unless the class opted into being skipped.
 */
class WithoutVirtualizationTest {
    private static final String NO_HOST = "test:///nonexistent/antrieb-no-such-host.xml";

    @AntriebTest
    @Kit.Fixture
    static class FailsByDefault {
        @AntriebCluster
        static Cluster cluster;

        @Test
        void test() {
        }
    }

    @Kit.Fixture
    static class ParameterFailsByDefault {
        @Test
        void first(@AntriebCluster Cluster cluster) {
        }

        @Test
        void second(@AntriebCluster Cluster cluster) {
        }
    }

    @AntriebTest(disabledWithoutVirtualization = true)
    @Kit.Fixture
    static class SkipsWhenAsked {
        @AntriebCluster
        static Cluster cluster;

        @Test
        void test() {
        }

        @Nested
        class Inner {
            @Test
            void nestedTest(@AntriebCluster Cluster c) {
            }
        }
    }

    private static Kit noHost() {
        return Kit.real().parameter(SharedClient.URI_PARAMETER, NO_HOST);
    }

    @Test
    void failsWithTheSetUpInstructionByDefault() {
        EngineExecutionResults r = noHost().run(FailsByDefault.class);
        Throwable failure = Kit.failureOf(r, "FailsByDefault");
        assertThat(failure).isInstanceOf(HostNotReadyException.class)
                .hasMessageContaining(NO_HOST)
                .hasMessageContaining("bin/setup-host");
        assertThat(r.allEvents().stream().map(e -> e.getType())).doesNotContain(EventType.SKIPPED);
    }

    @Test
    void everyTestNeedingAClusterFailsTheSameWay() {
        EngineExecutionResults r = noHost().run(ParameterFailsByDefault.class);
        r.testEvents().assertStatistics(s -> s.failed(2).succeeded(0).skipped(0));
        r.testEvents().failed().stream()
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow())
                .forEach(t -> {
                    // JUnit wraps what a parameter resolver throws; the message and the root cause stay
                    assertThat(t).hasMessageContaining("bin/setup-host");
                    assertThat(t).hasCauseInstanceOf(HostNotReadyException.class);
                });
    }

    @Test
    void skipsOnlyWhenTheClassOptsIn() {
        EngineExecutionResults r = noHost().run(SkipsWhenAsked.class);
        r.containerEvents().assertStatistics(s -> s.skipped(1).failed(0));
        r.testEvents().assertStatistics(s -> s.started(0).failed(0));
        String reason = r.containerEvents().skipped().stream()
                .map(e -> e.getRequiredPayload(String.class)).findFirst().orElseThrow();
        assertThat(reason).contains("disabledWithoutVirtualization", "bin/setup-host");
    }
}
