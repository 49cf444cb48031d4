package sh.antrieb.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import sh.antrieb.Accelerator;
import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/**
 * The settings of one {@code Antrieb} client. Their defaults are {@link Antrieb}'s {@code DEFAULT_*} constants;
 * {@link #defaults()} applies the environment's overrides to them, {@link Builder} changes single settings.
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
                       List<Integer> egressPorts, boolean warmStart, TemplatePolicy.Budget templateBudget) {
    /**
     * {@link Antrieb}'s defaults, with overrides from the environment ({@link Antrieb#LIBVIRT_URI_ENV},
     * {@link Antrieb#IMAGE_CACHE_ENV}, {@link Antrieb#WARM_START_ENV}{@code =false}, {@link Antrieb#TEMPLATE_POOL_MB_ENV}:
     * the warm-start templates' pool budget).
     */
    public static Settings defaults() {
        return defaults(System.getenv());
    }

    /** {@link #defaults()} with the environment {@code env} instead of the process's; for tests. */
    static Settings defaults(Map<String, String> env) {
        Builder b = new Builder();
        String uri = env.get(Antrieb.LIBVIRT_URI_ENV);
        if (uri != null && !uri.isBlank()) {
            b.uri(URI.create(uri));
        }
        String cache = env.get(Antrieb.IMAGE_CACHE_ENV);
        if (cache != null && !cache.isBlank()) {
            b.imageCache(Path.of(cache));
        }
        String warm = env.get(Antrieb.WARM_START_ENV);
        if (warm != null && !warm.isBlank()) {
            b.warmStart(Boolean.parseBoolean(warm));
        }
        String pool = env.get(Antrieb.TEMPLATE_POOL_MB_ENV);
        if (pool != null && !pool.isBlank()) {
            TemplatePolicy.Budget budget = TemplatePolicy.Budget.DEFAULT;
            try {
                b.templateBudget(new TemplatePolicy.Budget(Long.parseLong(pool.strip()) << 20, budget.perImage(), budget.unusedFor()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Antrieb.TEMPLATE_POOL_MB_ENV + " must be a number of MiB (0: no limit), not '" + pool + "'", e);
            }
        }
        return b.build();
    }

    /** The boot timeout in force for {@code acc}. */
    public Duration bootTimeoutFor(Accelerator acc) {
        return bootTimeout != null ? bootTimeout : acc == Accelerator.KVM ? Antrieb.DEFAULT_BOOT_TIMEOUT_KVM : Antrieb.DEFAULT_BOOT_TIMEOUT_TCG;
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Settings one at a time, starting from {@link Antrieb}'s defaults (without the environment's overrides). */
    public static final class Builder {
        private URI uri = Antrieb.DEFAULT_LIBVIRT_URI;
        private Path imageCache = Antrieb.DEFAULT_IMAGE_CACHE;
        private int maxConcurrentClusters = Antrieb.DEFAULT_MAX_CONCURRENT_CLUSTERS;
        private Duration queueTimeout = Antrieb.DEFAULT_QUEUE_TIMEOUT;
        private Duration defaultTtl = Antrieb.DEFAULT_TTL;
        private Duration maxTtl = Antrieb.DEFAULT_MAX_TTL;
        private int maxNodes = Antrieb.DEFAULT_MAX_NODES;
        private VmSize defaultVmSize = VmSize.DEFAULT;
        private Duration execTimeout = Antrieb.DEFAULT_EXEC_TIMEOUT;
        private long outputLimit = Antrieb.DEFAULT_OUTPUT_LIMIT;
        private Duration bootTimeout;
        private Accelerator accelerator;
        private List<Integer> egressPorts = Antrieb.DEFAULT_EGRESS_PORTS;
        private boolean warmStart = Antrieb.DEFAULT_WARM_START;
        private TemplatePolicy.Budget templateBudget = TemplatePolicy.Budget.DEFAULT;

        /** A builder starting from the defaults. */
        public Builder() {
        }

        private Builder(Settings s) {
            uri = s.uri;
            imageCache = s.imageCache;
            maxConcurrentClusters = s.maxConcurrentClusters;
            queueTimeout = s.queueTimeout;
            defaultTtl = s.defaultTtl;
            maxTtl = s.maxTtl;
            maxNodes = s.maxNodes;
            defaultVmSize = s.defaultVmSize;
            execTimeout = s.execTimeout;
            outputLimit = s.outputLimit;
            bootTimeout = s.bootTimeout;
            accelerator = s.accelerator;
            egressPorts = s.egressPorts;
            warmStart = s.warmStart;
            templateBudget = s.templateBudget;
        }

        /** See {@link Settings#uri()}. */
        public Builder uri(URI uri) {
            this.uri = uri;
            return this;
        }

        /** See {@link Settings#imageCache()}. */
        public Builder imageCache(Path dir) {
            this.imageCache = dir;
            return this;
        }

        /** See {@link Settings#maxConcurrentClusters()}. */
        public Builder maxConcurrentClusters(int n) {
            this.maxConcurrentClusters = n;
            return this;
        }

        /** See {@link Settings#queueTimeout()}. */
        public Builder queueTimeout(Duration wait) {
            this.queueTimeout = wait;
            return this;
        }

        /** See {@link Settings#defaultTtl()}. */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = ttl;
            return this;
        }

        /** See {@link Settings#maxTtl()}. */
        public Builder maxTtl(Duration ttl) {
            this.maxTtl = ttl;
            return this;
        }

        /** See {@link Settings#maxNodes()}. */
        public Builder maxNodes(int n) {
            this.maxNodes = n;
            return this;
        }

        /** See {@link Settings#defaultVmSize()}. */
        public Builder defaultVmSize(VmSize size) {
            this.defaultVmSize = size;
            return this;
        }

        /** See {@link Settings#execTimeout()}. */
        public Builder execTimeout(Duration timeout) {
            this.execTimeout = timeout;
            return this;
        }

        /** See {@link Settings#outputLimit()}. */
        public Builder outputLimit(long bytes) {
            this.outputLimit = bytes;
            return this;
        }

        /** See {@link Settings#bootTimeout()}. */
        public Builder bootTimeout(Duration timeout) {
            this.bootTimeout = timeout;
            return this;
        }

        /** See {@link Settings#accelerator()}. */
        public Builder accelerator(Accelerator accelerator) {
            this.accelerator = accelerator;
            return this;
        }

        /** See {@link Settings#egressPorts()}. */
        public Builder egressPorts(List<Integer> ports) {
            this.egressPorts = List.copyOf(ports);
            return this;
        }

        /** See {@link Settings#warmStart()}. */
        public Builder warmStart(boolean warmStart) {
            this.warmStart = warmStart;
            return this;
        }

        /** See {@link Settings#templateBudget()}. */
        public Builder templateBudget(TemplatePolicy.Budget budget) {
            this.templateBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** The settings as they stand; the builder may go on changing. */
        public Settings build() {
            return new Settings(uri, imageCache, maxConcurrentClusters, queueTimeout, defaultTtl, maxTtl, maxNodes,
                    defaultVmSize, execTimeout, outputLimit, bootTimeout, accelerator, egressPorts, warmStart, templateBudget);
        }
    }
}
