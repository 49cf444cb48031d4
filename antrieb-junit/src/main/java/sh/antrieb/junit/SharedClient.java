package sh.antrieb.junit;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.ReflectionSupport;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.HostNotReadyException;

/**
 * The one {@link Antrieb} client of a test run, built on first use and kept in the root
 * {@link ExtensionContext.Store}, so JUnit closes it (and every cluster it still holds) when the run
 * ends. Built lazily so that a run without clusters never touches libvirt.
 *
 * <p>Settings come from JUnit configuration parameters, which JUnit also reads from system properties
 * and {@code junit-platform.properties}:
 * <ul>
 *   <li>{@value #MAX_CLUSTERS_PARAMETER}: clusters held at once (default {@value #DEFAULT_MAX_CLUSTERS});
 *       more requests queue, so parallel test classes wait for a free slot instead of failing;</li>
 *   <li>{@value #QUEUE_TIMEOUT_PARAMETER}: how long a request may wait in that queue (default
 *       {@value #DEFAULT_QUEUE_TIMEOUT_SECONDS});</li>
 *   <li>{@value #URI_PARAMETER}: the libvirt URI (default: the core's, {@link Antrieb#DEFAULT_LIBVIRT_URI}
 *       or {@code ANTRIEB_LIBVIRT_URI}).</li>
 * </ul>
 */
@SuppressWarnings("deprecation") // CloseableResource: so the client closes also where closing AutoCloseables is turned off
final class SharedClient implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    static final String MAX_CLUSTERS_PARAMETER = "antrieb.maxConcurrentClusters";
    static final String QUEUE_TIMEOUT_PARAMETER = "antrieb.queueTimeoutSeconds";
    static final String URI_PARAMETER = "antrieb.libvirt.uri";
    /** Internal: a {@link ClusterProvisioner} class of this package to use instead of a real client (tests). */
    static final String PROVISIONER_PARAMETER = "antrieb.junit.provisioner";
    /** The core's default: one test run holds what one client holds. */
    static final int DEFAULT_MAX_CLUSTERS = Antrieb.DEFAULT_MAX_CONCURRENT_CLUSTERS;
    /** Unlike the core (fail at once): parallel test classes queue for a slot. */
    static final long DEFAULT_QUEUE_TIMEOUT_SECONDS = 600;

    private final Function<String, Optional<String>> config;
    private ClusterProvisioner provisioner;
    private HostNotReadyException failure;
    private boolean closed;

    private SharedClient(Function<String, Optional<String>> config) {
        this.config = config;
    }

    /** The shared client of the run {@code context} belongs to (not yet connected). */
    static SharedClient of(ExtensionContext context) {
        ExtensionContext root = context.getRoot();
        return root.getStore(AntriebExtension.NAMESPACE)
                .getOrComputeIfAbsent(SharedClient.class, k -> new SharedClient(root::getConfigurationParameter), SharedClient.class);
    }

    /**
     * The connected provisioner, connecting on first call.
     *
     * @throws HostNotReadyException with the set-up step when this host cannot run VMs; every later call
     *                               fails the same way without trying again
     */
    synchronized ClusterProvisioner provisioner() {
        if (closed) {
            throw new IllegalStateException("the Antrieb client of this test run is closed");
        }
        if (failure != null) {
            // A new exception per caller (each failing test gets its own), with the same message and cause.
            throw new HostNotReadyException(failure.getMessage(), failure.getCause());
        }
        if (provisioner == null) {
            try {
                provisioner = connect();
            } catch (HostNotReadyException e) {
                failure = e;
                throw e;
            }
        }
        return provisioner;
    }

    private ClusterProvisioner connect() {
        Optional<String> custom = config.apply(PROVISIONER_PARAMETER);
        if (custom.isPresent()) {
            Class<?> type = ReflectionSupport.tryToLoadClass(custom.get()).toOptional()
                    .filter(ClusterProvisioner.class::isAssignableFrom)
                    .orElseThrow(() -> new ExtensionConfigurationException(PROVISIONER_PARAMETER + ": " + custom.get()
                            + " is not a ClusterProvisioner of package " + SharedClient.class.getPackageName()));
            return (ClusterProvisioner) ReflectionSupport.newInstance(type);
        }
        Antrieb.Builder builder = Antrieb.builder()
                .maxConcurrentClusters(intParameter(MAX_CLUSTERS_PARAMETER, DEFAULT_MAX_CLUSTERS))
                .queueTimeout(Duration.ofSeconds(intParameter(QUEUE_TIMEOUT_PARAMETER, DEFAULT_QUEUE_TIMEOUT_SECONDS)));
        config.apply(URI_PARAMETER).filter(s -> !s.isBlank()).map(String::trim).map(URI::create).ifPresent(builder::uri);
        Antrieb antrieb = builder.build();
        return new ClusterProvisioner() {
            @Override
            public Cluster provision(ClusterSpec spec) {
                return antrieb.provision(spec);
            }

            @Override
            public void close() {
                antrieb.close();
            }
        };
    }

    private int intParameter(String name, long fallback) {
        String value = config.apply(name).map(String::trim).orElse("");
        if (value.isEmpty()) {
            return (int) fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException(name + " must be a positive whole number, was \"" + value + "\"");
        }
    }

    /** Destroys every cluster still open and disconnects. */
    @Override
    public synchronized void close() {
        closed = true;
        if (provisioner != null) {
            provisioner.close();
            provisioner = null;
        }
    }
}
