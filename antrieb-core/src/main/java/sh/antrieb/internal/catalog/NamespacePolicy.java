package sh.antrieb.internal.catalog;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ErrorCode;

/**
 * What a namespace may reach: provisioning on behalf of a namespace uses only its own artifacts and the built-in
 * {@code antrieb/} ones, and the built-in images' names are not free for saved ones.
 */
final class NamespacePolicy {
    private NamespacePolicy() {
    }

    /** The error for {@code what}, in namespace {@code owner}, which provisioning on behalf of {@code namespace} may not use. */
    static CatalogException forbidden(String namespace, String what, String owner, String instead) {
        return new CatalogException(ErrorCode.FORBIDDEN_NAMESPACE, what + " is in namespace " + owner
                + ", which provisioning on behalf of namespace " + namespace + " cannot use: it reaches only " + namespace
                + "'s own artifacts and the built-in " + Catalog.BUILTIN_NAMESPACE + "/ ones. " + instead);
    }

    /**
     * Checks that a saved or imported image's {@code name} is not a built-in image's.
     *
     * @throws CatalogException {@code INVALID_NAME} naming the built-in image and another name to pick
     */
    static void checkNotReserved(String name) {
        if (ImageNames.isBuiltinImage(name)) {
            throw new CatalogException(ErrorCode.INVALID_NAME, "image name '" + name
                    + "' is taken by a built-in image (antrieb/" + name + "): pick another name, e.g. \"my-" + name + "\"");
        }
    }
}
