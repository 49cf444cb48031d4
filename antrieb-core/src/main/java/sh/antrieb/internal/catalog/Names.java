package sh.antrieb.internal.catalog;

import java.util.regex.Pattern;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ErrorCode;

/**
 * The naming rule of catalog artifacts and namespaces (and the length of their descriptions), checked before anything
 * touches the disk.
 */
public final class Names {
    /** Longest name or namespace. */
    public static final int MAX_LENGTH = 63;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Names() {
    }

    /** Whether {@code s} is a valid name or namespace. */
    public static boolean isValid(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /**
     * Checks an artifact name; returns it.
     *
     * @throws CatalogException {@code INVALID_NAME} saying what is wrong and what is allowed
     */
    public static String checkName(String name) {
        return check(name, "name");
    }

    /** Checks a namespace; returns it. */
    public static String checkNamespace(String namespace) {
        return check(namespace, "namespace");
    }

    private static String check(String s, String what) {
        if (isValid(s)) {
            return s;
        }
        String why;
        if (s == null || s.isEmpty()) {
            why = "it is empty";
        } else if (s.length() > MAX_LENGTH) {
            why = "it is " + s.length() + " characters long, at most " + MAX_LENGTH + " are allowed";
        } else if (s.contains("/") || s.contains("\\") || s.contains("..")) {
            why = "it contains a path separator or '..'";
        } else if (!s.equals(s.toLowerCase(java.util.Locale.ROOT))) {
            why = "it has upper-case letters";
        } else if (s.startsWith("-")) {
            why = "it starts with a hyphen";
        } else {
            why = "it has characters other than a-z, 0-9 and '-'";
        }
        throw new CatalogException(ErrorCode.INVALID_NAME, "invalid " + what + " '" + printable(s) + "': " + why
                + ". Use 1-" + MAX_LENGTH + " lowercase letters, digits and hyphens, starting with a letter or digit, e.g. \"my-nginx\"");
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * Checks that {@code namespace} may be written to.
     *
     * @throws CatalogException {@code READ_ONLY} for {@code antrieb}
     */
    public static void checkWritable(String namespace, String what) {
        if (Catalog.BUILTIN_NAMESPACE.equals(namespace)) {
            throw new CatalogException(ErrorCode.READ_ONLY, "cannot " + what + ": the antrieb/ namespace holds the "
                    + "built-in artifacts and is read-only. Save under your own namespace (Antrieb.builder().namespace(...) or "
                    + "antrieb.catalog(\"<namespace>\")) instead");
        }
    }

    /** A {@code [@]namespace/name} or short name split into namespace (or {@code defaultNamespace}) and name, both checked. */
    public static String[] split(String ref, String defaultNamespace) {
        String r = ref == null ? null : ref.trim();
        if (r != null && r.startsWith("@")) {
            r = r.substring(1);
        }
        if (r != null && r.indexOf('/') >= 0 && r.indexOf('/') == r.lastIndexOf('/')) {
            int slash = r.indexOf('/');
            return new String[] {checkNamespace(r.substring(0, slash)), checkName(r.substring(slash + 1))};
        }
        return new String[] {defaultNamespace, checkName(r)};
    }

    /**
     * An artifact's description stripped ({@code null} is empty); returns it.
     *
     * @throws CatalogException {@code INVALID} for one longer than 4000 characters
     */
    static String checkDescription(String d) {
        String t = d == null ? "" : d.strip();
        if (t.length() > 4000) {
            throw new CatalogException(ErrorCode.INVALID, "description is " + t.length() + " characters long, at most 4000 are allowed");
        }
        return t;
    }
}
