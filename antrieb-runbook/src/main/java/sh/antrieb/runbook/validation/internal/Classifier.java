package sh.antrieb.runbook.validation.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sh.antrieb.ExecResult;
import sh.antrieb.runbook.validation.Cause;

/**
 * Reads why a command failed from its exit status and output, and from what the node says about its
 * systemd units afterwards. Pure: it runs nothing, so it is tested on recorded outputs.
 */
public final class Classifier {
    /** Lines of a unit's journal kept as evidence. */
    static final int JOURNAL_LINES = 15;
    /** The probe's line with a unit's last state change, in microseconds of the node's uptime. */
    static final String SINCE = "since: ";

    private static final Map<String, String> PACKAGES = loadPackages();

    private static final Pattern PACKAGE_NOT_FOUND = Pattern.compile(
            "(?m)^.*(?:Unable to locate package \\S+|Package '?\\S+?'? has no installation candidate"
                    + "|ModuleNotFoundError: No module named \\S+|dpkg-query: no packages found matching \\S+"
                    + "|E: Couldn't find any package by .*).*$");
    private static final Pattern NOT_FOUND = Pattern.compile(
            "(?m)^(?:.*?: )?(?:line \\d+: |\\d+: )?([A-Za-z0-9_.+-]+): (?:command )?not found\\s*$");
    private static final Pattern UNIT_MENTION = Pattern.compile(
            "(?:Job for|Failed to (?:start|restart|reload|enable)|Unit) ([A-Za-z0-9@_.:\\\\-]+\\.(?:service|socket|timer|mount|target|path))");
    private static final Pattern UNIT_FAILURE_LINE = Pattern.compile(
            "(?m)^.*(?:Job for \\S+ failed|Failed to (?:start|restart|reload|enable) \\S+|Unit \\S+ (?:not found|failed|is masked)).*$");
    private static final Pattern PERMISSION = Pattern.compile(
            "(?m)^.*(?:Permission denied|Operation not permitted|Read-only file system|are you root\\?).*$");
    private static final Pattern NETWORK = Pattern.compile(
            "(?m)^.*(?:Could not resolve|Temporary failure in name resolution|Name or service not known|Connection refused"
                    + "|Connection timed out|No route to host|Network is unreachable|Failed to connect to|Couldn't connect to server"
                    + "|curl: \\((?:6|7|28)\\)|Could not connect to|Connection reset by peer).*$");

    private Classifier() {
    }

    /**
     * A cause and the lines it was read from.
     *
     * @param cause    why it failed
     * @param evidence output lines, unit journals, the package to install
     */
    public record Diagnosis(Cause cause, List<String> evidence) {
        /** Copies the list. */
        public Diagnosis {
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * Why {@code r} failed.
     *
     * @param r     the failed command
     * @param units what {@link #unitProbe} printed on its node afterwards, parsed by {@link #parseUnits}:
     *              unit name to its status and journal lines, for the units failed since the run started or
     *              named in the output; empty when not probed
     */
    public static Diagnosis classify(ExecResult r, Map<String, List<String>> units) {
        String out = (r.stdout() == null ? "" : r.stdout()) + "\n" + (r.stderr() == null ? "" : r.stderr());
        if (r.timedOut()) {
            List<String> ev = new ArrayList<>();
            ev.add("killed at its timeout after " + r.duration().toSeconds() + " s");
            ev.addAll(lastLines(out, 3));
            return new Diagnosis(Cause.TIMEOUT, ev);
        }
        if (r.exitCode() == -1) {
            return new Diagnosis(Cause.UNREACHABLE, lastLines(r.stderr(), 3));
        }
        List<String> pkg = matches(PACKAGE_NOT_FOUND, out);
        if (!pkg.isEmpty()) {
            return new Diagnosis(Cause.MISSING_PACKAGE, pkg);
        }
        Matcher nf = NOT_FOUND.matcher(out);
        if (nf.find() && (r.exitCode() == 127 || nf.group(0).contains("command not found"))) {
            String command = nf.group(1);
            String line = nf.group(0).strip();
            String pack = PACKAGES.get(command);
            if (pack != null) {
                return new Diagnosis(Cause.MISSING_PACKAGE, List.of(line,
                        "`" + command + "` comes with the Debian package `" + pack + "`, which is not installed: "
                                + "apt-get install -y " + pack));
            }
            return new Diagnosis(Cause.COMMAND_NOT_FOUND, List.of(line,
                    "`" + command + "` is not on the PATH and no package this engine knows provides it: check the name and the path"));
        }
        List<String> unitLines = matches(UNIT_FAILURE_LINE, out);
        if (!unitLines.isEmpty() || !units.isEmpty()) {
            List<String> ev = new ArrayList<>(unitLines);
            units.forEach((unit, lines) -> {
                ev.add("unit " + unit + ":");
                lines.forEach(l -> ev.add("  " + l));
            });
            return new Diagnosis(Cause.UNIT_FAILED, ev);
        }
        List<String> perm = matches(PERMISSION, out);
        if (!perm.isEmpty()) {
            return new Diagnosis(Cause.PERMISSION, perm);
        }
        List<String> net = matches(NETWORK, out);
        if (!net.isEmpty() || (r.command().contains("curl") && Set.of(6, 7, 28).contains(r.exitCode()))) {
            List<String> ev = new ArrayList<>(net);
            if (ev.isEmpty()) {
                ev.add("curl exit " + r.exitCode() + ": " + switch (r.exitCode()) {
                    case 6 -> "could not resolve the host";
                    case 7 -> "could not connect (refused or unreachable)";
                    default -> "the operation timed out";
                });
            }
            return new Diagnosis(Cause.NETWORK, ev);
        }
        List<String> ev = new ArrayList<>(lastLines(r.stderr() == null || r.stderr().isBlank() ? r.stdout() : r.stderr(), 3));
        if (ev.isEmpty()) {
            ev.add("exit " + r.exitCode() + " with no output");
        }
        return new Diagnosis(Cause.COMMAND_FAILED, ev);
    }

    /** The systemd units a failed command's output names ({@code Job for web.service failed ...}). */
    public static Set<String> unitsNamed(ExecResult r) {
        Set<String> units = new LinkedHashSet<>();
        Matcher m = UNIT_MENTION.matcher((r.stdout() == null ? "" : r.stdout()) + "\n" + (r.stderr() == null ? "" : r.stderr()));
        while (m.find()) {
            String u = m.group(1).replaceAll("[.:]+$", "");
            units.add(u);
        }
        return units;
    }

    /**
     * A command that prints, for every failed unit and for each unit in {@code extra}, a line
     * {@code === <unit>} followed by its state and its last journal lines.
     */
    public static String unitProbe(Set<String> extra) {
        StringBuilder named = new StringBuilder();
        for (String u : extra) {
            if (u.matches("[A-Za-z0-9@_.:\\\\-]+")) {
                named.append(' ').append(u);
            }
        }
        return "for u in $( { systemctl list-units --failed --no-legend --plain 2>/dev/null | awk '{print $1}'; "
                + "for x in" + named + " ''; do [ -n \"$x\" ] && echo \"$x\"; done; } | sort -u); do "
                + "echo \"=== $u\"; echo \"state: $(systemctl is-active \"$u\" 2>&1)\"; "
                + "echo \"" + SINCE + "$(systemctl show -p StateChangeTimestampMonotonic --value \"$u\" 2>/dev/null)\"; "
                + "journalctl -u \"$u\" -n " + JOURNAL_LINES + " --no-pager -o cat 2>&1; done";
    }

    /** A unit's last state change from its probe lines, in microseconds of uptime; 0 when not known. */
    public static long stateChangedMicros(List<String> lines) {
        for (String l : lines) {
            if (l.startsWith(SINCE)) {
                try {
                    return Long.parseLong(l.substring(SINCE.length()).trim());
                } catch (NumberFormatException e) {
                    return Long.MAX_VALUE; // unknown: count it as the code's
                }
            }
        }
        return Long.MAX_VALUE;
    }

    /** The uptime in microseconds from {@code /proc/uptime}'s first field; 0 when unreadable. */
    public static long uptimeMicros(String procUptime) {
        try {
            return Math.round(Double.parseDouble(procUptime.trim().split("\\s+")[0]) * 1_000_000);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The names of the units failed on a node, from {@link #unitProbe} output. */
    public static Map<String, List<String>> parseUnits(String probe) {
        Map<String, List<String>> units = new LinkedHashMap<>();
        List<String> current = null;
        for (String l : (probe == null ? "" : probe).split("\n")) {
            if (l.startsWith("=== ")) {
                current = new ArrayList<>();
                units.put(l.substring(4).trim(), current);
            } else if (current != null && !l.isBlank() && !l.startsWith("-- No entries --")) {
                current.add(l.strip());
            }
        }
        return units;
    }

    /** The package that provides {@code command}, from the engine's table, or null. */
    public static String packageOf(String command) {
        return PACKAGES.get(command);
    }

    private static List<String> matches(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find() && out.size() < 5) {
            String l = m.group(0).strip();
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<String> lastLines(String text, int n) {
        if (text == null) {
            return List.of();
        }
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.subList(Math.max(0, lines.size() - n), lines.size());
    }

    private static Map<String, String> loadPackages() {
        String path = "/sh/antrieb/runbook/validation/command-packages.txt";
        try (InputStream in = Classifier.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the antrieb-runbook jar");
            }
            Map<String, String> m = new LinkedHashMap<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                        String[] parts = l.split("\\s+");
                        m.put(parts[0], parts[1]);
                    });
            return Map.copyOf(m);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }
}
