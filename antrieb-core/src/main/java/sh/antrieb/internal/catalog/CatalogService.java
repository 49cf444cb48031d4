package sh.antrieb.internal.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.ImageRef;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.internal.BootImage;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.Provisioner;
import sh.antrieb.internal.Settings;

/**
 * The catalog behind {@link Antrieb#catalog()}, and the one entry the rest of core calls: it owns the store and the
 * stack images, extends the {@link ImageStore} with catalog names, and hands each job to its own class:
 * {@link ImageNames} (image names), {@link NamespacePolicy} (what a namespace may reach), {@link NetworkReferences}
 * (saved networks), {@link ImageSaving} (saving and importing images), {@link CatalogRunbooks} (runbooks, built-in
 * ones too) and {@link CurrentBuilds} (the recipe builds the sweep keeps). One per client; {@link #view(String)}
 * gives the {@link Catalog} of a namespace.
 */
public final class CatalogService implements ImageStore.Extension {
    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);

    private final CatalogStore store;
    private final String defaultNamespace;
    private final Provisioner provisioner;
    private final StackImages stacks;
    private final ImageNames imageNames;
    private final NetworkReferences networks;
    private final ImageSaving saving;
    private final CatalogRunbooks runbooks;
    private final Supplier<List<Cluster>> liveClusters;

    /** A catalog over {@code storeDir}; registers itself with {@code images}. */
    public CatalogService(Path storeDir, String defaultNamespace, LibvirtHost host, ImageStore images, Provisioner provisioner,
                          Settings settings, Supplier<List<Cluster>> liveClusters) {
        this.store = new CatalogStore(storeDir);
        this.defaultNamespace = Names.checkNamespace(defaultNamespace);
        this.stacks = new StackImages(settings.imageCache(), host, images, provisioner);
        this.provisioner = provisioner;
        this.imageNames = new ImageNames(store, images, stacks);
        this.networks = new NetworkReferences(store);
        this.saving = new ImageSaving(store, host, images);
        this.runbooks = new CatalogRunbooks(store);
        this.liveClusters = liveClusters;
        images.extend(this);
    }

    /** The store directory when none is configured: {@link Antrieb#CATALOG_DIR_ENV}, else {@link Antrieb#DEFAULT_CATALOG_DIR}. */
    public static Path defaultDir() {
        String env = System.getenv(Antrieb.CATALOG_DIR_ENV);
        return env == null || env.isBlank() ? Antrieb.DEFAULT_CATALOG_DIR : Path.of(env);
    }

    /**
     * The namespace when none is configured: {@link Antrieb#NAMESPACE_ENV}, else the local user's name made
     * valid (lowercase; other characters become hyphens), e.g. {@code root}.
     */
    public static String defaultNamespaceName() {
        String env = System.getenv(Antrieb.NAMESPACE_ENV);
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String user = System.getProperty("user.name", "local").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("^-+", "");
        user = user.length() > Names.MAX_LENGTH ? user.substring(0, Names.MAX_LENGTH) : user;
        return Names.isValid(user) && !user.equals(Catalog.BUILTIN_NAMESPACE) ? user : "local";
    }

    /**
     * The built-in images' builds of today's recipes, by cache name ({@code debian12}, {@code stack-podman}) to
     * recipe hash: what the sweep keeps of the image cache ({@link sh.antrieb.internal.RecipeBuilds}). The recipes
     * are resources of this jar, so they are hashed once, on the first sweep, not on every one.
     */
    public Map<String, String> currentBuilds() {
        return CurrentBuilds.HASHES;
    }

    /** The client's own namespace. */
    public String defaultNamespace() {
        return defaultNamespace;
    }

    /** The catalog of {@code namespace}. */
    public Catalog view(String namespace) {
        return new LocalCatalog(this, Names.checkNamespace(namespace));
    }

    /** The store directory. */
    public Path storeDir() {
        return store.root();
    }

    CatalogStore store() {
        return store;
    }

    List<Cluster> clusters() {
        return liveClusters.get();
    }

    // ---- image names: ImageNames ---------------------------------------------------------------------

    Optional<ImageRef> parseImage(String ref, String namespace) {
        return imageNames.parseImage(ref, namespace);
    }

    Optional<CatalogStore.Entry> imageEntry(ImageRef ref) {
        return imageNames.imageEntry(ref);
    }

    @Override
    public boolean knows(String name) {
        return imageNames.knows(name, defaultNamespace);
    }

    @Override
    public BootImage resolve(String name) {
        return imageNames.resolve(name, defaultNamespace);
    }

    @Override
    public List<String> names() {
        return imageNames.stackAndSavedNames(defaultNamespace);
    }

    /** Builds the stack images {@code spec} uses that are not built yet (before a cluster slot is taken). */
    public void prepareImages(ClusterSpec spec) {
        imageNames.prepareImages(spec, defaultNamespace);
    }

    /**
     * Deletes an artifact; for an image, every version's warm-start templates first (a template is an overlay
     * on its image's disk, and copies of it would be that image).
     */
    boolean delete(Catalog.Type type, String namespace, String name) {
        if (type == Catalog.Type.IMAGE) {
            Optional<CatalogStore.Entry> latest = store.latest(type, namespace, name);
            int last = latest.map(CatalogStore.Entry::version).orElse(0);
            int removed = 0;
            for (int v = 1; v <= last; v++) {
                Optional<CatalogStore.Entry> e = store.version(type, namespace, name, v);
                if (e.isPresent()) {
                    removed += provisioner.discardTemplatesOf(e.get().dir().resolve("disk.qcow2").toString());
                }
            }
            if (removed > 0) {
                log.info("catalog: deleted {} warm-start template(s) of image {}/{}", removed, namespace, name);
            }
        }
        return store.delete(type, namespace, name);
    }

    boolean isStackBuilt(String name) {
        return stacks.isBuilt(name);
    }

    // ---- provisioning on behalf of a namespace ---------------------------------------------------------

    /**
     * {@code spec} as provisioning on behalf of {@code namespace} sees it ({@link sh.antrieb.ProvisionOptions#namespace}):
     * its saved images pinned to their latest (or named) version as {@code antrieb:<namespace>/<name>:v<N>}, the
     * built-in images as written, and its {@code @namespace/name} network references replaced by the saved specs
     * under the reference's name. {@code spec} itself when none of that changes anything.
     *
     * @throws CatalogException     {@code FORBIDDEN_NAMESPACE} for a name in a namespace other than {@code namespace}
     *                              and {@code antrieb}, {@code NOT_FOUND} for a reference to no saved network
     * @throws InvalidSpecException for an image that is neither built in nor saved in {@code namespace}
     */
    public ClusterSpec resolveIn(String namespace, ClusterSpec spec) {
        Names.checkNamespace(namespace);
        List<NodeSpec> nodes = new ArrayList<>();
        for (NodeSpec g : spec.nodes()) {
            nodes.add(new NodeSpec(imageNames.imageIn(namespace, g.image()), g.count(), g.controller()));
        }
        ClusterSpec resolved = nodes.equals(spec.nodes()) ? spec : spec.withNodes(nodes);
        List<NetworkSpec> networks = this.networks.resolveReferences(spec.networks(), namespace, true);
        return networks.equals(spec.networks()) ? resolved : resolved.withNetworks(networks);
    }

    // ---- networks --------------------------------------------------------------------------------------

    /**
     * {@code spec} with its {@code @namespace/name} network references replaced by the saved specs (keeping the
     * reference's name), as this client's own provisioning sees them: any namespace may be named.
     */
    public ClusterSpec resolveNetworks(ClusterSpec spec) {
        List<NetworkSpec> networks = this.networks.resolveReferences(spec.networks(), defaultNamespace, false);
        return networks.equals(spec.networks()) ? spec : spec.withNetworks(networks);
    }

    NetworkSpec network(String reference, String namespace) {
        return networks.network(reference, namespace);
    }

    // ---- saving: ImageSaving, CatalogRunbooks, NetworkReferences ------------------------------------------

    Image saveImage(String namespace, Cluster cluster, String node, String name, List<String> commands, String description) {
        return saving.saveImage(namespace, cluster, node, name, commands, description);
    }

    Image importImage(String namespace, String name, ImageImport source) {
        return saving.importImage(namespace, name, source);
    }

    CatalogStore.Entry saveRunbook(String namespace, String name, String markdown, String description) {
        return runbooks.saveRunbook(namespace, name, markdown, description);
    }

    CatalogStore.Entry saveNetwork(String namespace, String name, NetworkSpec spec, String description) {
        return networks.saveNetwork(namespace, name, spec, description);
    }
}
