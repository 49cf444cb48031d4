package sh.antrieb.runbook;

import java.util.Objects;
import java.util.Optional;

/**
 * A placeholder a runbook declares under {@code ## Variables}, written {@code <NAME>} in commands and
 * filled in by the caller ({@link Runbook#withVariables(java.util.Map)}) or from its default.
 *
 * @param name         upper-case name without the angle brackets, e.g. {@code LAN_SUBNET}
 * @param description  what the value means, as the runbook says it
 * @param defaultValue the value used when the caller gives none, or {@code null} when the caller must give one
 * @param line         1-based line of the declaration in the markdown, 0 when not parsed from markdown
 */
public record Variable(String name, String description, String defaultValue, int line) {

    /** Validates the name. */
    public Variable {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("variable names are upper-case letters, digits and '_', was '" + name + "'");
        }
        description = description == null ? "" : description;
    }

    /** The default value, if the runbook gives one. */
    public Optional<String> defaultOptional() {
        return Optional.ofNullable(defaultValue);
    }

    /** Whether the caller must supply a value (there is no default). */
    public boolean required() {
        return defaultValue == null;
    }

    /** The placeholder as written in commands: {@code <NAME>}. */
    public String placeholder() {
        return "<" + name + ">";
    }
}
