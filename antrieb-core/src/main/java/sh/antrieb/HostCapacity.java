package sh.antrieb;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * What a libvirt host has and how much of it one {@link Antrieb} client uses, as of one moment: the host's own figures
 * as libvirt reports them (node info, free memory, running domains, Antrieb's storage pool) and the client's
 * clusters and limits. For an operator's view of a server; see {@link Antrieb#capacity()}.
 *
 * <pre>{@code
 * HostCapacity c = antrieb.capacity();
 * c.freeMemoryBytes();   // what libvirt says is free on the host now
 * c.clusters();          // this client's live clusters, at most c.maxConcurrentClusters()
 * }</pre>
 *
 * @param uri                   the libvirt URI of the host
 * @param accelerator           how guests execute there
 * @param cpus                  the host's logical CPUs
 * @param memoryBytes           the host's memory
 * @param freeMemoryBytes       the host's free memory
 * @param runningGuests         running domains on the host, Antrieb's and any others
 * @param guestVcpus            vCPUs of those running domains together
 * @param guestMemoryBytes      memory of those running domains together
 * @param poolCapacityBytes     size of the file system under Antrieb's storage pool (images, disks, templates);
 *                              {@link #UNKNOWN} when the pool does not exist yet
 * @param poolAllocationBytes   what the pool's volumes take of it; {@link #UNKNOWN} when the pool does not exist yet
 * @param poolAvailableBytes    what is free for the pool; {@link #UNKNOWN} when the pool does not exist yet
 * @param clusters              this client's live clusters
 * @param nodes                 nodes of those clusters together
 * @param maxConcurrentClusters clusters this client may hold at once ({@link Antrieb.Builder#maxConcurrentClusters})
 * @param maxNodes              nodes per cluster, not counting one controller node
 * @param maxTtl                the longest TTL a cluster may ask for
 * @param defaultVmSize         the size of a node whose spec names none
 */
public record HostCapacity(URI uri, Accelerator accelerator, int cpus, long memoryBytes, long freeMemoryBytes,
                           int runningGuests, int guestVcpus, long guestMemoryBytes,
                           long poolCapacityBytes, long poolAllocationBytes, long poolAvailableBytes,
                           int clusters, int nodes, int maxConcurrentClusters, int maxNodes, Duration maxTtl,
                           VmSize defaultVmSize) {
    /** A byte count libvirt could not tell (the storage pool does not exist yet). */
    public static final long UNKNOWN = -1;

    /** Checks the figures that must be there. */
    public HostCapacity {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(defaultVmSize, "defaultVmSize");
    }

    /** Whether libvirt told the size of Antrieb's storage pool. */
    public boolean poolKnown() {
        return poolCapacityBytes != UNKNOWN;
    }
}
