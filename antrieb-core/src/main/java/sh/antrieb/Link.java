package sh.antrieb;

import java.time.Duration;
import java.util.Objects;

/**
 * A bad link for {@link Faults#link(String, Link)}: what the node receives on its NICs of the networks under
 * test is delayed by {@code latency} (plus or minus up to {@code jitter}) and loses {@code loss} of its
 * packets. Immutable; each method returns a new value.
 *
 * <pre>{@code
 * Link.latency(Duration.ofMillis(200)).jitter(Duration.ofMillis(50)).loss(0.05)
 * Link.lossOf(0.3)                                // no delay, 30 % of the packets lost
 * }</pre>
 *
 * @param latency delay added to every packet the node receives (zero: none)
 * @param jitter  random variation of that delay, up to this much either way (zero: none)
 * @param loss    share of packets dropped, 0 to 1
 */
public record Link(Duration latency, Duration jitter, double loss) {
    /** A perfect link: no delay, no loss. */
    public static final Link PERFECT = new Link(Duration.ZERO, Duration.ZERO, 0);

    /** Checks the values. */
    public Link {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(jitter, "jitter");
        if (latency.isNegative() || latency.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("link latency " + latency.toMillis() + " ms is out of range: give 0 to 60000 ms");
        }
        if (jitter.isNegative() || jitter.compareTo(latency) > 0) {
            throw new IllegalArgumentException("link jitter " + jitter.toMillis() + " ms is out of range: give 0 to the latency ("
                    + latency.toMillis() + " ms); set the latency first, e.g. Link.latency(ofMillis(200)).jitter(ofMillis(50))");
        }
        if (!(loss >= 0 && loss <= 1)) {
            throw new IllegalArgumentException("link loss " + loss + " is out of range: give a share from 0 to 1 (0.05 is 5 %)");
        }
    }

    /** A link that delays every packet by {@code latency}. */
    public static Link latency(Duration latency) {
        return new Link(latency, Duration.ZERO, 0);
    }

    /** A link that loses {@code loss} (0 to 1) of the packets. */
    public static Link lossOf(double loss) {
        return new Link(Duration.ZERO, Duration.ZERO, loss);
    }

    /** This link with {@code jitter} (at most the latency). */
    public Link jitter(Duration jitter) {
        return new Link(latency, jitter, loss);
    }

    /** This link losing {@code loss} (0 to 1) of the packets. */
    public Link loss(double loss) {
        return new Link(latency, jitter, loss);
    }

    /** Whether packets are delayed at all. */
    public boolean delays() {
        return !latency.isZero();
    }

    /** E.g. {@code latency 200 ms, jitter 50 ms, loss 5%}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (delays()) {
            b.append("latency ").append(latency.toMillis()).append(" ms");
            if (!jitter.isZero()) {
                b.append(", jitter ").append(jitter.toMillis()).append(" ms");
            }
        }
        if (loss > 0) {
            b.append(b.length() > 0 ? ", " : "").append("loss ").append(percent(loss)).append('%');
        }
        return b.length() == 0 ? "perfect" : b.toString();
    }

    private static String percent(double share) {
        double p = share * 100;
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(Math.round(p * 1000) / 1000.0);
    }
}
