package sh.antrieb.internal;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Accelerator;
import sh.antrieb.HostUnavailableException;

/**
 * One libvirt host of a client ({@link Engine}): its libvirt connection and {@link HostLink} (guests and host
 * commands, directly or over one SSH session), its images (uploaded into its pool) and its provisioning. Local and
 * remote hosts are the same class: only the link differs.
 */
public final class HostEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(HostEngine.class);

    private final Settings settings;
    private final LibvirtHost host;
    private final SshTransport ssh;
    private final ImageStore images;
    private final Accelerator accelerator;
    private final Provisioner provisioner;
    private final ExecutorService executor;

    /** How long placement waits for a host's figures before it counts as not answering. */
    public static final java.time.Duration ANSWER_TIMEOUT = java.time.Duration.ofSeconds(5);

    private HostEngine(Settings settings, LibvirtHost host, SshTransport ssh, ImageStore images, Accelerator accelerator,
                       Provisioner provisioner, ExecutorService executor) {
        this.executor = executor;
        this.settings = settings;
        this.host = host;
        this.ssh = ssh;
        this.images = images;
        this.accelerator = accelerator;
        this.provisioner = provisioner;
    }

    /**
     * Connects to the host at {@code settings.uri()}; a lost connection is tried again for {@code reconnectTimeout}.
     *
     * @throws sh.antrieb.HostNotReadyException when libvirt there cannot be reached or used
     */
    public static HostEngine open(Settings settings, java.time.Duration reconnectTimeout, ExecutorService executor) {
        LibvirtHost host = LibvirtHost.connect(settings.uri(), reconnectTimeout);
        try {
            Accelerator accelerator = settings.accelerator() != null ? settings.accelerator() : host.detectAccelerator();
            SshTransport ssh = new SshTransport(host.link()); // one SSH session to a remote host: commands and guests alike
            ImageStore images = new ImageStore(settings.imageCache(), host);
            Provisioner provisioner = new Provisioner(host, images, ssh, settings, accelerator, executor);
            log.info("antrieb: connected to {} (accelerator {}, {})", settings.uri(), accelerator,
                    host.link() == HostLink.LOCAL ? "this machine" : "through " + host.link().where());
            return new HostEngine(settings, host, ssh, images, accelerator, provisioner, executor);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    @Override
    public URI uri() {
        return settings.uri();
    }

    @Override
    public Accelerator accelerator() {
        return accelerator;
    }

    /** The libvirt connection. */
    public LibvirtHost host() {
        return host;
    }

    /** The host's images (base images uploaded into its pool; the catalog's through its extension). */
    public ImageStore images() {
        return images;
    }

    /** Provisioning on this host. */
    public Provisioner provisioner() {
        return provisioner;
    }

    /**
     * {@inheritDoc} A host whose figures do not come within {@link #ANSWER_TIMEOUT} counts as not answering (a
     * call to a host that went silent would otherwise wait for libvirt's keepalive and reconnect).
     */
    @Override
    public Placement.Candidate candidate(int clustersHere, int maxClusters, Set<String> images) {
        java.util.concurrent.CompletableFuture<LibvirtHost.Figures> figures =
                java.util.concurrent.CompletableFuture.supplyAsync(host::figures, executor);
        try {
            return Placement.Candidate.of(uri(), accelerator, figures.get(ANSWER_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                    clustersHere, maxClusters, Set.of());
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            log.debug("placement: {} does not answer: {}", uri(), e.getCause() == null ? e.toString() : e.getCause().getMessage());
            return Placement.Candidate.notAnswering(uri(), clustersHere, maxClusters);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnavailableException("interrupted while asking " + uri() + " for its figures", e);
        }
    }

    /**
     * Removes what expired clusters and dead processes left on this host, the templates past the budget or of
     * superseded builds, and superseded builds nothing uses; spares the clusters {@code live}. Returns how many
     * objects went.
     */
    public int sweep(Set<String> live, Map<String, String> currentBuilds) {
        int n = new Sweeper(host).sweep(live);
        n += provisioner.collectTemplates(settings.templateBudget(), disk -> RecipeBuilds.superseded(currentBuilds, disk));
        return n + RecipeBuilds.collect(host, settings.imageCache(), currentBuilds);
    }

    @Override
    public void close() {
        ssh.close();
        host.close();
    }

    @Override
    public String toString() {
        return uri().toString();
    }
}
