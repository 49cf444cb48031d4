package sh.antrieb.runbook.validation;

import java.util.Locale;
import java.util.Objects;

import sh.antrieb.runbook.Runbook;

/**
 * Infrastructure code to validate: a bash script, an Ansible playbook or a runbook. Immutable.
 *
 * <h2>Bash</h2>
 * A script runs on {@code node1} as one step, unless lines of the form {@code # step: Title} or
 * {@code # step node2,node3: Title} split it into steps (each its own command, on the nodes it names,
 * {@code node1} when it names none). The lines before the first such marker (the shebang, {@code set -e},
 * variables, functions) are put in front of every step, so each step sees them. Steps are what findings
 * and the idempotence check name, and what a distilled runbook numbers.
 *
 * <pre>{@code
 * Code.bash("""
 *     set -eu
 *     # step: Write the page
 *     mkdir -p /srv/www && echo hello > /srv/www/index.html
 *     # step: Serve it
 *     systemctl start web
 *     """);
 * }</pre>
 *
 * <h2>Ansible</h2>
 * The playbook runs with {@code ansible-playbook} on {@code node1}, which needs an image with Ansible
 * (e.g. {@code ansible-controller}), against an inventory of every node of the cluster ({@code node1}
 * through a local connection, the others over the cluster's SSH key), in group {@code all}. The idempotence
 * check reads the second run's recap: a task reported {@code changed} is named.
 *
 * <h2>Runbook</h2>
 * The runbook's steps and verify blocks run as {@link Runbook#runOn} would run them, its topology is the
 * default cluster shape.
 */
public final class Code {
    /** What kind of code it is. */
    public enum Language {
        /** A bash script, optionally split into steps by {@code # step: ...} lines. */
        BASH,
        /** An Ansible playbook (YAML), run on {@code node1}. */
        ANSIBLE,
        /** An Antrieb runbook (markdown). */
        RUNBOOK;

        /** The lower-case name, as the MCP tool and reports spell it. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The language called {@code id} ({@code bash}, {@code ansible} or {@code runbook}, any case).
         *
         * @throws IllegalArgumentException for anything else, naming the three
         */
        public static Language of(String id) {
            for (Language l : values()) {
                if (l.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown language '" + id + "': use bash, ansible or runbook");
        }
    }

    private final Language language;
    private final String text;
    private final Runbook runbook;

    private Code(Language language, String text, Runbook runbook) {
        this.language = language;
        this.text = text;
        this.runbook = runbook;
    }

    /** A bash script; see the class comment for step markers. */
    public static Code bash(String script) {
        Objects.requireNonNull(script, "script");
        if (script.isBlank()) {
            throw new IllegalArgumentException("the bash script is empty: give the commands to validate");
        }
        return new Code(Language.BASH, script, null);
    }

    /** An Ansible playbook (YAML), run on {@code node1} against every node. */
    public static Code ansible(String playbook) {
        Objects.requireNonNull(playbook, "playbook");
        if (playbook.isBlank()) {
            throw new IllegalArgumentException("the playbook is empty: give the YAML to validate");
        }
        return new Code(Language.ANSIBLE, playbook, null);
    }

    /** A parsed runbook, with the variable values it has. */
    public static Code runbook(Runbook runbook) {
        Objects.requireNonNull(runbook, "runbook");
        return new Code(Language.RUNBOOK, runbook.markdown(), runbook);
    }

    /**
     * Code of {@code language} from its text; a runbook is parsed.
     *
     * @throws sh.antrieb.runbook.RunbookException for a runbook that does not parse
     */
    public static Code of(Language language, String text) {
        return switch (Objects.requireNonNull(language, "language")) {
            case BASH -> bash(text);
            case ANSIBLE -> ansible(text);
            case RUNBOOK -> runbook(Runbook.parse(text));
        };
    }

    /** The language. */
    public Language language() {
        return language;
    }

    /** The code as written: the script, the playbook or the runbook's markdown. */
    public String text() {
        return text;
    }

    /** The runbook, for {@link Language#RUNBOOK}; null otherwise. */
    public Runbook runbook() {
        return runbook;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Code c && c.language == language && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(language, text);
    }

    /** The language and the first line. */
    @Override
    public String toString() {
        return "Code[" + language.id() + ": " + text.lines().filter(l -> !l.isBlank()).findFirst().orElse("") + "]";
    }
}
