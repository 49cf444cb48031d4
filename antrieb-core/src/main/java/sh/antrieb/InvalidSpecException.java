package sh.antrieb;

/**
 * A cluster specification or request that cannot be satisfied as written: malformed shorthand,
 * an unknown image, too many nodes, an unknown node. Raised before anything is created.
 */
public class InvalidSpecException extends AntriebException {
    private static final long serialVersionUID = 1L;

    /** An invalid specification, described with the fix. */
    public InvalidSpecException(String message) {
        super(message);
    }
}
