package sh.antrieb.internal;

import java.net.URI;
import java.util.Set;

import sh.antrieb.Accelerator;

/**
 * A place that runs clusters: one libvirt host, this machine or a remote one ({@link HostEngine} is the one
 * implementation). What a pool of them needs to place a cluster and to keep hosts that stop answering out of
 * placement ({@link HostPool}) is here; a cluster, once provisioned, talks to its own host.
 */
public interface Engine extends AutoCloseable {

    /** The libvirt URI the host was configured with. */
    URI uri();

    /** The accelerator its guests get. */
    Accelerator accelerator();

    /**
     * The host's figures for placement now: answering with its free memory, CPUs and guests, or
     * {@link Placement.Candidate#notAnswering} when it cannot be asked (never throws for that; never hangs longer
     * than the host's connection allows).
     *
     * @param clustersHere clusters this client holds on the host
     * @param maxClusters  this client's cap of clusters on the host
     * @param images       the images of the cluster being placed (which of them are warm there)
     */
    Placement.Candidate candidate(int clustersHere, int maxClusters, Set<String> images);

    /** Releases the connection to the host (its clusters must be closed first). */
    @Override
    void close();
}
