package sh.antrieb.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import sh.antrieb.Accelerator;
import sh.antrieb.AntriebException;
import sh.antrieb.HostUnavailableException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.VmSize;

/**
 * Which host of a pool a new cluster goes on: pure policy over the hosts' figures, so that it is tested without a
 * host. The whole cluster goes on one host.
 *
 * <p>A host <em>fits</em> when it answers, holds fewer than its cap of clusters, and has free memory for the
 * cluster's nodes plus the margin ({@link #requiredMiB}: {@value #NODE_OVERHEAD_MIB} MiB per node for QEMU itself
 * and {@value #HOST_RESERVE_MIB} MiB left to the host). vCPUs are not a limit (libvirt overcommits them) but count
 * in the score. Of the hosts that fit, the first in this order is chosen:
 * <ol>
 *   <li>{@link Accelerator#KVM} before {@link Accelerator#TCG};</li>
 *   <li>more of the cluster's images with a warm-start template on the host;</li>
 *   <li>the higher {@link #score score}: the clusters of this demand the host's free memory would still hold,
 *       divided by one plus the host's vCPU commitment (guests' vCPUs per host CPU) once this cluster runs;</li>
 *   <li>fewer running guests per CPU;</li>
 *   <li>the earlier in the list given (the order the hosts were configured in).</li>
 * </ol>
 * {@link #decide} returns a {@link Decision} that says why each other host was not chosen, for logs and errors;
 * {@link Decision#host()} throws when no host fits, naming each host, why, and what to do.
 */
public final class Placement {
    /** Memory a host keeps beyond what its guests take (libvirtd, sshd, the page cache images are read through): {@value} MiB. */
    public static final long HOST_RESERVE_MIB = 512;
    /** Memory QEMU itself takes per guest beyond the guest's RAM (device models, page tables, buffers): {@value} MiB. */
    public static final long NODE_OVERHEAD_MIB = 128;

    private static final long MIB = 1L << 20;

    private Placement() {
    }

    /**
     * What a cluster asks of its host.
     *
     * @param nodes     the cluster's nodes (controller included)
     * @param memoryMiB guest memory of all nodes together
     * @param vcpus     vCPUs of all nodes together
     * @param images    the images the nodes boot, each once, in node order (what a warm template is looked up by)
     */
    public record Demand(int nodes, long memoryMiB, int vcpus, Set<String> images) {
        /** Checks the figures and copies the images. */
        public Demand {
            if (nodes < 1 || memoryMiB < 1 || vcpus < 1) {
                throw new IllegalArgumentException("a placement demand needs at least one node, 1 MiB and 1 vCPU; got "
                        + nodes + " node(s), " + memoryMiB + " MiB, " + vcpus + " vCPU");
            }
            Objects.requireNonNull(images, "images");
            images = Collections.unmodifiableSet(new LinkedHashSet<>(images));
        }

        /** {@code nodes} nodes of {@code size}, all booting {@code image}. */
        public static Demand of(int nodes, VmSize size, String image) {
            Objects.requireNonNull(image, "image");
            return new Demand(nodes, (long) nodes * size.memoryMiB(), nodes * size.vcpus(), Set.of(image));
        }

        /** One node of {@code size} per entry of {@code nodeImages} (as {@link sh.antrieb.ClusterSpec#nodeImages()}). */
        public static Demand of(List<String> nodeImages, VmSize size) {
            int n = nodeImages.size();
            return new Demand(n, (long) n * size.memoryMiB(), n * size.vcpus(), new LinkedHashSet<>(nodeImages));
        }

        @Override
        public String toString() {
            return nodes + " node(s), " + memoryMiB + " MiB, " + vcpus + " vCPU, image " + String.join(", ", images);
        }
    }

    /**
     * One host of the pool as placement sees it, as of one moment.
     *
     * @param uri             the host's libvirt URI
     * @param answering       whether the host answered when its figures were read; the other figures do not matter when not
     * @param accelerator     how guests execute there; may be null when not answering
     * @param cpus            the host's logical CPUs
     * @param memoryBytes     the host's memory
     * @param freeMemoryBytes the host's free memory
     * @param runningGuests   running domains on the host, Antrieb's and any others
     * @param guestVcpus      vCPUs of those domains together
     * @param clustersHere    this client's live clusters on the host
     * @param maxClusters     clusters this client may hold on the host at once ({@link #UNLIMITED}: no cap)
     * @param warmImages      images that have a warm-start template on the host for the demanded VM size
     */
    public record Candidate(URI uri, boolean answering, Accelerator accelerator, int cpus, long memoryBytes,
                            long freeMemoryBytes, int runningGuests, int guestVcpus, int clustersHere, int maxClusters,
                            Set<String> warmImages) {
        /** A {@link #maxClusters} that caps nothing. */
        public static final int UNLIMITED = Integer.MAX_VALUE;

        /** Checks the figures and copies the images. */
        public Candidate {
            Objects.requireNonNull(uri, "uri");
            if (answering) {
                Objects.requireNonNull(accelerator, "accelerator of an answering host");
                if (cpus < 1) {
                    throw new IllegalArgumentException(uri + ": an answering host has at least one CPU, got " + cpus);
                }
            }
            if (maxClusters < 1) {
                throw new IllegalArgumentException(uri + ": a host's cap must be at least 1 cluster (Candidate.UNLIMITED: none), got "
                        + maxClusters);
            }
            warmImages = Set.copyOf(Objects.requireNonNull(warmImages, "warmImages"));
        }

        /** An answering host with libvirt's {@code figures}. */
        public static Candidate of(URI uri, Accelerator accelerator, LibvirtHost.Figures figures, int clustersHere,
                                   int maxClusters, Set<String> warmImages) {
            return new Candidate(uri, true, accelerator, figures.cpus(), figures.memoryBytes(), figures.freeMemoryBytes(),
                    figures.runningGuests(), figures.guestVcpus(), clustersHere, maxClusters, warmImages);
        }

        /** A host that did not answer: taken out of placement until it does. */
        public static Candidate notAnswering(URI uri, int clustersHere, int maxClusters) {
            return new Candidate(uri, false, null, 0, 0, 0, 0, 0, clustersHere, maxClusters, Set.of());
        }

        /** The same host in other state: answering or not, figures kept. */
        public Candidate withAnswering(boolean answering) {
            return new Candidate(uri, answering, accelerator, cpus, memoryBytes, freeMemoryBytes, runningGuests, guestVcpus,
                    clustersHere, maxClusters, warmImages);
        }

        /**
         * The host as it will be once a cluster of {@code demand} runs on it (free memory down by the nodes' memory and
         * QEMU's overhead, guests and vCPUs up, one cluster more), for placing several clusters before libvirt's
         * figures are read again.
         */
        public Candidate afterPlacing(Demand demand) {
            long taken = (demand.memoryMiB() + demand.nodes() * NODE_OVERHEAD_MIB) * MIB;
            return new Candidate(uri, answering, accelerator, cpus, memoryBytes, Math.max(0, freeMemoryBytes - taken),
                    runningGuests + demand.nodes(), guestVcpus + demand.vcpus(), clustersHere + 1, maxClusters, warmImages);
        }
    }

    /**
     * What placement made of one host.
     *
     * @param candidate the host
     * @param fits      whether the cluster could go there
     * @param score     its {@link Placement#score score} when it fits, 0 when not
     * @param reason    why it was chosen, or why not (in words for logs and errors)
     */
    public record Verdict(Candidate candidate, boolean fits, double score, String reason) {
    }

    /**
     * A placement: the chosen host, if any, and a verdict on every host.
     *
     * @param demand   what the cluster asked for
     * @param chosen   the host the cluster goes on; empty when none fits
     * @param verdicts every host: the chosen one first, then the others that fit from best to worst, then those that
     *                 do not, in the order given
     */
    public record Decision(Demand demand, Optional<Candidate> chosen, List<Verdict> verdicts) {
        /** Copies the verdicts. */
        public Decision {
            Objects.requireNonNull(demand, "demand");
            Objects.requireNonNull(chosen, "chosen");
            verdicts = List.copyOf(verdicts);
        }

        /**
         * The chosen host. When none fits, throws a {@link HostUnavailableException} if no host answers, else a
         * {@link LimitExceededException} ({@link sh.antrieb.ErrorCode#LIMIT_EXCEEDED}); either names each host, why it
         * was not chosen and what to do.
         */
        public Candidate host() {
            return chosen.orElseThrow(this::failure);
        }

        /** The verdict on {@code uri}. */
        public Verdict verdict(URI uri) {
            return verdicts.stream().filter(v -> v.candidate().uri().equals(uri)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(uri + " was not a candidate"));
        }

        /** The decision in words, one line per host, for logs and reports. */
        public String explain() {
            StringBuilder s = new StringBuilder();
            s.append(chosen.map(c -> "placed " + demand + " on " + c.uri()).orElse("no host for " + demand));
            for (Verdict v : verdicts) {
                s.append("\n  ").append(v.candidate().uri()).append(": ").append(v.reason());
            }
            return s.toString();
        }

        private AntriebException failure() {
            StringBuilder s = new StringBuilder("No host can take this cluster (" + demand + "):");
            boolean anyAnswering = false;
            boolean capped = false;
            boolean memory = false;
            for (Verdict v : verdicts) {
                Candidate c = v.candidate();
                s.append("\n  ").append(c.uri()).append(": ").append(v.reason());
                anyAnswering |= c.answering();
                boolean atCap = c.answering() && c.clustersHere() >= c.maxClusters();
                capped |= atCap;
                memory |= c.answering() && !atCap && c.freeMemoryBytes() / MIB < requiredMiB(demand);
            }
            s.append("\nWhat to do:");
            if (verdicts.stream().anyMatch(v -> !v.candidate().answering())) {
                s.append(" check libvirtd and the SSH connection of the hosts not answering (a host comes back into placement"
                        + " as soon as it answers);");
            }
            if (capped) {
                s.append(" close a cluster on a host at its cap, or raise that host's cap;");
            }
            if (memory) {
                s.append(" ask for fewer or smaller nodes (VmSize), or free memory on a host (close clusters, stop other guests);");
            }
            s.append(" or add a host to the pool.");
            String message = s.toString();
            return anyAnswering ? new LimitExceededException(message) : new HostUnavailableException(message, null);
        }
    }

    /**
     * Memory a host must have free for {@code demand}: the nodes' memory, {@value #NODE_OVERHEAD_MIB} MiB per node
     * and {@value #HOST_RESERVE_MIB} MiB for the host.
     */
    public static long requiredMiB(Demand demand) {
        return demand.memoryMiB() + demand.nodes() * NODE_OVERHEAD_MIB + HOST_RESERVE_MIB;
    }

    /**
     * How good a host that fits is for {@code demand}, higher is better:
     * {@code room / (1 + commitment)}, where {@code room} = (free memory − {@value #HOST_RESERVE_MIB} MiB) / (the
     * nodes' memory + {@value #NODE_OVERHEAD_MIB} MiB per node), the clusters of this demand the host could still
     * take (at least 1 when it fits), and {@code commitment} = (the running guests' vCPUs + the demand's vCPUs) / host
     * CPUs. A host twice as roomy and equally busy scores twice as high; so clusters placed one after another land in
     * proportion to the hosts' capacity.
     */
    public static double score(Candidate host, Demand demand) {
        double room = (host.freeMemoryBytes() / (double) MIB - HOST_RESERVE_MIB)
                / (demand.memoryMiB() + demand.nodes() * NODE_OVERHEAD_MIB);
        double commitment = (host.guestVcpus() + demand.vcpus()) / (double) host.cpus();
        return room / (1 + commitment);
    }

    /** Places {@code demand} on one of {@code hosts}: the chosen host, or the exception {@link Decision#host()} throws. */
    public static Candidate place(Demand demand, List<Candidate> hosts) {
        return decide(demand, hosts).host();
    }

    /**
     * Weighs each of {@code hosts} for {@code demand} by the rules of this class and says which one the cluster goes
     * on and why each other does not; never throws for lack of room (see {@link Decision#host()}).
     *
     * @throws IllegalArgumentException when {@code hosts} is empty or names a host twice
     */
    public static Decision decide(Demand demand, List<Candidate> hosts) {
        Objects.requireNonNull(demand, "demand");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no hosts to place a cluster on: configure at least one");
        }
        Set<URI> seen = new LinkedHashSet<>();
        for (Candidate c : hosts) {
            if (!seen.add(c.uri())) {
                throw new IllegalArgumentException("host " + c.uri() + " is listed twice");
            }
        }
        List<Ranked> fitting = new ArrayList<>();
        List<Verdict> unfit = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            Candidate c = hosts.get(i);
            String why = whyNot(c, demand);
            if (why == null) {
                fitting.add(new Ranked(c, i, warm(c, demand), score(c, demand)));
            } else {
                unfit.add(new Verdict(c, false, 0, why));
            }
        }
        fitting.sort(Comparator.comparingInt((Ranked r) -> r.host.accelerator() == Accelerator.KVM ? 0 : 1)
                .thenComparing(Comparator.comparingInt((Ranked r) -> r.warm).reversed())
                .thenComparing(Comparator.comparingDouble((Ranked r) -> r.score).reversed())
                .thenComparingDouble(r -> r.host.runningGuests() / (double) r.host.cpus())
                .thenComparingInt(r -> r.order));
        List<Verdict> verdicts = new ArrayList<>();
        Ranked best = fitting.isEmpty() ? null : fitting.get(0);
        for (Ranked r : fitting) {
            String reason = r == best ? "chosen: " + describe(r, demand) : "fits, not chosen: " + versus(r, best, demand);
            verdicts.add(new Verdict(r.host, true, r.score, reason));
        }
        verdicts.addAll(unfit);
        return new Decision(demand, Optional.ofNullable(best).map(r -> r.host), verdicts);
    }

    private record Ranked(Candidate host, int order, int warm, double score) {
    }

    /** Why {@code c} cannot take {@code demand}, or null when it can. */
    private static String whyNot(Candidate c, Demand demand) {
        if (!c.answering()) {
            return "not answering (taken out of placement until it does)";
        }
        if (c.clustersHere() >= c.maxClusters()) {
            return "at its cap of " + c.maxClusters() + " cluster(s)";
        }
        long required = requiredMiB(demand);
        long free = c.freeMemoryBytes() / MIB;
        if (free < required) {
            String what = "needs " + required + " MiB (" + demand.memoryMiB() + " MiB for " + demand.nodes() + " node(s) + "
                    + demand.nodes() * NODE_OVERHEAD_MIB + " MiB QEMU overhead + " + HOST_RESERVE_MIB + " MiB host reserve), has "
                    + free + " MiB free";
            return c.memoryBytes() / MIB < required ? what + " of " + c.memoryBytes() / MIB + " MiB in all: it can never fit there"
                    : what;
        }
        return null;
    }

    private static int warm(Candidate c, Demand demand) {
        return (int) demand.images().stream().filter(c.warmImages()::contains).count();
    }

    private static String describe(Ranked r, Demand demand) {
        Candidate c = r.host;
        return c.accelerator() + ", warm template for " + warmText(r, demand) + ", score " + fmt(r.score) + " ("
                + c.freeMemoryBytes() / MIB + " MiB free, " + c.guestVcpus() + " guest vCPU on " + c.cpus() + " CPUs, "
                + c.runningGuests() + " guest(s) running, " + c.clustersHere() + " of "
                + (c.maxClusters() == Candidate.UNLIMITED ? "unlimited" : Integer.toString(c.maxClusters())) + " cluster(s))";
    }

    private static String warmText(Ranked r, Demand demand) {
        if (r.warm == 0) {
            return "none of " + String.join(", ", demand.images());
        }
        return demand.images().stream().filter(r.host.warmImages()::contains).collect(Collectors.joining(", "));
    }

    /** Why {@code r}, which fits, ranks below {@code best}. */
    private static String versus(Ranked r, Ranked best, Demand demand) {
        URI winner = best.host.uri();
        if (r.host.accelerator() != best.host.accelerator()) {
            return "guests would run under " + r.host.accelerator() + ", " + winner + " has " + best.host.accelerator();
        }
        if (r.warm != best.warm) {
            return "warm template for " + warmText(r, demand) + ", " + winner + " has one for " + warmText(best, demand);
        }
        if (r.score != best.score) {
            return "less room: score " + fmt(r.score) + " against " + fmt(best.score) + " of " + winner + " ("
                    + r.host.freeMemoryBytes() / MIB + " MiB free, " + r.host.guestVcpus() + " guest vCPU on " + r.host.cpus()
                    + " CPUs)";
        }
        if (r.host.runningGuests() * (long) best.host.cpus() != best.host.runningGuests() * (long) r.host.cpus()) {
            return "as roomy as " + winner + " (score " + fmt(r.score) + ") with more running guests per CPU ("
                    + r.host.runningGuests() + " on " + r.host.cpus() + ")";
        }
        return "as good as " + winner + " (score " + fmt(r.score) + "), which comes first in the list of hosts";
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
