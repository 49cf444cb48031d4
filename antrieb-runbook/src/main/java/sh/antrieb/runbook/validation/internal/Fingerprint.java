package sh.antrieb.runbook.validation.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the idempotence check looks at on a node: regular files under the places where configuration and
 * state live ({@code /etc}, {@code /opt}, {@code /srv}, {@code /var}, {@code /root}, {@code /home},
 * {@code /usr/local}; logs, caches, apt's package lists and systemd's own state left out) modified since a mark, with their
 * MD5. A file a step rewrites with the same content does not count as a change.
 */
public final class Fingerprint {
    /** The mark file: on tmpfs, outside the places looked at. */
    static final String MARK = "/run/antrieb-validate.mark";
    /** Files listed per node and step at most. */
    static final int MAX_FILES = 1000;

    private Fingerprint() {
    }

    /** Sets the mark: the next {@link #command()} lists what changed after now. */
    public static String markCommand() {
        return "touch " + MARK;
    }

    /** Lists {@code md5  path} of the files modified since the mark, then moves the mark to now. */
    public static String command() {
        return "find /etc /opt /srv /var /root /home /usr/local -xdev \\( -path /var/log -o -path /var/cache -o -path /var/tmp"
                + " -o -path /var/lib/systemd -o -path /var/lib/dhcp -o -path /var/lib/apt/lists -o -path /var/spool -o -path /root/.ansible -o -path /var/lib/private \\)"
                + " -prune -o -type f -newer " + MARK + " -print 2>/dev/null | LC_ALL=C sort | head -n " + MAX_FILES
                + " | tr '\\n' '\\0' | xargs -0 -r md5sum 2>/dev/null; touch " + MARK;
    }

    /** Path to MD5 from {@link #command()}'s output. */
    public static Map<String, String> parse(String output) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String l : output.split("\n")) {
            int sp = l.indexOf("  ");
            if (sp == 32) {
                files.put(l.substring(34), l.substring(0, 32));
            }
        }
        return files;
    }
}
