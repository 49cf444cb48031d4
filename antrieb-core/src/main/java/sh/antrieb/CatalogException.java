package sh.antrieb;

/**
 * A catalog operation that cannot be done as asked: an invalid name, a write into the read-only
 * {@code antrieb/*} namespace, an artifact that does not exist, a body that does not validate. Raised
 * before anything is written; {@link #code()} says which ({@link ErrorCode#INVALID_NAME}, {@link ErrorCode#READ_ONLY},
 * {@link ErrorCode#NOT_FOUND}, {@link ErrorCode#INVALID}, {@link ErrorCode#AMBIGUOUS}, {@link ErrorCode#NOT_AVAILABLE},
 * {@link ErrorCode#FORBIDDEN_NAMESPACE}), for programs (and the MCP tools) to act on.
 */
public class CatalogException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** A catalog error with its code and a message that says what to do. */
    public CatalogException(ErrorCode code, String message) {
        super(code, message);
    }

    /** A catalog error with its code, message and cause. */
    public CatalogException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
