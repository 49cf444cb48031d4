package sh.antrieb.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts of one client and where its next cluster goes: every host is asked for its figures
 * ({@link Engine#candidate}) and {@link Placement} picks one. A host that does not answer is left out of that
 * placement and of the ones after it until it answers again (it is asked again each time, so it comes back on its
 * own); the change is logged once each way.
 *
 * @param <E> the engines (libvirt hosts in production, fakes in tests)
 */
public final class HostPool<E extends Engine> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostPool.class);

    private final List<E> engines;
    private final int maxClustersPerHost;
    private final Map<URI, Boolean> answering = new ConcurrentHashMap<>();

    /**
     * @param engines            the hosts, in the order placement breaks ties by (the first is the primary: the
     *                           catalog builds images there)
     * @param maxClustersPerHost this client's cap of clusters on each host ({@link Placement.Candidate#UNLIMITED}: none)
     */
    public HostPool(List<E> engines, int maxClustersPerHost) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one host");
        }
        this.engines = List.copyOf(engines);
        this.maxClustersPerHost = maxClustersPerHost;
        this.engines.forEach(e -> answering.put(e.uri(), true));
    }

    /** The hosts, primary first. */
    public List<E> engines() {
        return engines;
    }

    /** The first host given. */
    public E primary() {
        return engines.get(0);
    }

    /** The host at {@code uri}, if it is one of the pool's. */
    public Optional<E> engine(URI uri) {
        return engines.stream().filter(e -> e.uri().equals(uri)).findFirst();
    }

    /** Whether the host answered the last time it was asked. */
    public boolean isAnswering(URI uri) {
        return answering.getOrDefault(uri, false);
    }

    /**
     * The host the cluster {@code demand} goes on: one engine, asked right away; with a single host, that host
     * (whatever its figures: its own limits and libvirt's answer then).
     *
     * @param clustersOn how many of this client's clusters each host holds now
     * @throws sh.antrieb.LimitExceededException when no answering host fits, naming each host and why
     * @throws sh.antrieb.HostUnavailableException when no host answers
     */
    public E place(Placement.Demand demand, ToIntFunction<URI> clustersOn) {
        if (engines.size() == 1) {
            return engines.get(0);
        }
        Map<URI, E> byUri = new LinkedHashMap<>();
        List<Placement.Candidate> candidates = new ArrayList<>();
        for (E e : engines) {
            Placement.Candidate c = e.candidate(clustersOn.applyAsInt(e.uri()), maxClustersPerHost, demand.images());
            noteAnswering(e.uri(), c.answering());
            byUri.put(e.uri(), e);
            candidates.add(c);
        }
        Placement.Decision d = Placement.decide(demand, candidates);
        if (log.isDebugEnabled()) {
            log.debug("placement: {}", d.explain());
        }
        E chosen = byUri.get(d.host().uri());
        log.info("placement: cluster of {} node(s) goes on {}", demand.nodes(), chosen.uri());
        return chosen;
    }

    private void noteAnswering(URI uri, boolean now) {
        Boolean before = answering.put(uri, now);
        if (before != null && before != now) {
            if (now) {
                log.info("host {} answers again: back in placement", uri);
            } else {
                log.warn("host {} does not answer: out of placement until it does", uri);
            }
        }
    }

    /** Closes every host's connection. */
    @Override
    public void close() {
        for (E e : engines) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                log.warn("closing host {}: {}", e.uri(), ex.getMessage());
            }
        }
    }
}
