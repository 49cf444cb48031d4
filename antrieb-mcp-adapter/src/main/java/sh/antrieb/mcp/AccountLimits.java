package sh.antrieb.mcp;

import java.time.Duration;
import java.util.Objects;

import sh.antrieb.Antrieb;

/**
 * What one account may hold at once. The defaults are what one {@link Antrieb} client holds by default: an
 * account of the server is limited like a library user on their own machine.
 *
 * @param maxConcurrentClusters clusters the account may hold open at once
 * @param maxNodes              nodes per cluster, not counting one controller node
 * @param ttl                   the hard time to live of every cluster the account provisions
 */
public record AccountLimits(int maxConcurrentClusters, int maxNodes, Duration ttl) {
    /**
     * The product defaults: {@link Antrieb#DEFAULT_MAX_CONCURRENT_CLUSTERS} clusters, {@link Antrieb#DEFAULT_MAX_NODES}
     * (+1 controller) nodes, a TTL of {@link Antrieb#DEFAULT_TTL}.
     */
    public static final AccountLimits DEFAULTS = new AccountLimits(Antrieb.DEFAULT_MAX_CONCURRENT_CLUSTERS, Antrieb.DEFAULT_MAX_NODES,
            Antrieb.DEFAULT_TTL);

    /** Validates the limits. */
    public AccountLimits {
        if (maxConcurrentClusters < 1) {
            throw new IllegalArgumentException("maxConcurrentClusters must be at least 1, was " + maxConcurrentClusters);
        }
        if (maxNodes < 1) {
            throw new IllegalArgumentException("maxNodes must be at least 1, was " + maxNodes);
        }
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
    }

    /** These limits with another number of concurrent clusters. */
    public AccountLimits withMaxConcurrentClusters(int n) {
        return new AccountLimits(n, maxNodes, ttl);
    }

    /** These limits with another number of nodes per cluster (not counting one controller). */
    public AccountLimits withMaxNodes(int n) {
        return new AccountLimits(maxConcurrentClusters, n, ttl);
    }

    /** These limits with another cluster TTL. */
    public AccountLimits withTtl(Duration ttl) {
        return new AccountLimits(maxConcurrentClusters, maxNodes, ttl);
    }
}
