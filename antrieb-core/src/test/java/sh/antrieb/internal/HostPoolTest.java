package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import sh.antrieb.Accelerator;
import sh.antrieb.HostUnavailableException;
import sh.antrieb.LimitExceededException;
import sh.antrieb.VmSize;

/** The engine boundary of a pool, with fake engines (figures set by the test; no libvirt). */
class HostPoolTest {
    private static final Placement.Demand TWO_NODES = Placement.Demand.of(2, new VmSize(1, 768, 8), "debian12");

    /** A host whose figures and answering the test sets; counts how often it was asked. */
    static final class FakeEngine implements Engine {
        final URI uri;
        final Accelerator accelerator;
        volatile long freeMiB;
        volatile boolean answering = true;
        volatile boolean closed;
        int asked;

        FakeEngine(String uri, Accelerator accelerator, long freeMiB) {
            this.uri = URI.create(uri);
            this.accelerator = accelerator;
            this.freeMiB = freeMiB;
        }

        @Override
        public URI uri() {
            return uri;
        }

        @Override
        public Accelerator accelerator() {
            return accelerator;
        }

        @Override
        public Placement.Candidate candidate(int clustersHere, int maxClusters, Set<String> images) {
            asked++;
            if (!answering) {
                return Placement.Candidate.notAnswering(uri, clustersHere, maxClusters);
            }
            return new Placement.Candidate(uri, true, accelerator, 8, 32L << 30, freeMiB << 20, 0, 0, clustersHere, maxClusters, Set.of());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final Map<URI, Integer> clusters = new HashMap<>();

    private <E extends Engine> E land(HostPool<E> pool) {
        E e = pool.place(TWO_NODES, u -> clusters.getOrDefault(u, 0));
        clusters.merge(e.uri(), 1, Integer::sum);
        return e;
    }

    @Test
    void aSingleHostIsUsedWithoutAskingIt() {
        FakeEngine only = new FakeEngine("qemu:///system", Accelerator.TCG, 0);
        HostPool<FakeEngine> pool = new HostPool<>(List.of(only), Placement.Candidate.UNLIMITED);
        assertThat(land(pool)).isSameAs(only);
        assertThat(only.asked).isZero(); // its own limits and libvirt answer for it
    }

    @Test
    void clustersGoWhereThereIsRoomAndKvmFirst() {
        FakeEngine tcg = new FakeEngine("qemu:///system", Accelerator.TCG, 20_000);
        FakeEngine kvm = new FakeEngine("qemu+ssh://root@kvm1/system", Accelerator.KVM, 4_000);
        HostPool<FakeEngine> pool = new HostPool<>(List.of(tcg, kvm), Placement.Candidate.UNLIMITED);
        assertThat(land(pool)).isSameAs(kvm);
        kvm.freeMiB = 1_000; // full now: not room for 2 x 768 MiB plus margins
        assertThat(land(pool)).isSameAs(tcg);
    }

    @Test
    void theCapPerHostSpreadsClusters() {
        FakeEngine a = new FakeEngine("qemu:///system", Accelerator.TCG, 20_000);
        FakeEngine b = new FakeEngine("qemu+ssh://root@kvm1/system", Accelerator.TCG, 20_000);
        HostPool<FakeEngine> pool = new HostPool<>(List.of(a, b), 1);
        assertThat(land(pool)).isSameAs(a);
        assertThat(land(pool)).isSameAs(b);
        assertThatThrownBy(() -> land(pool)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("qemu:///system").hasMessageContaining("kvm1");
    }

    @Test
    void aHostThatStopsAnsweringIsOutOfPlacementUntilItAnswersAgain() {
        FakeEngine a = new FakeEngine("qemu:///system", Accelerator.TCG, 8_000);
        FakeEngine b = new FakeEngine("qemu+ssh://root@kvm1/system", Accelerator.KVM, 8_000);
        HostPool<FakeEngine> pool = new HostPool<>(List.of(a, b), Placement.Candidate.UNLIMITED);
        b.answering = false;
        assertThat(land(pool)).isSameAs(a);
        assertThat(pool.isAnswering(b.uri())).isFalse();
        b.answering = true;
        assertThat(land(pool)).isSameAs(b);
        assertThat(pool.isAnswering(b.uri())).isTrue();
        a.answering = false;
        b.answering = false;
        assertThatThrownBy(() -> land(pool)).isInstanceOf(HostUnavailableException.class);
    }

    @Test
    void closingThePoolClosesEveryHostAndAPoolNeedsOne() {
        FakeEngine a = new FakeEngine("qemu:///system", Accelerator.TCG, 8_000);
        FakeEngine b = new FakeEngine("qemu+ssh://root@kvm1/system", Accelerator.TCG, 8_000);
        new HostPool<>(List.of(a, b), 2).close();
        assertThat(a.closed).isTrue();
        assertThat(b.closed).isTrue();
        assertThatThrownBy(() -> new HostPool<FakeEngine>(List.of(), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new HostPool<>(List.of(a, b), 2).engine(b.uri())).containsSame(b);
    }
}
