package sh.antrieb.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what clusters left behind: every labelled domain, network, volume, file and nft table whose cluster
 * expired, or whose owning process is gone (checked when the host is this machine), on the host the sweep's
 * {@link LibvirtHost} reaches (QEMU logs and nft tables through its {@link HostShell}). Stateless: the
 * label in each object's name says everything, so a sweep by any process cleans up after any other.
 */
public final class Sweeper {
    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    /** Where libvirt writes each domain's QEMU log on the host. */
    static final String QEMU_LOG_DIR = "/var/log/libvirt/qemu";
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(30);

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
        removed += sweepLogs(dead);
        removed += HostFirewall.remove(host, name -> isDead(name, dead));
        return removed;
    }

    private static boolean isDead(String name, Predicate<ClusterLabel> dead) {
        Optional<ClusterLabel.Labelled> l = ClusterLabel.parse(name);
        return l.isPresent() && dead.test(l.get().label());
    }

    private boolean ownerGone(ClusterLabel label) {
        // A pid means something only on the machine that made the object: a remote host's leftovers wait for their deadline.
        return host.link() == HostLink.LOCAL && ProcessHandle.of(label.ownerPid()).map(p -> !p.isAlive()).orElse(true);
    }

    /** Deletes the QEMU logs libvirt kept on the host for dead clusters' domains. */
    private int sweepLogs(Predicate<ClusterLabel> dead) {
        HostShell.Result list = host.run(LOG_TIMEOUT, null, "find", QEMU_LOG_DIR, "-maxdepth", "1", "-name", ClusterLabel.PREFIX + "*", "-printf", "%f\\n");
        if (!list.ok()) {
            log.debug("sweep: no QEMU logs listed on {}: {}", host.uri(), list.output().strip());
            return 0;
        }
        List<String> rm = new ArrayList<>(List.of("rm", "-f", "--"));
        list.output().lines().filter(f -> isDead(f, dead)).forEach(f -> rm.add(QEMU_LOG_DIR + "/" + f));
        if (rm.size() == 3) {
            return 0;
        }
        HostShell.Result r = host.run(LOG_TIMEOUT, null, rm.toArray(String[]::new));
        if (!r.ok()) {
            log.debug("sweep of {} on {} incomplete: {}", QEMU_LOG_DIR, host.uri(), r.output().strip());
        }
        return rm.size() - 3;
    }
}
