package sh.antrieb.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import sh.antrieb.Accelerator;
import sh.antrieb.VmSize;

/**
 * The settings of one {@code Antrieb} client; the one place their defaults live.
 *
 * @param uri                   libvirt URI
 * @param imageCache            directory of built images on this machine
 * @param maxConcurrentClusters clusters this client may hold at once
 * @param queueTimeout          how long provision waits for a free slot before failing (zero: fail at once)
 * @param defaultTtl            TTL when the spec names none
 * @param maxTtl                longest TTL a spec may ask for
 * @param maxNodes              nodes per cluster, not counting one controller node
 * @param defaultVmSize         VM size when the spec names none
 * @param execTimeout           default timeout of a command
 * @param outputLimit           bytes of stdout and of stderr kept per command
 * @param bootTimeout           how long a node may take to answer SSH (null: by accelerator)
 * @param accelerator           forced accelerator (null: detect)
 * @param egressPorts           TCP ports guests on egress networks may reach outside (DNS also over UDP)
 * @param warmStart             restore nodes from saved, booted templates instead of booting them
 * @param templateBudget        what the sweep keeps of the warm-start templates
 */
public record Settings(URI uri, Path imageCache, int maxConcurrentClusters, Duration queueTimeout,
                       Duration defaultTtl, Duration maxTtl, int maxNodes, VmSize defaultVmSize,
                       Duration execTimeout, long outputLimit, Duration bootTimeout, Accelerator accelerator,
                       java.util.List<Integer> egressPorts, boolean warmStart, TemplatePolicy.Budget templateBudget) {
    /** The default egress allowlist: SSH, DNS, HTTP, HTTPS (package mirrors use HTTP and HTTPS). */
    public static final java.util.List<Integer> DEFAULT_EGRESS_PORTS = java.util.List.of(22, 53, 80, 443);

    /** libvirt URI of this machine. */
    public static final URI LOCAL = URI.create("qemu:///system");

    /**
     * The defaults, with overrides from the environment ({@code ANTRIEB_LIBVIRT_URI}, {@code ANTRIEB_IMAGE_CACHE},
     * {@code ANTRIEB_WARM_START=false}, {@code ANTRIEB_TEMPLATE_POOL_MB}: the warm-start templates' pool budget).
     */
    public static Settings defaults() {
        String uri = System.getenv("ANTRIEB_LIBVIRT_URI");
        String cache = System.getenv("ANTRIEB_IMAGE_CACHE");
        String warm = System.getenv("ANTRIEB_WARM_START");
        String pool = System.getenv("ANTRIEB_TEMPLATE_POOL_MB");
        TemplatePolicy.Budget budget = TemplatePolicy.Budget.DEFAULT;
        if (pool != null && !pool.isBlank()) {
            try {
                budget = new TemplatePolicy.Budget(Long.parseLong(pool.strip()) << 20, budget.perImage(), budget.unusedFor());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ANTRIEB_TEMPLATE_POOL_MB must be a number of MiB (0: no limit), not '" + pool + "'", e);
            }
        }
        return new Settings(uri == null || uri.isBlank() ? LOCAL : URI.create(uri),
                Path.of(cache == null || cache.isBlank() ? "/var/cache/antrieb/images" : cache),
                2, Duration.ZERO, Duration.ofMinutes(10), Duration.ofMinutes(10), 4, VmSize.DEFAULT,
                Duration.ofMinutes(10), 16L << 20, null, null, DEFAULT_EGRESS_PORTS,
                warm == null || warm.isBlank() || Boolean.parseBoolean(warm), budget);
    }

    /** The boot timeout in force for {@code acc}. */
    public Duration bootTimeoutFor(Accelerator acc) {
        return bootTimeout != null ? bootTimeout : acc == Accelerator.KVM ? Duration.ofMinutes(2) : Duration.ofMinutes(5);
    }
}
