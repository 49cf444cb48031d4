package sh.antrieb.mcp;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who a request acts for. An account owns its clusters (every MCP session that presents one of its keys
 * sees the same clusters) and a namespace for saved artifacts ({@code @<namespace>/<name>}).
 *
 * @param name      account name: lowercase letters, digits and hyphens
 * @param namespace namespace of its saved artifacts, same alphabet
 * @param limits    what it may hold at once
 */
public record Account(String name, String namespace, AccountLimits limits) {
    /** Names of accounts and namespaces: they become directory names, so a strict alphabet. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** The account of the single local user over stdio. */
    public static final String LOCAL = "local";

    /** Validates the account. */
    public Account {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid account name '" + name + "': use lowercase letters, digits and '-', e.g. alice");
        }
        if (namespace == null || !NAME.matcher(namespace).matches()) {
            throw new IllegalArgumentException("invalid namespace '" + namespace + "': use lowercase letters, digits and '-', e.g. alice");
        }
        Objects.requireNonNull(limits, "limits");
    }

    /** The local stdio user: account and namespace {@code local}. */
    public static Account local(AccountLimits limits) {
        return new Account(LOCAL, LOCAL, limits);
    }
}
