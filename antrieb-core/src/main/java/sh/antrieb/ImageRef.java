package sh.antrieb;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to an image in one of the forms provisioning, the catalog and runbooks accept:
 * <ul>
 *   <li>{@code debian12}, {@code my-nginx}: a short name (a built-in image, else the caller's namespace), latest version;</li>
 *   <li>{@code alice/my-nginx}, {@code antrieb/debian12}: a name in a namespace, latest version;</li>
 *   <li>{@code antrieb:my-nginx:v2}: an image id ("ani") of one version, namespace as for a short name;</li>
 *   <li>{@code antrieb:alice/my-nginx:v2}: an image id of one version in a namespace (what provisioning on behalf of a
 *       namespace pins saved images to, see {@link ProvisionOptions#namespace(String)}).</li>
 * </ul>
 * {@link #parse(String)} and {@link #toString()} are inverse: a parsed reference prints as it was written.
 * Which namespace an unqualified reference means, and whether the image exists, is the catalog's to say.
 *
 * @param namespace the namespace written, or null for an unqualified reference
 * @param name      the image's short name, e.g. {@code my-nginx}
 * @param version   the version written ({@code 1}, {@code 2}, ...), or 0 for "the latest"
 */
public record ImageRef(String namespace, String name, int version) {
    /** The scheme of an image id, {@code antrieb:<name>:v<N>}. */
    public static final String SCHEME = "antrieb:";
    /** Letters of a name or namespace: lowercase letters, digits, '.', '-' and '_', starting with a letter or digit. */
    private static final String PART = "[a-z0-9][a-z0-9._-]*";
    private static final Pattern NAMED = Pattern.compile("(?:(" + PART + ")/)?(" + PART + ")");
    private static final Pattern ANI = Pattern.compile("antrieb:(?:(" + PART + ")/)?(" + PART + "):v([1-9][0-9]{0,8})");
    private static final Pattern VALID_PART = Pattern.compile(PART);

    /** Validates the parts. */
    public ImageRef {
        if (namespace != null && !VALID_PART.matcher(namespace).matches()) {
            throw invalid(namespace + "/" + name);
        }
        if (name == null || !VALID_PART.matcher(name).matches()) {
            throw invalid(namespace == null ? name : namespace + "/" + name);
        }
        if (version < 0) {
            throw new InvalidSpecException("invalid image version " + version + " of '" + name
                    + "': versions are 1, 2, ... (0 for the latest)");
        }
    }

    /** {@code name}, latest version, unqualified. */
    public static ImageRef of(String name) {
        return new ImageRef(null, name, 0);
    }

    /** Version {@code version} of {@code name}, unqualified ({@code antrieb:<name>:v<N>}). */
    public static ImageRef of(String name, int version) {
        return new ImageRef(null, name, version);
    }

    /** Version {@code version} of {@code namespace/name} ({@code namespace} null: unqualified). */
    public static ImageRef of(String namespace, String name, int version) {
        return new ImageRef(namespace, name, version);
    }

    /**
     * Parses any of the forms above.
     *
     * @throws InvalidSpecException naming the forms when {@code text} is none of them
     */
    public static ImageRef parse(String text) {
        return tryParse(text).orElseThrow(() -> invalid(text));
    }

    /** {@link #parse(String)}, empty instead of an exception when {@code text} is none of the forms. */
    public static Optional<ImageRef> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = ANI.matcher(text);
        if (m.matches()) {
            return Optional.of(new ImageRef(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
        }
        m = NAMED.matcher(text);
        if (m.matches()) {
            return Optional.of(new ImageRef(m.group(1), m.group(2), 0));
        }
        return Optional.empty();
    }

    /** Whether {@code text} is one of the forms above. */
    public static boolean isValid(String text) {
        return tryParse(text).isPresent();
    }

    private static InvalidSpecException invalid(String text) {
        return new InvalidSpecException("invalid image name '" + text + "': use lowercase letters, digits, '.', '-' and '_', "
                + "optionally with a namespace (namespace/name) or as an image id (antrieb:name:v2, antrieb:namespace/name:v2), "
                + "e.g. \"debian12\"");
    }

    /** Whether a namespace is written. */
    public boolean isQualified() {
        return namespace != null;
    }

    /** Whether a version is written (else it means the latest). */
    public boolean isPinned() {
        return version > 0;
    }

    /** This reference in {@code namespace}. */
    public ImageRef inNamespace(String namespace) {
        return new ImageRef(namespace, name, version);
    }

    /** This reference without its namespace. */
    public ImageRef unqualified() {
        return namespace == null ? this : new ImageRef(null, name, version);
    }

    /** This reference pinned to {@code version}. */
    public ImageRef withVersion(int version) {
        return new ImageRef(namespace, name, version);
    }

    /** {@code namespace/name}, or {@code name} when unqualified. */
    public String path() {
        return namespace == null ? name : namespace + "/" + name;
    }

    /**
     * The image id, {@code antrieb:<name>:v<N>} or {@code antrieb:<namespace>/<name>:v<N>}.
     *
     * @throws IllegalStateException for a reference to the latest version, which has no id
     */
    public String ani() {
        if (version == 0) {
            throw new IllegalStateException("'" + path() + "' names the latest version, which has no image id: pin a version first");
        }
        return SCHEME + path() + ":v" + version;
    }

    /**
     * Whether this and {@code other} can name the same image, versions aside: the same name, and the same namespace
     * where both write one ({@code web} matches {@code antrieb:acme/web:v2}; {@code bob/web} does not).
     */
    public boolean sameImage(ImageRef other) {
        return name.equals(other.name) && (namespace == null || other.namespace == null || namespace.equals(other.namespace));
    }

    /** The reference as written: {@code name}, {@code namespace/name} or the image id of a pinned one. */
    @Override
    public String toString() {
        return version == 0 ? path() : ani();
    }
}
