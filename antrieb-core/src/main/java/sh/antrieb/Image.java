package sh.antrieb;

import java.time.Instant;
import java.util.Optional;

/**
 * A bootable image: a base image built here, a stack image (packages on a base), a node's disk saved with
 * {@link Cluster#saveImage}, or an imported cloud image. Provision a cluster of it by {@link #name()}
 * (latest version in the caller's namespace), {@link #fqName()}, {@link #ani()} (this version, in the namespace of
 * the catalog it came from) or {@link #ref()} (this version, in any namespace).
 *
 * @param namespace     {@code antrieb} for base and stack images, else the owner's namespace
 * @param name          short name, e.g. {@code my-nginx}
 * @param version       1, 2, ... (a re-save makes the next version)
 * @param ani           the versioned image id, e.g. {@code antrieb:my-nginx:v1}, unqualified as product.md names images
 * @param kind          how it came to be
 * @param description   what it is
 * @param base          the image it was made from ({@code antrieb:debian12:v1}), or null for base and imported images
 * @param buildScript   {@code build-image.sh}: rebuilds it from {@code base} when run as root in a fresh node of
 *                      that base; null for base and imported images
 * @param startupScript {@code startup.sh}: starts the services that were running when the node was saved
 *                      (for ones started but not enabled); null where it does not apply
 * @param createdAt     when it was saved or imported; null for base and stack images
 */
public record Image(String namespace, String name, int version, String ani, Kind kind, String description, String base,
                    String buildScript, String startupScript, Instant createdAt) {

    /** How an image came to be. */
    public enum Kind {
        /** A distribution built on this machine from its package archive ({@code debian12}). */
        BASE,
        /** Packages added to a base image from a built-in recipe ({@code ansible-controller}, {@code podman}). */
        STACK,
        /** A node's disk saved with {@link Cluster#saveImage}. */
        SAVED,
        /** A disk brought from elsewhere with {@link Catalog#importImage}. */
        IMPORTED
    }

    /** {@code namespace/name}. */
    public String fqName() {
        return namespace + "/" + name;
    }

    /** This version's reference with its namespace, e.g. {@code antrieb:alice/my-nginx:v1}. */
    public ImageRef ref() {
        return ImageRef.of(namespace, name, version);
    }

    /** The base image, when there is one. */
    public Optional<String> baseImage() {
        return Optional.ofNullable(base);
    }
}
