package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The sweep deletes what a template build left when its process died (a disk without its save image, a save image
 * without its disk), never what a build running now holds; against libvirt's {@code test:///default} driver (no
 * QEMU, no VM), with the machine's real template locks.
 */
class UnfinishedTemplatesTest {
    private static final String KEY = "0000unfinished";

    @Test
    void leftoversOfADeadBuildGoAndABuildRunningNowKeepsItsVolumes() throws Exception {
        try (LibvirtHost host = LibvirtHost.connect(URI.create("test:///default"))) {
            host.ensurePool();
            String diskOnly = WarmStart.PREFIX + KEY + "-aaaaaa.qcow2";
            String saveOnly = WarmStart.PREFIX + KEY + "-bbbbbb.save";
            String other = "antrieb-image-unrelated.disk.qcow2";
            for (String v : new String[] {diskOnly, saveOnly, other}) {
                host.createVolume(LibvirtXml.rawVolume(v, 1 << 20));
            }
            WarmStart warm = new WarmStart(host);

            // A build of the key runs now (its lock is held): nothing of the key is touched.
            Optional<AutoCloseable> building = TemplateLocks.forThisMachine().tryExclusive("build-" + KEY);
            assertThat(building).isPresent();
            try (AutoCloseable held = building.get()) {
                assertThat(warm.collectUnfinished(host.volumes())).isZero();
            }
            assertThat(host.volumes()).contains(diskOnly, saveOnly, other);

            // No build holds it: both halves were left by a dead process and go; other volumes stay.
            assertThat(warm.collectUnfinished(host.volumes())).isEqualTo(2);
            assertThat(host.volumes()).doesNotContain(diskOnly, saveOnly).contains(other);
        }
    }
}
