package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import sh.antrieb.HostCapacity;

/**
 * The host figures read through libvirt, against libvirt's own {@code test:///default} driver (no QEMU, no VM): its
 * fixed host of 16 CPUs and 3 GiB, one running domain of 2 vCPUs and 2 GiB, and no {@code antrieb} pool until one is
 * made.
 */
class LibvirtHostFiguresTest {
    @Test
    void nodeInfoRunningDomainsAndThePoolComeFromLibvirt() {
        try (LibvirtHost host = LibvirtHost.connect(URI.create("test:///default"))) {
            LibvirtHost.Figures before = host.figures();
            assertThat(before.cpus()).isEqualTo(16);
            assertThat(before.memoryBytes()).isEqualTo(3L << 30);
            assertThat(before.freeMemoryBytes()).isPositive().isLessThanOrEqualTo(before.memoryBytes());
            assertThat(before.runningGuests()).isEqualTo(1);
            assertThat(before.guestVcpus()).isEqualTo(2);
            assertThat(before.guestMemoryBytes()).isEqualTo(2L << 30);
            assertThat(before.poolCapacity()).isEqualTo(HostCapacity.UNKNOWN);
            assertThat(before.poolAvailable()).isEqualTo(HostCapacity.UNKNOWN);

            host.ensurePool();
            LibvirtHost.Figures after = host.figures();
            assertThat(after.poolCapacity()).isPositive();
            assertThat(after.poolAvailable()).isPositive().isLessThanOrEqualTo(after.poolCapacity());
            assertThat(after.poolAllocation()).isNotNegative();
        }
    }
}
