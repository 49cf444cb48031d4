package sh.antrieb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Image names an operator maps to images this host has, e.g. {@code ubuntu24.04 -> debian13} for clients
 * written against another host's catalog. Never silent: a node provisioned through an alias says so
 * ({@link Cluster#imageAliases()}, a warning in the log and in MCP results). Without an alias, a name the host
 * does not have is an {@link InvalidSpecException} listing the images it has. Immutable.
 */
public final class ImageAliases {
    /** No aliases: the default. */
    public static final ImageAliases NONE = new ImageAliases(Map.of());

    private final Map<String, String> aliases;

    private ImageAliases(Map<String, String> aliases) {
        this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(aliases));
    }

    /** These aliases plus {@code name -> image}; both must be image names ({@code debian13}, {@code ubuntu24.04}). */
    public ImageAliases with(String name, String image) {
        NodeSpec.of(name, 1);  // the same name rules as a node's image; throws naming the problem
        NodeSpec.of(image, 1);
        if (name.equals(image)) {
            throw new InvalidSpecException("image alias '" + name + "' maps to itself: map it to an image this host has, e.g. "
                    + name + "=debian13");
        }
        if (aliases.containsKey(image)) {
            throw new InvalidSpecException("image alias '" + name + "=" + image + "': '" + image + "' is itself an alias; map '"
                    + name + "' to '" + aliases.get(image) + "' directly");
        }
        Map<String, String> m = new LinkedHashMap<>(aliases);
        m.put(name, image);
        return new ImageAliases(m);
    }

    /**
     * Parses {@code NAME=IMAGE} (the server's {@code --image-alias} form).
     *
     * @throws InvalidSpecException naming what is wrong, with an example
     */
    public ImageAliases with(String nameEqualsImage) {
        int eq = nameEqualsImage.indexOf('=');
        if (eq <= 0 || eq == nameEqualsImage.length() - 1) {
            throw new InvalidSpecException("image alias '" + nameEqualsImage + "' is not NAME=IMAGE, e.g. ubuntu24.04=debian13");
        }
        return with(nameEqualsImage.substring(0, eq).trim(), nameEqualsImage.substring(eq + 1).trim());
    }

    /** Alias to image, in the order they were added. */
    public Map<String, String> asMap() {
        return aliases;
    }

    /** The image {@code name} stands for: its alias target, or {@code name} itself. */
    public String resolve(String name) {
        return aliases.getOrDefault(name, name);
    }

    /**
     * {@code spec} with every aliased image replaced by its target; {@code requested} gets node name to the
     * name asked for, for every node that was mapped.
     */
    public ClusterSpec apply(ClusterSpec spec, Map<String, String> requested) {
        if (aliases.isEmpty() || spec.nodes().stream().noneMatch(n -> aliases.containsKey(n.image()))) {
            return spec;
        }
        List<NodeSpec> nodes = new ArrayList<>();
        List<String> names = spec.nodeNames();
        int i = 0;
        for (NodeSpec n : spec.nodes()) {
            String target = aliases.get(n.image());
            nodes.add(target == null ? n : new NodeSpec(target, n.count(), n.controller()));
            for (int k = 0; k < n.count(); k++, i++) {
                if (target != null) {
                    requested.put(names.get(i), n.image());
                }
            }
        }
        return spec.withNodes(nodes);
    }

    @Override
    public String toString() {
        return aliases.toString();
    }
}
