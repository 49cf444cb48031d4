package sh.antrieb.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what clusters left behind: every labelled domain, network, volume, file and nft table whose cluster
 * expired, or whose owning process is gone (checked when the host is this machine). Stateless: the
 * label in each object's name says everything, so a sweep by any process cleans up after any other.
 */
public final class Sweeper {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    /** Where libvirt writes each domain's QEMU log on the host. */
    static final Path QEMU_LOG_DIR = Path.of("/var/log/libvirt/qemu");

    private final LibvirtHost host;

    public Sweeper(LibvirtHost host) {
        this.host = host;
    }

    /** Sweeps, sparing the clusters in {@code live} (ids this process still holds open). Returns the number of objects removed. */
    public int sweep(Set<String> live) {
        Instant now = Instant.now();
        return remove(label -> !live.contains(label.id()) && (label.deadline().isBefore(now) || ownerGone(label)));
    }

    /**
     * Removes every object of the cluster {@code clusterId}: its teardown, also after a failed provision. A libvirt
     * connection lost in the middle (libvirtd restarted) is re-opened and the removal runs once more from the start
     * (each step is idempotent), so that a teardown does not stop half way.
     */
    public int removeCluster(String clusterId) {
        try {
            return remove(label -> label.id().equals(clusterId));
        } catch (sh.antrieb.HostUnavailableException e) {
            log.warn("removing cluster {}: {}; removing it again on the re-opened connection", clusterId, e.getMessage());
            return remove(label -> label.id().equals(clusterId));
        }
    }

    private int remove(Predicate<ClusterLabel> dead) {
        int removed = 0;
        for (String name : host.domains()) {
            if (isDead(name, dead)) {
                log.info("sweep: destroying domain {}", name);
                host.destroyDomain(name);
                removed++;
            }
        }
        for (String name : host.networks()) {
            if (isDead(name, dead)) {
                log.info("sweep: destroying network {}", name);
                host.destroyNetwork(name);
                removed++;
            }
        }
        host.ensurePool();
        for (String name : host.volumes()) {
            if (isDead(name, dead)) {
                log.info("sweep: deleting volume {}", name);
                host.deleteVolume(name);
                removed++;
            }
        }
        if (host.isLocal()) {
            removed += sweepFiles(QEMU_LOG_DIR, dead);
            removed += HostFirewall.remove(name -> isDead(name, dead));
        }
        return removed;
    }

    private static boolean isDead(String name, Predicate<ClusterLabel> dead) {
        Optional<ClusterLabel.Labelled> l = ClusterLabel.parse(name);
        return l.isPresent() && dead.test(l.get().label());
    }

    private boolean ownerGone(ClusterLabel label) {
        // A pid means something only on the machine that made the object.
        return host.isLocal() && ProcessHandle.of(label.ownerPid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static int sweepFiles(Path dir, Predicate<ClusterLabel> dead) {
        int removed = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ClusterLabel.PREFIX + "*")) {
            for (Path f : files) {
                if (isDead(f.getFileName().toString(), dead)) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.debug("sweep of {} incomplete", dir, e);
        }
        return removed;
    }
}
