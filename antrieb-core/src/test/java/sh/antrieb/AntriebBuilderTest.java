package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import sh.antrieb.internal.Settings;
import sh.antrieb.internal.TemplatePolicy;

/** What {@link Antrieb.Builder} would connect with, without connecting. */
class AntriebBuilderTest {
    @Test
    void withNothingSetTheBuilderHoldsTheDefaults() {
        assertThat(Antrieb.builder().settings()).isEqualTo(Settings.defaults());
    }

    @Test
    void aPoolOfHostsIsCheckedAndItsFirstHostIsTheClientsUri() {
        Antrieb.Builder b = Antrieb.builder().hosts("qemu:///system", " qemu+ssh://root@kvm1/system ");
        assertThat(b.hostList()).containsExactly(URI.create("qemu:///system"), URI.create("qemu+ssh://root@kvm1/system"));
        assertThat(b.settings().uri()).isEqualTo(URI.create("qemu:///system"));
        assertThat(b.uri(URI.create("qemu+ssh://root@kvm2/system")).hostList()).containsExactly(URI.create("qemu+ssh://root@kvm2/system"));
        assertThat(Antrieb.builder().hostList()).containsExactly(Settings.defaults().uri());
        assertThatThrownBy(() -> Antrieb.builder().hosts()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one libvirt URI");
        assertThatThrownBy(() -> Antrieb.builder().hosts("qemu:///system", "qemu:///system"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qemu:///system is given twice");
        assertThatThrownBy(() -> Antrieb.builder().hosts("qemu+ssh://root@kvm 1/system"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a libvirt URI");
        assertThatThrownBy(() -> Antrieb.builder().maxClustersPerHost(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Antrieb.builder().reconnectTimeout(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reconnectTimeout must be positive");
    }

    @Test
    void eachSetterReachesItsSetting() {
        Settings s = Antrieb.builder()
                .uri(URI.create("qemu+ssh://host/system"))
                .imageCache(Path.of("/tmp/images"))
                .maxConcurrentClusters(7)
                .queueTimeout(Duration.ofSeconds(3))
                .defaultTtl(Duration.ofMinutes(4))
                .maxTtl(Duration.ofHours(2))
                .maxNodes(6)
                .defaultVmSize(VmSize.of(1, 768))
                .execTimeout(Duration.ofSeconds(40))
                .outputLimit(1234)
                .bootTimeout(Duration.ofSeconds(50))
                .accelerator(Accelerator.TCG)
                .egressPorts(443, 8080)
                .warmStart(false)
                .templateBudget(1L << 30, 2, Duration.ofDays(1))
                .settings();
        assertThat(s).isEqualTo(new Settings(URI.create("qemu+ssh://host/system"), Path.of("/tmp/images"), 7, Duration.ofSeconds(3),
                Duration.ofMinutes(4), Duration.ofHours(2), 6, VmSize.of(1, 768), Duration.ofSeconds(40), 1234, Duration.ofSeconds(50),
                Accelerator.TCG, java.util.List.of(443, 8080), false, new TemplatePolicy.Budget(1L << 30, 2, Duration.ofDays(1))));
    }

    @Test
    void badValuesAreRefusedAtTheSetter() {
        assertThatThrownBy(() -> Antrieb.builder().maxConcurrentClusters(0)).hasMessage("maxConcurrentClusters must be at least 1");
        assertThatThrownBy(() -> Antrieb.builder().egressPorts(22, 70000)).hasMessage("egress port out of range: 70000");
    }
}
