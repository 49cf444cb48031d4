package sh.antrieb.mcp.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.ErrorCode;
import sh.antrieb.LimitExceededException;
import sh.antrieb.mcp.Account;

/**
 * Which account owns which cluster. Clusters belong to the account of the key that made them, not to an
 * MCP session: every session of the account sees them, no other account does. Gone clusters (deleted,
 * expired) are remembered for a while so that exec and delete on them say {@code cluster_expired}.
 */
public final class ClusterRegistry {
    private static final int REMEMBERED_GONE = 10_000;

    private record Owned(String account, Cluster cluster) {
    }

    private record Gone(String account, String reason) {
    }

    private final Map<String, Owned> clusters = new ConcurrentHashMap<>();
    private final Map<String, Integer> pending = new HashMap<>();
    private final Map<String, Gone> gone = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Gone> eldest) {
            return size() > REMEMBERED_GONE;
        }
    };

    /** A session id that names no cluster of the asking account. */
    public static final class UnknownSessionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownSessionException(String message) {
            super(message);
        }
    }

    /**
     * Provisions through {@code provision} within the account's limit of concurrent clusters, counting
     * provisions still in flight, and registers the result as the account's.
     *
     * @throws LimitExceededException when the account already holds its limit
     */
    public Cluster provision(Account account, Supplier<Cluster> provision) {
        synchronized (this) {
            List<String> open = openIds(account);
            int inFlight = pending.getOrDefault(account.name(), 0);
            int limit = account.limits().maxConcurrentClusters();
            if (open.size() + inFlight >= limit) {
                throw new LimitExceededException(ErrorCode.CONCURRENT_CLUSTERS, "limit of " + limit + " concurrent cluster" + (limit == 1 ? "" : "s")
                        + " for this account reached (open: " + open + (inFlight > 0 ? ", " + inFlight + " being provisioned" : "")
                        + "): delete one with delete {type: cluster, name: <session_id>} or wait for its TTL, then provision again");
            }
            pending.merge(account.name(), 1, Integer::sum);
        }
        try {
            Cluster c = provision.get();
            clusters.put(c.id(), new Owned(account.name(), c));
            return c;
        } finally {
            synchronized (this) {
                pending.computeIfPresent(account.name(), (k, v) -> v > 1 ? v - 1 : null);
            }
        }
    }

    /**
     * The account's cluster {@code sessionId}, open or not (a closed cluster's exec then says cluster_expired).
     *
     * @throws ClusterExpiredException  when it was deleted or expired and is remembered as the account's
     * @throws UnknownSessionException  when the account has no such cluster (other accounts' clusters included)
     */
    public Cluster find(Account account, String sessionId) {
        Owned o = clusters.get(sessionId);
        if (o != null && o.account.equals(account.name())) {
            if (!o.cluster.isOpen()) {
                forget(sessionId, o, reasonOf(o.cluster));
                throw new ClusterExpiredException(sessionId, reasonOf(o.cluster));
            }
            return o.cluster;
        }
        Gone g;
        synchronized (this) {
            g = gone.get(sessionId);
        }
        if (g != null && g.account.equals(account.name())) {
            throw new ClusterExpiredException(sessionId, g.reason);
        }
        throw new UnknownSessionException("unknown session_id '" + sessionId + "': this account has no such cluster. "
                + "Its open clusters: " + openIds(account) + ". Provision one with provision, or list them with search {type: cluster}.");
    }

    /**
     * Destroys the account's cluster {@code sessionId}.
     *
     * @throws ClusterExpiredException when the account has no live cluster of that id (already deleted, expired,
     *                                 or unknown): a retried delete lands here, and clients take it as done
     */
    public void delete(Account account, String sessionId) {
        Owned o = clusters.get(sessionId);
        if (o == null || !o.account.equals(account.name())) {
            Gone g;
            synchronized (this) {
                g = gone.get(sessionId);
            }
            String reason = g != null && g.account.equals(account.name()) ? g.reason
                    : "is not a live cluster of this account (it was deleted, expired, or never existed here)";
            throw new ClusterExpiredException(sessionId, reason);
        }
        if (!o.cluster.isOpen()) {
            String reason = reasonOf(o.cluster);
            forget(sessionId, o, reason);
            throw new ClusterExpiredException(sessionId, reason);
        }
        o.cluster.close();
        forget(sessionId, o, "was deleted at " + Instant.now());
    }

    /** The account's open clusters, oldest first. */
    public List<Cluster> list(Account account) {
        List<Cluster> out = new ArrayList<>();
        for (Map.Entry<String, Owned> e : List.copyOf(clusters.entrySet())) {
            Owned o = e.getValue();
            if (!o.cluster.isOpen()) {
                forget(e.getKey(), o, reasonOf(o.cluster));
            } else if (o.account.equals(account.name())) {
                out.add(o.cluster);
            }
        }
        out.sort(Comparator.comparing(Cluster::createdAt));
        return out;
    }

    /** Every account's open clusters, oldest first (for the server's gauges). */
    public List<Cluster> listAll() {
        List<Cluster> out = new ArrayList<>();
        for (Owned o : List.copyOf(clusters.values())) {
            if (o.cluster.isOpen()) {
                out.add(o.cluster);
            }
        }
        out.sort(Comparator.comparing(Cluster::createdAt));
        return out;
    }

    /** Every account's open clusters by account name, each oldest first (for the operator's view). */
    public Map<String, List<Cluster>> byAccount() {
        Map<String, List<Cluster>> out = new java.util.TreeMap<>();
        for (Owned o : List.copyOf(clusters.values())) {
            if (o.cluster.isOpen()) {
                out.computeIfAbsent(o.account, k -> new ArrayList<>()).add(o.cluster);
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(Cluster::createdAt)));
        return out;
    }

    private List<String> openIds(Account account) {
        return list(account).stream().map(Cluster::id).toList();
    }

    private void forget(String id, Owned o, String reason) {
        if (clusters.remove(id, o)) {
            synchronized (this) {
                gone.put(id, new Gone(o.account, reason));
            }
        }
    }

    private static String reasonOf(Cluster c) {
        if (!Instant.now().isBefore(c.expiresAt())) {
            return "expired at its TTL (" + c.expiresAt() + ")";
        }
        return c.isLost() ? "is lost: its host " + c.host() + " stopped answering" : "was closed";
    }
}
