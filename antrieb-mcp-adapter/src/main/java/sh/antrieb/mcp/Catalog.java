package sh.antrieb.mcp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import sh.antrieb.Cluster;

/**
 * Saved artifacts (images, runbooks, networks) as the {@code save}, {@code search} and {@code delete} tools
 * see them. The built-in {@code antrieb/*} artifacts are read-only and visible to every account; saved ones
 * live in their owner's namespace. Implementations raise {@link CatalogException} with a code and a message
 * the caller can act on.
 */
public interface Catalog {

    /** Kinds of saved artifacts; {@link #wireName()} is the tools' {@code type} value. */
    enum Type {
        /** A disk image, {@code antrieb:<name>:v<N>}. */
        IMAGE,
        /** A markdown runbook. */
        RUNBOOK,
        /** A network spec usable in provision's {@code networks}. */
        NETWORK;

        /** {@code image}, {@code runbook} or {@code network}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type for a tool's {@code type} value. */
        public static Type of(String wireName) {
            return valueOf(wireName.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One artifact.
     *
     * @param type        its kind
     * @param fqName      fully qualified name, {@code namespace/name}, e.g. {@code antrieb/primer}
     * @param description what it is (what search shows)
     * @param builtin     whether it is a read-only built-in
     * @param body        the runbook markdown when fetched whole, else null
     * @param attributes  further fields shown as they are, e.g. {@code ani} of an image
     */
    record Artifact(Type type, String fqName, String description, boolean builtin, String body, Map<String, Object> attributes) {
        /** The part after the namespace. */
        public String name() {
            int slash = fqName.indexOf('/');
            return slash < 0 ? fqName : fqName.substring(slash + 1);
        }

        /** The namespace. */
        public String namespace() {
            int slash = fqName.indexOf('/');
            return slash < 0 ? "" : fqName.substring(0, slash);
        }
    }

    /**
     * What {@code save} asks for; fields that do not apply to the type are null.
     *
     * @param type        what to save
     * @param name        the short name (lowercase and hyphens)
     * @param description what it is, or null
     * @param cluster     image: the cluster holding the node (already checked to belong to the account)
     * @param node        image: the node whose disk becomes the image
     * @param commands    image: the ordered commands that worked
     * @param body        runbook: the markdown
     * @param cidr        network: a /24, or null to allocate
     * @param egress      network: whether the outside is reachable
     * @param dhcp        network: whether the platform assigns addresses
     */
    record SaveRequest(Type type, String name, String description, Cluster cluster, String node, List<String> commands,
                       String body, String cidr, Boolean egress, Boolean dhcp) {
    }

    /** Saves an artifact in {@code owner}'s namespace. */
    Artifact save(Account owner, SaveRequest request);

    /** Metadata of the artifacts {@code viewer} can see, filtered by {@code keywords} (null: all), at most {@code limit}. */
    List<Artifact> search(Account viewer, Type type, String keywords, int limit);

    /** One artifact whole (a runbook with its body), by fully qualified name. */
    Optional<Artifact> fetch(Account viewer, Type type, String fqName);

    /** Deletes one of {@code owner}'s artifacts by short or {@code namespace/short} name. */
    void delete(Account owner, Type type, String name);
}
