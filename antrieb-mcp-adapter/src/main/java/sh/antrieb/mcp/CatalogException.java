package sh.antrieb.mcp;

/**
 * A catalog request that cannot be served. {@link #code()} is the tools' {@code error} value
 * ({@code not_found}, {@code read_only}, {@code not_available}, ...); the message says what to do.
 */
public class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    /** An error with a machine-readable code and a message that names the fix. */
    public CatalogException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The machine-readable error code. */
    public String code() {
        return code;
    }
}
