package sh.antrieb;

import java.util.Objects;
import java.util.Optional;

import sh.antrieb.internal.catalog.Names;

/**
 * Per-call options of {@link Antrieb#provision(ClusterSpec, ProvisionOptions)}. Immutable.
 *
 * <p>{@link #namespace(String)} provisions on behalf of a namespace, e.g. one account of a server that
 * serves many from one client: the spec's saved names are looked up in that namespace, and it reaches
 * only its own artifacts and the built-in {@code antrieb/*} ones.
 *
 * <pre>{@code
 * Cluster c = antrieb.provision(ClusterSpec.builder()
 *         .nodes("my-nginx x2")                  // acme's saved image, pinned to its latest version
 *         .network("@acme/isolated-lan")         // acme's saved network spec
 *         .nics("node1", "isolated-lan").nics("node2", "isolated-lan")
 *         .build(), ProvisionOptions.namespace("acme"));
 * // "@team/lan" or "team/my-image" here: CatalogException with code FORBIDDEN_NAMESPACE, nothing created
 * }</pre>
 */
public final class ProvisionOptions {
    /** No options: the client's own namespace ({@link Antrieb.Builder#namespace}), which may name any namespace. */
    public static final ProvisionOptions DEFAULTS = new ProvisionOptions(null);

    private final String namespace;

    private ProvisionOptions(String namespace) {
        this.namespace = namespace;
    }

    /**
     * Options that provision on behalf of {@code namespace}:
     * <ul>
     *   <li>saved images by short name ({@code my-nginx}), {@code namespace/name} or {@code antrieb:name:vN} are
     *       {@code namespace}'s; each is pinned to one version before anything boots, so the cluster's nodes
     *       report it as {@code antrieb:<namespace>/<name>:v<N>};</li>
     *   <li>{@code @namespace/name} network references become the saved specs;</li>
     *   <li>the built-in images ({@code debian12}, {@code antrieb/ansible-controller}, ...) stay usable;</li>
     *   <li>a name in any other namespace is refused with {@link ErrorCode#FORBIDDEN_NAMESPACE},
     *       and an image that is neither built in nor saved in {@code namespace} with
     *       {@link InvalidSpecException} listing the images the namespace can use;</li>
     *   <li>{@link Cluster#saveImage} on the cluster saves into {@code namespace}.</li>
     * </ul>
     *
     * @throws CatalogException {@code INVALID_NAME} for a namespace that breaks the naming rule
     */
    public static ProvisionOptions namespace(String namespace) {
        return new ProvisionOptions(Names.checkNamespace(namespace));
    }

    /** The namespace to provision on behalf of, or empty for the client's own (unrestricted). */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProvisionOptions other && Objects.equals(namespace, other.namespace);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(namespace);
    }

    @Override
    public String toString() {
        return "ProvisionOptions[namespace=" + (namespace == null ? "(the client's)" : namespace) + "]";
    }
}
