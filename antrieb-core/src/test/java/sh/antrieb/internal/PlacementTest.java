package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import sh.antrieb.Accelerator;
import sh.antrieb.ErrorCode;
import sh.antrieb.HostUnavailableException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.VmSize;

/** The choice of a host for a cluster in a pool, over hosts made up here. */
class PlacementTest {
    private static final URI A = URI.create("qemu:///system");
    private static final URI B = URI.create("qemu+ssh://root@kvm1/system");
    private static final URI C = URI.create("qemu+ssh://root@kvm2/system");
    private static final long MIB = 1L << 20;
    /** One node of 2 vCPU / 2048 MiB: needs 2048 + 128 + 512 = 2688 MiB free. */
    private static final Placement.Demand ONE = Placement.Demand.of(1, VmSize.of(2, 2048), "debian12");

    private static Placement.Candidate host(URI uri, Accelerator accelerator, long freeMiB, int cpus, String... warm) {
        return new Placement.Candidate(uri, true, accelerator, cpus, 64L << 30, freeMiB * MIB, 0, 0, 0,
                Placement.Candidate.UNLIMITED, Set.of(warm));
    }

    private static Placement.Candidate kvm(URI uri, long freeMiB, String... warm) {
        return host(uri, Accelerator.KVM, freeMiB, 8, warm);
    }

    private static Placement.Candidate withClusters(Placement.Candidate c, int here, int cap) {
        return new Placement.Candidate(c.uri(), c.answering(), c.accelerator(), c.cpus(), c.memoryBytes(), c.freeMemoryBytes(),
                c.runningGuests(), c.guestVcpus(), here, cap, c.warmImages());
    }

    @Test
    void kvmIsPreferredOverTcgEvenWhenTheTcgHostHasMoreRoom() {
        Placement.Candidate tcg = host(A, Accelerator.TCG, 32_000, 16);
        Placement.Candidate kvm = kvm(B, 4_000);
        Placement.Decision d = Placement.decide(ONE, List.of(tcg, kvm));
        assertThat(d.host().uri()).isEqualTo(B);
        assertThat(d.verdict(A).fits()).isTrue();
        assertThat(d.verdict(A).reason()).contains("TCG").contains(B.toString());
        // only TCG left: it is used rather than failing
        assertThat(Placement.place(ONE, List.of(tcg)).uri()).isEqualTo(A);
    }

    @Test
    void aWarmTemplateForTheImageWinsAmongHostsOfTheSameAcceleratorButNotOverKvm() {
        Placement.Candidate coldRoomy = kvm(A, 32_000, "debian13");
        Placement.Candidate warm = kvm(B, 4_000, "debian12");
        Placement.Decision d = Placement.decide(ONE, List.of(coldRoomy, warm));
        assertThat(d.host().uri()).isEqualTo(B);
        assertThat(d.verdict(A).reason()).contains("warm template for none of debian12");
        // a warm template does not make up for TCG
        assertThat(Placement.place(ONE, List.of(host(A, Accelerator.TCG, 32_000, 8, "debian12"), kvm(B, 4_000))).uri())
                .isEqualTo(B);
        // a cluster of two images: the host warm for both beats the one warm for one
        Placement.Demand mixed = Placement.Demand.of(List.of("debian12", "debian13", "debian13"), VmSize.of(1, 1024));
        assertThat(mixed.images()).containsExactly("debian12", "debian13");
        assertThat(Placement.place(mixed, List.of(kvm(A, 32_000, "debian12"), kvm(B, 8_000, "debian12", "debian13"))).uri())
                .isEqualTo(B);
    }

    @Test
    void freeMemoryMustCoverTheNodesPlusQemuOverheadPlusTheHostReserve() {
        Placement.Demand three = Placement.Demand.of(3, VmSize.of(4, 2048), "debian12");
        assertThat(Placement.requiredMiB(three)).isEqualTo(3 * 2048 + 3 * Placement.NODE_OVERHEAD_MIB + Placement.HOST_RESERVE_MIB)
                .isEqualTo(7040);
        assertThat(Placement.place(three, List.of(kvm(A, 7040))).uri()).isEqualTo(A);

        Placement.Decision d = Placement.decide(three, List.of(kvm(A, 7039), kvm(B, 6144 + 100)));
        assertThat(d.chosen()).isEmpty();
        assertThat(d.verdict(A).fits()).isFalse();
        assertThat(d.verdict(A).reason()).contains("needs 7040 MiB").contains("has 7039 MiB free");
        // room for the guests' own memory is not enough without the margin
        assertThat(d.verdict(B).fits()).isFalse();

        Placement.Candidate small = new Placement.Candidate(C, true, Accelerator.KVM, 4, 4096 * MIB, 4000 * MIB, 0, 0, 0,
                Placement.Candidate.UNLIMITED, Set.of());
        assertThat(Placement.decide(three, List.of(small)).verdict(C).reason()).contains("of 4096 MiB in all: it can never fit there");
    }

    @Test
    void aHostAtItsCapIsSkippedWhateverItsRoom() {
        Placement.Candidate roomy = kvm(A, 64_000);
        Placement.Candidate tight = kvm(B, 4_000);
        Placement.Decision full = Placement.decide(ONE, List.of(withClusters(roomy, 2, 2), tight));
        assertThat(full.host().uri()).isEqualTo(B);
        assertThat(full.verdict(A).reason()).isEqualTo("at its cap of 2 cluster(s)");

        assertThat(Placement.place(ONE, List.of(withClusters(roomy, 1, 2), tight)).uri()).isEqualTo(A);
        // a cluster landing on it brings it to its cap
        Placement.Candidate afterOne = withClusters(roomy, 1, 2).afterPlacing(ONE);
        assertThat(afterOne.clustersHere()).isEqualTo(2);
        assertThat(Placement.place(ONE, List.of(afterOne, tight)).uri()).isEqualTo(B);
    }

    @Test
    void aHostNotAnsweringIsSkippedAndComesBackWhenItAnswers() {
        Placement.Candidate best = kvm(A, 64_000, "debian12");
        Placement.Candidate other = kvm(B, 4_000);
        Placement.Decision down = Placement.decide(ONE, List.of(best.withAnswering(false), other));
        assertThat(down.host().uri()).isEqualTo(B);
        assertThat(down.verdict(A).fits()).isFalse();
        assertThat(down.verdict(A).reason()).startsWith("not answering");

        assertThat(Placement.place(ONE, List.of(Placement.Candidate.notAnswering(A, 1, 4), other)).uri()).isEqualTo(B);
        assertThat(Placement.place(ONE, List.of(best.withAnswering(false).withAnswering(true), other)).uri()).isEqualTo(A);
    }

    @Test
    void clustersPlacedOneAfterAnotherSpreadByCapacity() {
        // A: twice B's memory and CPUs; one node needs 2176 MiB of the memory above the 512 MiB reserve
        List<Placement.Candidate> hosts = new ArrayList<>(List.of(host(A, Accelerator.KVM, 16_384, 8), host(B, Accelerator.KVM, 8_192, 4)));
        List<URI> landed = new ArrayList<>();
        while (true) {
            Placement.Decision d = Placement.decide(ONE, hosts);
            if (d.chosen().isEmpty()) {
                break;
            }
            URI on = d.host().uri();
            landed.add(on);
            hosts.replaceAll(c -> c.uri().equals(on) ? c.afterPlacing(ONE) : c);
        }
        // the bigger host takes the first cluster and never holds fewer than the smaller one, yet the smaller one
        // gets a cluster long before the bigger one is full (spreading, not packing one host first)
        assertThat(landed.get(0)).isEqualTo(A);
        for (int i = 1; i <= landed.size(); i++) {
            Map<URI, Integer> n = counts(landed.subList(0, i));
            assertThat(n.get(A)).as("after %d cluster(s): %s", i, landed.subList(0, i)).isGreaterThanOrEqualTo(n.get(B));
        }
        assertThat(landed.indexOf(B)).as("placements before the first on B: %s", landed).isLessThan(4);
        // filled to the last cluster each host holds: (16384 - 512) / 2176 = 7 and (8192 - 512) / 2176 = 3
        assertThat(counts(landed)).containsExactly(Map.entry(A, 7), Map.entry(B, 3));
        assertThatThrownBy(() -> Placement.place(ONE, hosts)).isInstanceOf(LimitExceededException.class);
    }

    private static Map<URI, Integer> counts(List<URI> landed) {
        Map<URI, Integer> n = new LinkedHashMap<>();
        for (URI u : List.of(A, B)) {
            n.put(u, (int) landed.stream().filter(u::equals).count());
        }
        return n;
    }

    @Test
    void amongHostsWithEqualMemoryTheLessCommittedOneWins() {
        Placement.Candidate busy = new Placement.Candidate(A, true, Accelerator.KVM, 8, 64L << 30, 16_000 * MIB, 4, 16, 0,
                Placement.Candidate.UNLIMITED, Set.of());
        Placement.Candidate idle = kvm(B, 16_000);
        Placement.Decision d = Placement.decide(ONE, List.of(busy, idle));
        assertThat(d.host().uri()).isEqualTo(B);
        assertThat(d.verdict(A).reason()).contains("less room: score");
        assertThat(d.verdict(A).score()).isLessThan(d.verdict(B).score());
    }

    @Test
    void tiesGoToTheHostListedFirst() {
        assertThat(Placement.place(ONE, List.of(kvm(A, 8_000), kvm(B, 8_000))).uri()).isEqualTo(A);
        Placement.Decision d = Placement.decide(ONE, List.of(kvm(B, 8_000), kvm(A, 8_000)));
        assertThat(d.host().uri()).isEqualTo(B);
        assertThat(d.verdict(A).reason()).contains("comes first in the list of hosts");
    }

    @Test
    void whenNoHostFitsTheErrorNamesEachHostWhyAndWhatToDo() {
        List<Placement.Candidate> hosts = List.of(Placement.Candidate.notAnswering(A, 0, 2), withClusters(kvm(B, 64_000), 3, 3),
                kvm(C, 2_000));
        assertThatThrownBy(() -> Placement.place(ONE, hosts))
                .isInstanceOf(LimitExceededException.class)
                .satisfies(e -> assertThat(((LimitExceededException) e).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED))
                .hasMessageContaining("No host can take this cluster (1 node(s), 2048 MiB, 2 vCPU, image debian12)")
                .hasMessageContaining(A + ": not answering")
                .hasMessageContaining(B + ": at its cap of 3 cluster(s)")
                .hasMessageContaining(C + ": needs 2688 MiB").hasMessageContaining("has 2000 MiB free")
                .hasMessageContaining("comes back into placement as soon as it answers")
                .hasMessageContaining("raise that host's cap")
                .hasMessageContaining("fewer or smaller nodes (VmSize)");
    }

    @Test
    void whenNoHostAnswersTheErrorSaysTheHostsAreUnavailable() {
        assertThatThrownBy(() -> Placement.place(ONE, List.of(Placement.Candidate.notAnswering(A, 0, 2),
                Placement.Candidate.notAnswering(B, 1, 2))))
                .isInstanceOf(HostUnavailableException.class)
                .hasMessageContaining(A + ": not answering").hasMessageContaining(B + ": not answering")
                .hasMessageNotContaining("raise that host's cap");
    }

    @Test
    void theDecisionExplainsTheChoiceAndEveryOtherHost() {
        Placement.Decision d = Placement.decide(ONE, List.of(Placement.Candidate.notAnswering(C, 0, 2),
                host(A, Accelerator.TCG, 8_000, 8), kvm(B, 8_000, "debian12")));
        assertThat(d.verdicts()).extracting(v -> v.candidate().uri()).containsExactly(B, A, C);
        assertThat(d.explain()).startsWith("placed 1 node(s), 2048 MiB, 2 vCPU, image debian12 on " + B)
                .contains(B + ": chosen: KVM, warm template for debian12, score ")
                .contains(A + ": fits, not chosen: guests would run under TCG")
                .contains(C + ": not answering");
    }

    @Test
    void aPoolWithoutHostsOrWithAHostTwiceIsRefused() {
        assertThatThrownBy(() -> Placement.decide(ONE, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configure at least one");
        assertThatThrownBy(() -> Placement.decide(ONE, List.of(kvm(A, 8_000), kvm(A, 9_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(A + " is listed twice");
    }
}
