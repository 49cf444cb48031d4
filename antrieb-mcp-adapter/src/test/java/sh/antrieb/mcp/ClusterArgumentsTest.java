package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NodeSpec;
import sh.antrieb.mcp.internal.ClusterArguments;

/** provision's cluster list into a ClusterSpec: order, shorthand, objects, limits, TTL. */
class ClusterArgumentsTest {
    private static final AccountLimits LIMITS = AccountLimits.DEFAULTS;

    @Test
    void shorthandAndObjectsKeepListOrder() {
        ClusterSpec spec = ClusterArguments.toSpec(List.of("a", "b x2", Map.of("image", "c", "count", 1)), LIMITS, null);
        assertThat(spec.nodeImages()).containsExactly("a", "b", "b", "c");
        assertThat(spec.nodes()).containsExactly(NodeSpec.of("a", 1), NodeSpec.of("b", 2), NodeSpec.of("c", 1));
    }

    @Test
    void objectCountDefaultsToOneAndAcceptsWholeNumbersOnly() {
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12")), LIMITS, null).nodeCount()).isEqualTo(1);
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 3L)), LIMITS, null).nodeCount()).isEqualTo(3);
        assertThat(ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 2.0)), LIMITS, null).nodeCount()).isEqualTo(2);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(Map.of("image", "debian12", "count", 1.5)), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("whole number");
    }

    @Test
    void theAccountTtlApplies() {
        ClusterSpec spec = ClusterArguments.toSpec(List.of("debian12"), LIMITS.withTtl(Duration.ofSeconds(90)), null);
        assertThat(spec.ttl()).contains(Duration.ofSeconds(90));
    }

    @Test
    void fourNodesPlusOneControllerAtMost() {
        assertThat(ClusterArguments.toSpec(List.of("debian12 x4", "ansible-controller"), LIMITS, null).nodeCount()).isEqualTo(5);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x5"), LIMITS, null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("at most 4");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x4", "ansible-controller x2"), LIMITS, null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("one controller");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 x3"), LIMITS.withMaxNodes(2), null))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("at most 2");
    }

    @Test
    void malformedEntriesSayWhatIsExpected() {
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(), LIMITS, null)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> ClusterArguments.toSpec("debian12", LIMITS, null)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of("debian12 times three"), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("<image> x<count>");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(Map.of("count", 2)), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("needs an image");
        assertThatThrownBy(() -> ClusterArguments.toSpec(List.of(7), LIMITS, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("shorthand string");
    }
}
