package sh.antrieb.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The label every libvirt object and file of a cluster carries in its name:
 * {@code antrieb-<id>-<deadline epoch seconds>-<owner pid>-<what>}. The name alone tells a sweep
 * which cluster an object belongs to, when it expires and which process owns it, so sweeping needs
 * no state of its own and works for objects whose owner died at any point.
 *
 * @param id       8 lowercase letters and digits
 * @param deadline when the cluster expires
 * @param ownerPid the process that made it
 */
public record ClusterLabel(String id, Instant deadline, long ownerPid) {
    /** Prefix of every labelled object name. */
    public static final String PREFIX = "antrieb-";
    private static final Pattern NAME = Pattern.compile("antrieb-([a-z0-9]{8})-([0-9]{9,12})-([0-9]{1,10})-(.+)");
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new label for a cluster expiring at {@code deadline}, owned by this process. */
    public static ClusterLabel create(Instant deadline) {
        StringBuilder id = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new ClusterLabel(id.toString(), Instant.ofEpochSecond(deadline.getEpochSecond()), ProcessHandle.current().pid());
    }

    /** The name of this cluster's object {@code what} (e.g. {@code node1}, {@code mgmt}, {@code node1.qcow2}). */
    public String name(String what) {
        return PREFIX + id + "-" + deadline.getEpochSecond() + "-" + ownerPid + "-" + what;
    }

    /** A Linux bridge name for this cluster's network number {@code n} (at most 15 characters). */
    public String bridge(int n) {
        return "ab" + id + "n" + n;
    }

    /** The label and object part of a labelled name, or empty for names that are not Antrieb's. */
    public static Optional<Labelled> parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Labelled(
                new ClusterLabel(m.group(1), Instant.ofEpochSecond(Long.parseLong(m.group(2))), Long.parseLong(m.group(3))),
                m.group(4)));
    }

    /** A parsed labelled name. */
    public record Labelled(ClusterLabel label, String what) {
    }
}
