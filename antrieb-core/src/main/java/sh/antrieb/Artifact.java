package sh.antrieb;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One artifact of the {@link Catalog}: an image, a runbook, a network spec, or (in search results) a live
 * cluster. Search returns metadata only; {@link Catalog#fetch} fills {@link #body()}.
 *
 * @param type        its kind
 * @param namespace   the owner's namespace, {@code antrieb} for built-ins
 * @param name        the short name, e.g. {@code ha-postgres}
 * @param version     the version, 1 and up ({@code v1}, {@code v2}, ...); 1 for built-ins and clusters
 * @param description what it is (what search shows); may be empty
 * @param builtin     whether it is a read-only built-in ({@code antrieb/*})
 * @param createdAt   when this version was saved; null for built-ins
 * @param attributes  further facts by type: {@code ani}, {@code kind}, {@code base} of an image;
 *                    {@code cidr}, {@code egress}, {@code dhcp} of a network; {@code nodes},
 *                    {@code expires_at} of a cluster
 * @param body        when fetched whole: a runbook's markdown, a network's shorthand, an image's
 *                    {@code build-image.sh}; null in search results
 */
public record Artifact(Catalog.Type type, String namespace, String name, int version, String description,
                       boolean builtin, Instant createdAt, Map<String, String> attributes, String body) {

    /** Copies the attribute map. */
    public Artifact {
        attributes = Map.copyOf(attributes);
        description = description == null ? "" : description;
    }

    /** {@code namespace/name}, e.g. {@code antrieb/primer}. */
    public String fqName() {
        return namespace + "/" + name;
    }

    /** The body, when this artifact was fetched whole. */
    public Optional<String> bodyText() {
        return Optional.ofNullable(body);
    }

    /** This artifact without its body (what search returns). */
    public Artifact metadata() {
        return body == null ? this : new Artifact(type, namespace, name, version, description, builtin, createdAt, attributes, null);
    }
}
