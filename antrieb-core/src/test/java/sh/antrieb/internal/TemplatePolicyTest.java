package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The sweep's choice of warm-start templates to delete, over pools made up here. */
class TemplatePolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final long MB = 1L << 20;
    private static final TemplatePolicy.Budget ROOMY = new TemplatePolicy.Budget(0, 8, Duration.ofDays(7));

    private static TemplatePolicy.Entry t(String name, String key, String image, long mb, Duration ago, boolean inUse) {
        return new TemplatePolicy.Entry("antrieb-warm-" + key + "-" + name + ".save", key, image, false, mb * MB, NOW.minus(ago), inUse);
    }

    private static List<String> names(Map<TemplatePolicy.Entry, String> d) {
        return d.keySet().stream().map(TemplatePolicy.Entry::saveVolume).toList();
    }

    @Test
    void aPoolWithinItsBudgetKeepsEverything() {
        List<TemplatePolicy.Entry> pool = List.of(t("a", "k1", "/img/d12", 300, Duration.ofHours(1), false),
                t("b", "k2", "/img/d12", 300, Duration.ofDays(2), false));
        assertThat(TemplatePolicy.toDelete(pool, new TemplatePolicy.Budget(1000 * MB, 3, Duration.ofDays(7)), NOW)).isEmpty();
    }

    @Test
    void overTheBudgetTheLeastRecentlyUsedGoUntilTheRestFitsButNeverOneInUse() {
        TemplatePolicy.Entry fresh = t("fresh", "k1", "/img/d12", 400, Duration.ofMinutes(1), false);
        TemplatePolicy.Entry oldInUse = t("busy", "k2", "/img/d13", 400, Duration.ofDays(3), true);
        TemplatePolicy.Entry old = t("old", "k3", "/img/d12", 400, Duration.ofDays(2), false);
        TemplatePolicy.Entry middle = t("mid", "k4", "/img/d13", 400, Duration.ofHours(5), false);
        Map<TemplatePolicy.Entry, String> d = TemplatePolicy.toDelete(List.of(fresh, oldInUse, old, middle),
                new TemplatePolicy.Budget(900 * MB, 8, Duration.ofDays(7)), NOW);
        // 1600 MB: the oldest (in use) stays, the next oldest two go, and 800 MB are left
        assertThat(names(d)).containsExactly(old.saveVolume(), middle.saveVolume());
        assertThat(d.get(old)).contains("over the pool budget");
    }

    @Test
    void templatesOfAGoneImageGoFirstUnlessARestoreRunsFromThem() {
        TemplatePolicy.Entry gone = new TemplatePolicy.Entry("antrieb-warm-k1-a.save", "k1", "/cat/it/images/web/v1/disk.qcow2", true,
                300 * MB, NOW, false);
        TemplatePolicy.Entry goneBusy = new TemplatePolicy.Entry("antrieb-warm-k2-b.save", "k2", "/cat/it/images/web/v1/disk.qcow2", true,
                300 * MB, NOW, true);
        TemplatePolicy.Entry kept = t("c", "k3", "/img/d12", 300, Duration.ofHours(1), false);
        Map<TemplatePolicy.Entry, String> d = TemplatePolicy.toDelete(List.of(gone, goneBusy, kept), ROOMY, NOW);
        assertThat(names(d)).containsExactly(gone.saveVolume());
        assertThat(d.get(gone)).contains("is gone");
    }

    @Test
    void twoTemplatesOfOneKeyEndAsOneTheMoreRecentlyUsed() {
        TemplatePolicy.Entry first = t("first", "k1", "/img/d12", 300, Duration.ofMinutes(3), false);
        TemplatePolicy.Entry second = t("second", "k1", "/img/d12", 300, Duration.ofMinutes(1), false);
        Map<TemplatePolicy.Entry, String> d = TemplatePolicy.toDelete(List.of(first, second), ROOMY, NOW);
        assertThat(names(d)).containsExactly(first.saveVolume());
    }

    @Test
    void unusedForTooLongAndMoreThanThePerImageCountGo() {
        TemplatePolicy.Entry stale = t("stale", "k1", "/img/d12", 300, Duration.ofDays(8), false);
        TemplatePolicy.Entry staleBusy = t("busy", "k2", "/img/d12", 300, Duration.ofDays(9), true);
        TemplatePolicy.Entry a = t("a", "k3", "/img/d13", 300, Duration.ofMinutes(1), false);
        TemplatePolicy.Entry b = t("b", "k4", "/img/d13", 300, Duration.ofMinutes(2), false);
        TemplatePolicy.Entry c = t("c", "k5", "/img/d13", 300, Duration.ofMinutes(3), false);
        Map<TemplatePolicy.Entry, String> d = TemplatePolicy.toDelete(List.of(stale, staleBusy, a, b, c),
                new TemplatePolicy.Budget(0, 2, Duration.ofDays(7)), NOW);
        assertThat(names(d)).containsExactly(stale.saveVolume(), c.saveVolume());
        assertThat(d.get(stale)).contains("unused since");
        assertThat(d.get(c)).contains("more than 2 templates of image /img/d13");
    }

    @Test
    void aBudgetOutOfRangeSaysWhatIsAllowed() {
        assertThatThrownBy(() -> new TemplatePolicy.Budget(-1, 3, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0: no limit");
        assertThatThrownBy(() -> new TemplatePolicy.Budget(0, 0, Duration.ofDays(1))).hasMessageContaining("templates per image >= 1");
    }
}
