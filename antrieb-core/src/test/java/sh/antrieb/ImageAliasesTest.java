package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ImageAliasesTest {
    @Test
    void withoutAliasesASpecIsLeftAsItIs() {
        ClusterSpec spec = ClusterSpec.of("ubuntu24.04 x2");
        Map<String, String> requested = new LinkedHashMap<>();
        assertThat(ImageAliases.NONE.apply(spec, requested)).isSameAs(spec);
        assertThat(requested).isEmpty();
    }

    @Test
    void anAliasMapsItsNodesAndRecordsWhatWasAskedFor() {
        ImageAliases aliases = ImageAliases.NONE.with("ubuntu24.04=debian13");
        Map<String, String> requested = new LinkedHashMap<>();
        ClusterSpec mapped = aliases.apply(ClusterSpec.of("debian12", "ubuntu24.04 x2"), requested);
        assertThat(mapped.nodeImages()).containsExactly("debian12", "debian13", "debian13");
        assertThat(requested).containsExactly(Map.entry("node2", "ubuntu24.04"), Map.entry("node3", "ubuntu24.04"));
        assertThat(aliases.resolve("ubuntu24.04")).isEqualTo("debian13");
        assertThat(aliases.resolve("debian12")).isEqualTo("debian12");
    }

    @Test
    void malformedAliasesAreRefusedWithAnExample() {
        assertThatThrownBy(() -> ImageAliases.NONE.with("ubuntu24.04"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("NAME=IMAGE, e.g. ubuntu24.04=debian13");
        assertThatThrownBy(() -> ImageAliases.NONE.with("Ubuntu", "debian13")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ImageAliases.NONE.with("debian13", "debian13"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("maps to itself");
        assertThatThrownBy(() -> ImageAliases.NONE.with("a", "b").with("c", "a"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("map 'c' to 'b' directly");
    }
}
