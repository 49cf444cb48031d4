package sh.antrieb;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Saved artifacts of one namespace: images, runbooks and network specs, plus the built-in, read-only
 * {@code antrieb/*} ones every namespace sees. Get one with {@link Antrieb#catalog()} (the client's
 * namespace) or {@link Antrieb#catalog(String)}.
 *
 * <pre>{@code
 * Image img = cluster.saveImage("node1", "my-nginx", commands, "nginx with our config"); // antrieb:my-nginx:v1
 * antrieb.provision("my-nginx x2");
 * Catalog catalog = antrieb.catalog();
 * catalog.saveRunbook("ha-postgres", markdown, "HA Postgres + pgbouncer");
 * catalog.saveNetwork(NetworkSpec.named("isolated-lan").cidr("10.50.0.0/24").egress(false), "no way out");
 * catalog.search(Catalog.Type.RUNBOOK, "postgres");
 * catalog.fetch("yourorg/ha-postgres");                      // with the markdown body
 * catalog.delete(Catalog.Type.IMAGE, "my-nginx");
 * }</pre>
 *
 * <p>Names are 1-63 lowercase letters, digits and hyphens, starting with a letter or digit; anything else
 * is refused before the store is touched. Saving again under a name makes the next version ({@code v2},
 * ...); search and fetch show the latest. Saves are atomic: another process sees the whole new version or
 * none of it. Thread-safe.
 */
public interface Catalog {
    /** The built-in, read-only namespace. */
    String BUILTIN_NAMESPACE = "antrieb";
    /** Results of {@link #search(Type, String)}. */
    int DEFAULT_LIMIT = 20;
    /** The most results one search returns. */
    int MAX_LIMIT = 100;

    /** Kinds of artifacts; {@link #wireName()} is the MCP tools' {@code type} value. */
    enum Type {
        /** A bootable disk image, {@code antrieb:<name>:v<N>}. */
        IMAGE,
        /** A markdown runbook, {@code @<namespace>/<name>}. */
        RUNBOOK,
        /** A network spec, {@code @<namespace>/<name>}, usable in a cluster's networks. */
        NETWORK,
        /** A live cluster of this client (search and delete only). */
        CLUSTER;

        /** {@code image}, {@code runbook}, {@code network} or {@code cluster}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The type for a wire name.
         *
         * @throws CatalogException naming the valid types
         */
        public static Type of(String wireName) {
            for (Type t : values()) {
                if (t.wireName().equals(wireName)) {
                    return t;
                }
            }
            throw new CatalogException(ErrorCode.INVALID, "unknown artifact type '" + wireName
                    + "': use image, runbook, network or cluster");
        }
    }

    /** The namespace this catalog saves into and deletes from. */
    String namespace();

    /**
     * Saves {@code node}'s disk as image {@code name}: the disk is flattened into a standalone qcow2 (not
     * tied to the cluster), with {@code build-image.sh} (runs {@code commands} on the node's base image),
     * {@code startup.sh} and the description beside it. The node keeps running: the guest is synced, then
     * QEMU copies the disk live and the copy is cut at one instant (crash-consistent, like a power cut right
     * after {@code sync}). Usable by {@link Antrieb#provision} at once.
     *
     * @param commands the ordered commands that made the node what it is (for {@code build-image.sh})
     * @throws CatalogException       for a bad name or the read-only namespace (nothing written)
     * @throws NoSuchNodeException     for an unknown node
     * @throws ClusterExpiredException when the cluster is gone
     */
    Image saveImage(Cluster cluster, String node, String name, List<String> commands, String description);

    /**
     * Imports a disk from elsewhere as image {@code name} (copied into the store).
     *
     * @throws CatalogException for a bad name or the read-only namespace
     */
    Image importImage(String name, ImageImport source);

    /**
     * Saves a runbook as {@code @<namespace>/<name>} after validating it ({@link RunbookValidator}).
     *
     * @throws CatalogException for a bad name, the read-only namespace, or markdown that does not validate
     */
    Artifact saveRunbook(String name, String markdown, String description);

    /**
     * Saves a network spec as {@code @<namespace>/<name>}; clusters use it with
     * {@code NetworkSpec.reference("@<namespace>/<name>")} and get a network called {@code <name>}.
     *
     * @throws CatalogException for a bad name, the read-only namespace, or a reference instead of a spec
     */
    Artifact saveNetwork(String name, NetworkSpec spec, String description);

    /** {@link #saveNetwork(String, NetworkSpec, String)} under the spec's own name. */
    default Artifact saveNetwork(NetworkSpec spec, String description) {
        return saveNetwork(spec.name(), spec, description);
    }

    /** {@link #saveNetwork(String, NetworkSpec, String)} under the spec's own name, without a description. */
    default Artifact saveNetwork(NetworkSpec spec) {
        return saveNetwork(spec.name(), spec, null);
    }

    /** {@link #saveNetwork(String, NetworkSpec, String)} without a description. */
    default Artifact saveNetwork(String name, NetworkSpec spec) {
        return saveNetwork(name, spec, null);
    }

    /**
     * Metadata of the artifacts of {@code type} in this namespace and {@code antrieb/*} (for
     * {@link Type#CLUSTER}: this client's live clusters), whose name, description or fq_name contain
     * every word of {@code keywords} (case-insensitive; null or blank: all), built-ins first, then by name.
     *
     * @param limit 1 to {@link #MAX_LIMIT}
     */
    List<Artifact> search(Type type, String keywords, int limit);

    /** {@link #search(Type, String, int)} with the default limit of {@value #DEFAULT_LIMIT}. */
    default List<Artifact> search(Type type, String keywords) {
        return search(type, keywords, DEFAULT_LIMIT);
    }

    /**
     * One artifact whole (a runbook with its markdown), by {@code namespace/name}, {@code @namespace/name}
     * or a short name in this namespace; an image also by its ani ({@code antrieb:my-nginx:v2}).
     */
    Optional<Artifact> fetch(Type type, String fqName);

    /**
     * {@link #fetch(Type, String)} of whichever type has that name.
     *
     * @throws CatalogException {@code AMBIGUOUS} when several types have it
     */
    Optional<Artifact> fetch(String fqName);

    /**
     * The saved network spec {@code @namespace/name} (or a short name in this namespace), named as saved.
     *
     * @throws CatalogException {@code NOT_FOUND} when there is none
     */
    NetworkSpec network(String reference);

    /**
     * Deletes every version of an artifact of this namespace, by short or {@code namespace/name}; for
     * {@link Type#CLUSTER} destroys this client's cluster with that id. Clusters already running from a
     * deleted image keep running. Idempotent: returns false when there was nothing to delete.
     *
     * @throws CatalogException {@code READ_ONLY} for {@code antrieb/*}, {@code INVALID_NAME} for a bad name,
     *                          or a name of another namespace
     */
    boolean delete(Type type, String name);
}
