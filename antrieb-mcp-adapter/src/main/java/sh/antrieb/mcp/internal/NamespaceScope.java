package sh.antrieb.mcp.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sh.antrieb.ClusterSpec;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.Catalog;
import sh.antrieb.mcp.CatalogException;

/**
 * What a provision request of an account may name: artifacts of the account's own namespace and the
 * built-in {@code antrieb/} ones, nothing of other accounts. It resolves the request's saved names before
 * core sees them, because core resolves names in its client's one namespace (the server's, not the
 * account's) and would boot or wire whatever {@code other/name} says:
 * <ul>
 *   <li>network references {@code "@namespace/name"} become the saved spec, under the reference's name;</li>
 *   <li>saved images ({@code my-nginx}, {@code alice/my-nginx}, {@code antrieb:my-nginx:v2}) become the
 *       fully qualified, version-pinned {@code antrieb:<namespace>/<name>:v<N>}; base and stack images stay
 *       as they are.</li>
 * </ul>
 * A name in another namespace is refused with {@code forbidden_namespace}.
 */
public final class NamespaceScope {
    /** The error code of a name in a namespace the account may not use. */
    public static final String FORBIDDEN = "forbidden_namespace";
    private static final Pattern QUALIFIED_ANI = Pattern.compile("antrieb:([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*):v([0-9]+)");

    private final Catalog catalog;

    /** A scope over {@code catalog}, which already limits what each account sees. */
    public NamespaceScope(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * {@code spec} with its saved names resolved for {@code account}.
     *
     * @throws CatalogException {@code forbidden_namespace} for another account's name, {@code not_found} for a
     *                          network reference that names nothing
     */
    public ClusterSpec resolve(Account account, ClusterSpec spec) {
        ClusterSpec.Builder b = ClusterSpec.builder();
        boolean changed = false;
        for (NodeSpec g : spec.nodes()) {
            String image = image(account, g.image());
            changed |= !image.equals(g.image());
            b.node(new NodeSpec(image, g.count(), g.controller()));
        }
        for (NetworkSpec n : spec.networks()) {
            NetworkSpec resolved = network(account, n);
            changed |= !resolved.equals(n);
            b.network(resolved);
        }
        if (!changed) {
            return spec;
        }
        spec.nics().forEach(b::nics);
        spec.ttl().ifPresent(b::ttl);
        spec.vmSize().ifPresent(b::vmSize);
        return b.build();
    }

    /** The image name core should boot for {@code image} as {@code account} wrote it. */
    String image(Account account, String image) {
        String ns = namespaceOf(image);
        if (ns != null) {
            checkVisible(account, ns, "image", image, "your own saved images by their short name (search {\"type\": \"image\"} lists "
                    + "them) or the host's images such as debian12");
        }
        Optional<Catalog.Artifact> saved;
        try {
            saved = catalog.fetch(account, Catalog.Type.IMAGE, image);
        } catch (CatalogException e) {
            return image; // not a catalog name at all: core says which images exist
        }
        if (saved.isEmpty() || saved.get().builtin()) {
            return image;
        }
        Catalog.Artifact a = saved.get();
        Object version = a.attributes().get("version");
        return version == null ? a.namespace() + "/" + a.name() : "antrieb:" + a.namespace() + "/" + a.name() + ":v" + version;
    }

    /** {@code n}, or the saved spec it refers to under the reference's name. */
    NetworkSpec network(Account account, NetworkSpec n) {
        if (n.reference().isEmpty()) {
            return n;
        }
        String ref = n.reference().get();
        String fq = ref.substring(1);
        String ns = fq.substring(0, fq.indexOf('/'));
        checkVisible(account, ns, "network", ref, "your own saved networks (@" + account.namespace()
                + "/<name>; search {\"type\": \"network\"} lists them), built-in ones (@" + BuiltinCatalog.BUILTIN_NAMESPACE
                + "/<name>), or declare the network yourself as {\"name\": \"" + n.name() + "\", \"cidr\": ..., \"egress\": ..., \"dhcp\": ...}");
        Catalog.Artifact saved = catalog.fetch(account, Catalog.Type.NETWORK, fq).orElseThrow(() -> new CatalogException("not_found",
                "no saved network " + ref + ": save it first with save {\"type\": \"network\", \"name\": \"" + n.name()
                + "\", \"cidr\": ..., \"egress\": ..., \"dhcp\": ...}, or declare it inline as {\"name\": \"" + n.name() + "\", ...}. "
                + "The saved networks you can use are " + catalog.search(account, Catalog.Type.NETWORK, null, 100).stream()
                        .map(a -> "@" + a.fqName()).toList()));
        if (saved.body() == null) {
            throw new CatalogException("internal_error", "saved network " + ref + " has no spec; save it again");
        }
        try {
            return NetworkSpec.parse(saved.body()).withName(n.name());
        } catch (InvalidSpecException e) {
            throw new CatalogException("invalid", "saved network " + ref + " does not parse (" + e.getMessage() + "); save it again");
        }
    }

    /** A node's image as the account wrote it, without the namespace this scope put in front of saved ones. */
    static String shown(String nodeImage) {
        Matcher m = QUALIFIED_ANI.matcher(nodeImage);
        return m.matches() ? "antrieb:" + m.group(2) + ":v" + m.group(3) : nodeImage;
    }

    /** A node's image reference, {@code antrieb:<name>:v<N>}, as product.md names images. */
    static String ani(String nodeImage) {
        Matcher m = QUALIFIED_ANI.matcher(nodeImage);
        if (m.matches()) {
            return shown(nodeImage);
        }
        String image = nodeImage.startsWith(BuiltinCatalog.BUILTIN_NAMESPACE + "/")
                ? nodeImage.substring(BuiltinCatalog.BUILTIN_NAMESPACE.length() + 1) : nodeImage;
        return BuiltinCatalog.ani(image);
    }

    /** The namespace an image name states ({@code ns/name}, {@code antrieb:ns/name:vN}), or null for none. */
    private static String namespaceOf(String image) {
        String rest = image.startsWith("antrieb:") ? image.substring("antrieb:".length()) : image;
        int slash = rest.indexOf('/');
        return slash < 0 ? null : rest.substring(0, slash);
    }

    private static void checkVisible(Account account, String ns, String what, String name, String instead) {
        if (!ns.equals(account.namespace()) && !ns.equals(BuiltinCatalog.BUILTIN_NAMESPACE)) {
            throw new CatalogException(FORBIDDEN, what + " " + name + " is in namespace " + ns + ", which this account cannot use: "
                    + "an account uses its own namespace (" + account.namespace() + ") and the built-in " + BuiltinCatalog.BUILTIN_NAMESPACE
                    + "/ one. Use " + instead + ".");
        }
    }
}
