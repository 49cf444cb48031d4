package sh.antrieb.internal.catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.AntriebException;
import sh.antrieb.ErrorCode;
import sh.antrieb.ExecResult;
import sh.antrieb.internal.HostLink;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;

/**
 * Flattens a running node's disk into a standalone qcow2 while the node keeps running.
 *
 * <p>Steps: in the guest, note the services that run without being enabled (for {@code startup.sh}),
 * empty {@code /etc/machine-id} (so every node booted from the copy gets its own, as from the base image)
 * and {@code sync}; then QEMU copies the disk live ({@link LibvirtHost#copyDiskLive}); then the guest's
 * machine-id is put back. The copy is crash-consistent at the instant the copy job ends, right after the
 * sync: ext4's journal makes it clean at first boot. The node is never paused. On a remote host the copy is
 * made in the host's pool and downloaded into {@code dest}.
 */
final class DiskCapture {
    private static final Logger log = LoggerFactory.getLogger(DiskCapture.class);
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(20);

    private static final String PREPARE = """
            set -e
            mkdir -p -m 0700 /run/antrieb
            for u in $(systemctl list-units --type=service --state=running --no-legend --plain 2>/dev/null | awk '{print $1}'); do
              [ "$(systemctl is-enabled "$u" 2>/dev/null)" = disabled ] && echo "$u"
            done >/run/antrieb/save-services || true
            if [ -s /etc/machine-id ]; then cp /etc/machine-id /run/antrieb/save-machine-id; fi
            umount /etc/machine-id 2>/dev/null || true
            : >/etc/machine-id
            sync
            cat /run/antrieb/save-services
            """;
    private static final String RESTORE = """
            if [ -s /run/antrieb/save-machine-id ]; then cat /run/antrieb/save-machine-id >/etc/machine-id; fi
            rm -f /run/antrieb/save-machine-id /run/antrieb/save-services
            """;

    private DiskCapture() {
    }

    /**
     * Copies {@code node}'s disk into {@code dest} (which must not exist) and returns the services that
     * were running but not enabled.
     */
    static List<String> capture(LibvirtHost host, LibvirtCluster cluster, String node, Path dest) {
        cluster.node(node);
        long t0 = System.nanoTime();
        ExecResult prep = cluster.exec(node, PREPARE);
        if (prep.exitCode() != 0) {
            throw new AntriebException("cannot prepare " + node + " of cluster " + cluster.id() + " for saving its disk (exit "
                    + prep.exitCode() + "): " + ExecResult.tail(prep.stderr(), 10));
        }
        List<String> services = prep.stdout().lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
        try {
            if (host.link() == HostLink.LOCAL) {
                host.copyDiskLive(cluster.label().name(node), "vda", dest.toString(), COPY_TIMEOUT);
            } else {
                // QEMU writes the copy on the host, into a labelled pool file (swept with the cluster if this stops half
                // way), which comes down through libvirt's storage API.
                String volume = cluster.label().name(node + ".capture.qcow2");
                try {
                    host.copyDiskLive(cluster.label().name(node), "vda", host.poolPath(volume), COPY_TIMEOUT);
                    host.volumes(); // the pool sees the file QEMU wrote
                    host.downloadVolume(volume, dest);
                } finally {
                    host.deleteVolume(volume);
                }
            }
        } finally {
            ExecResult r = cluster.exec(node, RESTORE);
            if (r.exitCode() != 0) {
                log.warn("{}: restoring /etc/machine-id after the disk copy failed: {}", node, r.stderr());
            }
        }
        log.info("cluster {}: disk of {} copied to {} in {} ms (node kept running)", cluster.id(), node, dest,
                (System.nanoTime() - t0) / 1_000_000);
        return services;
    }
}
