package sh.antrieb.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import sh.antrieb.Antrieb;

/**
 * Which warm-start templates the sweep deletes: pure policy over what the pool holds, so that it is tested
 * without a host. A template in use (a restore from it running) is never chosen. Of the rest, in this order:
 * <ol>
 *   <li>templates whose image disk is gone (the image version was deleted, or replaced by a new build);</li>
 *   <li>all but the most recently used complete template of one key (two processes made the same one);</li>
 *   <li>templates not used for {@link Budget#unusedFor()};</li>
 *   <li>per image disk, all but the {@link Budget#perImage()} most recently used (VM sizes and NIC counts);</li>
 *   <li>the least recently used, until what is left fits {@link Budget#poolBytes()}.</li>
 * </ol>
 */
public final class TemplatePolicy {
    private TemplatePolicy() {
    }

    /**
     * What the sweep keeps of the templates.
     *
     * @param poolBytes  the templates' total size on disk the pool may hold (0: no limit)
     * @param perImage   templates kept per image disk (of different VM sizes or NIC counts)
     * @param unusedFor  a template not restored from for this long is deleted
     */
    public record Budget(long poolBytes, int perImage, Duration unusedFor) {
        /**
         * The defaults: {@link Antrieb#DEFAULT_TEMPLATE_POOL_BYTES}, {@link Antrieb#DEFAULT_TEMPLATES_PER_IMAGE}
         * and {@link Antrieb#DEFAULT_TEMPLATE_UNUSED_FOR}.
         */
        public static final Budget DEFAULT = new Budget(Antrieb.DEFAULT_TEMPLATE_POOL_BYTES,
                Antrieb.DEFAULT_TEMPLATES_PER_IMAGE, Antrieb.DEFAULT_TEMPLATE_UNUSED_FOR);

        public Budget {
            if (poolBytes < 0 || perImage < 1 || unusedFor.isNegative() || unusedFor.isZero()) {
                throw new IllegalArgumentException("template budget: pool bytes must be >= 0 (0: no limit), templates per image >= 1"
                        + " and the unused time positive; got " + poolBytes + ", " + perImage + ", " + unusedFor);
            }
        }
    }

    /**
     * One template as the pool shows it.
     *
     * @param saveVolume the save image volume's name (identifies the template)
     * @param key        its template key
     * @param imageDisk  the host path of the image disk its disk is an overlay on
     * @param imageGone  whether that image disk no longer exists
     * @param bytes      save image and disk on the host's disk
     * @param lastUsed   when a copy was last restored from it (or it was made)
     * @param inUse      whether a restore from it runs now
     */
    public record Entry(String saveVolume, String key, String imageDisk, boolean imageGone, long bytes, Instant lastUsed,
                        boolean inUse) {
        public Entry {
            Objects.requireNonNull(saveVolume, "saveVolume");
            Objects.requireNonNull(lastUsed, "lastUsed");
        }
    }

    /** The templates to delete, each with why, in the order of the rules above. */
    public static Map<Entry, String> toDelete(List<Entry> templates, Budget budget, Instant now) {
        Map<Entry, String> out = new LinkedHashMap<>();
        List<Entry> left = new ArrayList<>();
        for (Entry t : templates) {
            if (!t.inUse() && t.imageGone()) {
                out.put(t, "its image " + t.imageDisk() + " is gone");
            } else {
                left.add(t);
            }
        }
        // Most recently used first.
        left.sort(Comparator.comparing(Entry::lastUsed).reversed().thenComparing(Entry::saveVolume));
        Set<String> keys = new LinkedHashSet<>();
        for (Entry t : List.copyOf(left)) {
            if (!keys.add(t.key()) && !t.inUse()) {
                out.put(t, "another template of key " + t.key() + " was used more recently");
                left.remove(t);
            }
        }
        Instant oldest = now.minus(budget.unusedFor());
        for (Entry t : List.copyOf(left)) {
            if (!t.inUse() && t.lastUsed().isBefore(oldest)) {
                out.put(t, "unused since " + t.lastUsed() + " (longer than " + budget.unusedFor() + ")");
                left.remove(t);
            }
        }
        Map<String, Integer> perImage = new LinkedHashMap<>();
        for (Entry t : List.copyOf(left)) {
            int n = perImage.merge(String.valueOf(t.imageDisk()), 1, Integer::sum);
            if (n > budget.perImage() && !t.inUse()) {
                out.put(t, "more than " + budget.perImage() + " templates of image " + t.imageDisk() + "; used least recently");
                left.remove(t);
            }
        }
        if (budget.poolBytes() > 0) {
            long total = left.stream().mapToLong(Entry::bytes).sum();
            for (int i = left.size() - 1; i >= 0 && total > budget.poolBytes(); i--) {
                Entry t = left.get(i);
                if (!t.inUse()) {
                    out.put(t, "the templates take " + total + " bytes, over the pool budget of " + budget.poolBytes()
                            + "; used least recently");
                    total -= t.bytes();
                }
            }
        }
        return out;
    }
}
