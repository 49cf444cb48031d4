package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class ClusterLabelTest {

    @Test
    void namesRoundTrip() {
        ClusterLabel label = ClusterLabel.create(Instant.parse("2026-11-23T10:00:00.750Z"));
        String name = label.name("node1.qcow2");
        assertThat(name).startsWith("antrieb-" + label.id() + "-");
        ClusterLabel.Labelled parsed = ClusterLabel.parse(name).orElseThrow();
        assertThat(parsed.label()).isEqualTo(label);
        assertThat(parsed.what()).isEqualTo("node1.qcow2");
        assertThat(parsed.label().ownerPid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void foreignNamesAreNotOurs() {
        assertThat(ClusterLabel.parse("default")).isEmpty();
        assertThat(ClusterLabel.parse("antrieb-image-debian12-0123456789ab.disk.qcow2")).isEmpty();
        assertThat(ClusterLabel.parse("antrieb-test-node1")).isEmpty();
    }

    @Test
    void bridgeNamesFitTheKernelLimit() {
        ClusterLabel label = ClusterLabel.create(Instant.now());
        assertThat(label.bridge(9)).hasSizeLessThanOrEqualTo(15);
    }
}
