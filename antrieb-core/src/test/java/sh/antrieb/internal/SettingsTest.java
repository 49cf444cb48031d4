package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.Accelerator;
import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/** The settings' defaults are {@link Antrieb}'s constants, the environment overrides the four it names. */
class SettingsTest {
    @Test
    void withoutTheEnvironmentTheDefaultsAreAntriebsConstants() {
        Settings s = Settings.defaults(Map.of());
        assertThat(s.uri()).isEqualTo(Antrieb.DEFAULT_LIBVIRT_URI);
        assertThat(s.imageCache()).isEqualTo(Antrieb.DEFAULT_IMAGE_CACHE);
        assertThat(s.maxConcurrentClusters()).isEqualTo(Antrieb.DEFAULT_MAX_CONCURRENT_CLUSTERS);
        assertThat(s.queueTimeout()).isEqualTo(Antrieb.DEFAULT_QUEUE_TIMEOUT);
        assertThat(s.defaultTtl()).isEqualTo(Antrieb.DEFAULT_TTL);
        assertThat(s.maxTtl()).isEqualTo(Antrieb.DEFAULT_MAX_TTL);
        assertThat(s.maxNodes()).isEqualTo(Antrieb.DEFAULT_MAX_NODES);
        assertThat(s.defaultVmSize()).isEqualTo(VmSize.DEFAULT);
        assertThat(s.execTimeout()).isEqualTo(Antrieb.DEFAULT_EXEC_TIMEOUT);
        assertThat(s.outputLimit()).isEqualTo(Antrieb.DEFAULT_OUTPUT_LIMIT);
        assertThat(s.bootTimeout()).isNull();
        assertThat(s.bootTimeoutFor(Accelerator.KVM)).isEqualTo(Antrieb.DEFAULT_BOOT_TIMEOUT_KVM);
        assertThat(s.bootTimeoutFor(Accelerator.TCG)).isEqualTo(Antrieb.DEFAULT_BOOT_TIMEOUT_TCG);
        assertThat(s.accelerator()).isNull();
        assertThat(s.egressPorts()).isEqualTo(Antrieb.DEFAULT_EGRESS_PORTS);
        assertThat(s.warmStart()).isEqualTo(Antrieb.DEFAULT_WARM_START);
        assertThat(s.templateBudget()).isEqualTo(TemplatePolicy.Budget.DEFAULT)
                .isEqualTo(new TemplatePolicy.Budget(Antrieb.DEFAULT_TEMPLATE_POOL_BYTES, Antrieb.DEFAULT_TEMPLATES_PER_IMAGE,
                        Antrieb.DEFAULT_TEMPLATE_UNUSED_FOR));
        assertThat(new Settings.Builder().build()).isEqualTo(s);
    }

    @Test
    void theEnvironmentOverridesUriImageCacheWarmStartAndTemplatePool() {
        Settings s = Settings.defaults(Map.of("ANTRIEB_LIBVIRT_URI", "qemu+ssh://host/system", "ANTRIEB_IMAGE_CACHE", "/tmp/images",
                "ANTRIEB_WARM_START", "false", "ANTRIEB_TEMPLATE_POOL_MB", " 512 "));
        assertThat(s.uri()).isEqualTo(URI.create("qemu+ssh://host/system"));
        assertThat(s.imageCache()).isEqualTo(Path.of("/tmp/images"));
        assertThat(s.warmStart()).isFalse();
        assertThat(s.templateBudget()).isEqualTo(new TemplatePolicy.Budget(512L << 20, Antrieb.DEFAULT_TEMPLATES_PER_IMAGE,
                Antrieb.DEFAULT_TEMPLATE_UNUSED_FOR));
        // The rest stays at the defaults.
        assertThat(s.toBuilder().uri(Antrieb.DEFAULT_LIBVIRT_URI).imageCache(Antrieb.DEFAULT_IMAGE_CACHE).warmStart(true)
                .templateBudget(TemplatePolicy.Budget.DEFAULT).build()).isEqualTo(Settings.defaults(Map.of()));
        // Blank values are unset; only "true" leaves warm start on.
        assertThat(Settings.defaults(Map.of("ANTRIEB_LIBVIRT_URI", " ", "ANTRIEB_WARM_START", ""))).isEqualTo(Settings.defaults(Map.of()));
        assertThat(Settings.defaults(Map.of("ANTRIEB_WARM_START", "TRUE")).warmStart()).isTrue();
        assertThat(Settings.defaults(Map.of("ANTRIEB_WARM_START", "no")).warmStart()).isFalse();
        assertThatThrownBy(() -> Settings.defaults(Map.of("ANTRIEB_TEMPLATE_POOL_MB", "lots")))
                .hasMessage("ANTRIEB_TEMPLATE_POOL_MB must be a number of MiB (0: no limit), not 'lots'");
    }

    @Test
    void theBuilderChangesOneSettingAndKeepsTheOthers() {
        Settings base = Settings.defaults(Map.of());
        Settings changed = base.toBuilder().maxNodes(9).bootTimeout(Duration.ofSeconds(30)).egressPorts(List.of(443)).build();
        assertThat(changed.maxNodes()).isEqualTo(9);
        assertThat(changed.bootTimeoutFor(Accelerator.TCG)).isEqualTo(Duration.ofSeconds(30));
        assertThat(changed.egressPorts()).containsExactly(443);
        assertThat(changed.toBuilder().maxNodes(base.maxNodes()).bootTimeout(null).egressPorts(base.egressPorts()).build()).isEqualTo(base);
        assertThat(changed.toBuilder().build()).isEqualTo(changed);
    }
}
