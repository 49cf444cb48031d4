package sh.antrieb;

import java.util.Locale;

/**
 * A catalog operation that cannot be done as asked: an invalid name, a write into the read-only
 * {@code antrieb/*} namespace, an artifact that does not exist, a body that does not validate. Raised
 * before anything is written; {@link #code()} says which, for programs (and the MCP tools) to act on.
 */
public class CatalogException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as a stable code. */
    public enum Code {
        /** A name or namespace breaks the naming rule. */
        INVALID_NAME,
        /** A write into the built-in, read-only {@code antrieb} namespace. */
        READ_ONLY,
        /** No artifact of that type and name. */
        NOT_FOUND,
        /** The artifact's content does not validate (a runbook that does not parse, a bad network spec). */
        INVALID,
        /** A name that matches artifacts of several types where one was expected. */
        AMBIGUOUS,
        /** The operation is not possible on this host (e.g. saving a disk of a remote libvirt host). */
        NOT_AVAILABLE,
        /**
         * A name in a namespace the caller may not use: provisioning on behalf of a namespace
         * ({@link ProvisionOptions#namespace(String)}) reaches only that namespace's artifacts and the built-in
         * {@code antrieb/*} ones.
         */
        FORBIDDEN_NAMESPACE;

        /** {@code invalid_name}, {@code read_only}, ... */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Code code;

    /** A catalog error with its code and a message that says what to do. */
    public CatalogException(Code code, String message) {
        super(message);
        this.code = code;
    }

    /** A catalog error with its code, message and cause. */
    public CatalogException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** What went wrong. */
    public Code code() {
        return code;
    }
}
