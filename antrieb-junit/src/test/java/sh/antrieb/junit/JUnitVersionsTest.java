package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

class JUnitVersionsTest {

    private static JUnitVersions of(String... artifactVersionPairs) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (int i = 0; i < artifactVersionPairs.length; i += 2) {
            versions.put(artifactVersionPairs[i], artifactVersionPairs[i + 1]);
        }
        return new JUnitVersions("5.10.3", "6.1.3", versions);
    }

    @Test
    void oneReleaseOfJupiterAndPlatformPasses() {
        assertThatCode(() -> of("junit-jupiter-api", "5.10.3", "junit-jupiter-engine", "5.10.3",
                "junit-platform-engine", "1.10.3", "junit-platform-launcher", "1.10.0").check()).doesNotThrowAnyException();
        assertThatCode(() -> of("junit-jupiter-api", "6.1.3", "junit-platform-engine", "6.1.3").check())
                .doesNotThrowAnyException();
    }

    @Test
    void mixedReleasesFailNamingBothVersionsAndTheFix() {
        // The case of issue 20: a newer API beside the project's older engine.
        assertThatThrownBy(() -> of("junit-jupiter-api", "5.13.4", "junit-jupiter-engine", "5.11.4",
                "junit-platform-engine", "1.11.4").check())
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("junit-jupiter-api 5.13.4 but junit-jupiter-engine 5.11.4")
                .hasMessageContaining("org.junit:junit-bom");
        assertThatThrownBy(() -> of("junit-jupiter-api", "6.0.1", "junit-platform-launcher", "1.14.1").check())
                .hasMessageContaining("junit-jupiter-api 6.0.1 but junit-platform-launcher 1.14.1");
    }

    @Test
    void olderThanSupportedFailsNamingTheRangeAndTheFix() {
        assertThatThrownBy(() -> of("junit-jupiter-api", "5.9.2", "junit-platform-engine", "1.9.2").check())
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("runs JUnit 5.9.2")
                .hasMessageContaining("supports JUnit 5.10.3 to 6.1.3")
                .hasMessageContaining("org.junit:junit-bom:5.10.3");
    }

    @Test
    void newerThanTestedPassesAndUnreadableVersionsAreLeftOut() {
        assertThatCode(() -> of("junit-jupiter-api", "6.2.0", "junit-platform-engine", "6.2.0").check()).doesNotThrowAnyException();
        assertThatCode(() -> of("junit-platform-engine", "1.9.0").check()).doesNotThrowAnyException();
    }

    @Test
    void thisModulesOwnClassPathIsOneSupportedRelease() {
        JUnitVersions onClassPath = JUnitVersions.ofClassPath();
        assertThat(onClassPath.range()).isEqualTo("5.10.3 to 6.1.3");
        assertThatCode(onClassPath::check).doesNotThrowAnyException();
    }

    @Test
    void platformLinesCountAsJupiterLines() {
        assertThat(JUnitVersions.line("1.13.4")).isEqualTo("5.13");
        assertThat(JUnitVersions.line("5.13.0-M1")).isEqualTo("5.13");
        assertThat(JUnitVersions.line("6.1.3")).isEqualTo("6.1");
    }
}
