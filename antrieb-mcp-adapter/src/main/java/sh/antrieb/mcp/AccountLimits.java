package sh.antrieb.mcp;

import java.time.Duration;
import java.util.Objects;

/**
 * What one account may hold at once. The defaults are the product's: 2 concurrent clusters, 4 nodes per
 * cluster plus one controller node, a hard TTL of 10 minutes.
 *
 * @param maxConcurrentClusters clusters the account may hold open at once
 * @param maxNodes              nodes per cluster, not counting one controller node
 * @param ttl                   the hard time to live of every cluster the account provisions
 */
public record AccountLimits(int maxConcurrentClusters, int maxNodes, Duration ttl) {
    /** The product defaults: 2 clusters, 4 (+1 controller) nodes, 10 minutes. */
    public static final AccountLimits DEFAULTS = new AccountLimits(2, 4, Duration.ofMinutes(10));

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
