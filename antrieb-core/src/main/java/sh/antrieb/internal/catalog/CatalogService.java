package sh.antrieb.internal.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.ImageRef;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.RunbookValidator;
import sh.antrieb.internal.BootImage;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.Provisioner;
import sh.antrieb.internal.Settings;

/**
 * The catalog behind {@link Antrieb#catalog()}: the store, the built-in artifacts, stack images,
 * saving disks, and resolving catalog names for provisioning (it extends the {@link ImageStore}).
 * One per client; {@link #view(String)} gives the {@link Catalog} of a namespace.
 */
public final class CatalogService implements ImageStore.Extension {
    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
    /** Where the antrieb-runbook module keeps its built-in runbooks (read as resources: no dependency). */
    static final String BUILTIN_RUNBOOKS = "/sh/antrieb/runbook/builtin/";
    private static final int MAX_BODY = 1 << 20;

    private final CatalogStore store;
    private final String defaultNamespace;
    private final LibvirtHost host;
    private final Provisioner provisioner;
    private final ImageStore images;
    private final StackImages stacks;
    private final ImageNames imageNames;
    private final NetworkReferences networks;
    private final Supplier<List<Cluster>> liveClusters;
    private final List<RunbookValidator> validators;

    /** A catalog over {@code storeDir}; registers itself with {@code images}. */
    public CatalogService(Path storeDir, String defaultNamespace, LibvirtHost host, ImageStore images, Provisioner provisioner,
                          Settings settings, Supplier<List<Cluster>> liveClusters) {
        this.store = new CatalogStore(storeDir);
        this.defaultNamespace = Names.checkNamespace(defaultNamespace);
        this.host = host;
        this.images = images;
        this.stacks = new StackImages(settings.imageCache(), host, images, provisioner);
        this.provisioner = provisioner;
        this.imageNames = new ImageNames(store, images, stacks);
        this.networks = new NetworkReferences(store);
        this.liveClusters = liveClusters;
        List<RunbookValidator> v = new ArrayList<>();
        ServiceLoader.load(RunbookValidator.class).forEach(v::add);
        this.validators = List.copyOf(v);
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

    /** Holder of {@link #currentBuilds()}: made when first read. */
    private static final class CurrentBuilds {
        static final Map<String, String> HASHES;

        static {
            Map<String, String> out = new LinkedHashMap<>();
            ImageStore.baseNames().forEach(b -> out.put(b, ImageStore.recipeHash(b)));
            StackImages.RECIPES.keySet().forEach(s -> out.put(StackImages.cacheName(s), StackImages.hash(s)));
            HASHES = java.util.Collections.unmodifiableMap(out);
        }
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


    // ---- saving --------------------------------------------------------------------------------------

    Image saveImage(String namespace, Cluster cluster, String node, String name, List<String> commands, String description) {
        Names.checkWritable(namespace, "save image " + name);
        Names.checkName(name);
        NamespacePolicy.checkNotReserved(name);
        if (!(cluster instanceof LibvirtCluster lc)) {
            throw new CatalogException(ErrorCode.NOT_AVAILABLE, "cannot save a disk of " + cluster
                    + ": only clusters made by an Antrieb client have disks");
        }
        List<String> cmds = List.copyOf(commands == null ? List.of() : commands);
        String desc = Names.checkDescription(description);
        String nodeImage = lc.node(node).image();
        BootImage base = images.resolve(nodeImage);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.IMAGE, namespace, name)) {
            List<String> services = DiskCapture.capture(host, lc, node, s.dir().resolve("disk.qcow2"));
            if (base.kernelPath() != null) { // else the saved disk boots through firmware like its base
                linkOrCopy(Path.of(base.kernelPath()), s.dir().resolve("vmlinuz"));
                linkOrCopy(Path.of(base.initrdPath()), s.dir().resolve("initrd.img"));
            }
            long diskBytes = ImageStore.qcow2VirtualSize(s.dir().resolve("disk.qcow2"));
            String fq = namespace + "/" + name;
            CatalogStore.Entry e = store.commit(s, version -> {
                String ani = ani(name, version);
                CatalogStore.writeFile(s.dir().resolve("build-image.sh"), ImageScripts.buildImage(ani, fq, base.ani(), cmds), true);
                CatalogStore.writeFile(s.dir().resolve("startup.sh"), ImageScripts.startup(ani, services), true);
                CatalogStore.writeFile(s.dir().resolve("description.txt"), desc + "\n", false);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", desc);
                m.put("kind", "saved");
                m.put("ani", ani);
                m.put("base", base.ani());
                m.put("from", cluster.id() + "/" + node);
                m.put("commands", cmds.size());
                putBoot(m, base.kernelPath() != null, base.cmdline());
                m.put("disk_bytes", diskBytes);
                return m;
            });
            return image(e);
        } catch (IOException e) {
            throw new UncheckedIOException("saving image " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The boot entries of an image's metadata: its kernel and initramfs beside the disk (as {@code vmlinuz},
     * {@code initrd.img}) and their command line, or none for an image that boots through firmware.
     */
    private static void putBoot(Map<String, Object> meta, boolean directKernel, String cmdline) {
        if (directKernel) {
            meta.put("kernel", "vmlinuz");
            meta.put("initrd", "initrd.img");
            meta.put("cmdline", cmdline);
        }
    }

    Image importImage(String namespace, String name, ImageImport source) {
        Names.checkWritable(namespace, "import image " + name);
        Names.checkName(name);
        NamespacePolicy.checkNotReserved(name);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.IMAGE, namespace, name)) {
            Path disk = s.dir().resolve("disk.qcow2");
            Process p = new ProcessBuilder("qemu-img", "convert", "-O", "qcow2", source.disk().toString(), disk.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new CatalogException(ErrorCode.INVALID, "cannot import " + source.disk() + ": qemu-img convert failed: " + out.strip());
            }
            if (source.kernel() != null) {
                Files.copy(source.kernel(), s.dir().resolve("vmlinuz"));
                Files.copy(source.initrd(), s.dir().resolve("initrd.img"));
            }
            long diskBytes = ImageStore.qcow2VirtualSize(disk);
            String desc = Names.checkDescription(source.description());
            CatalogStore.Entry e = store.commit(s, version -> {
                CatalogStore.writeFile(s.dir().resolve("description.txt"), desc + "\n", false);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", desc);
                m.put("kind", "imported");
                m.put("ani", ani(name, version));
                m.put("imported_from", source.disk().toAbsolutePath().toString());
                putBoot(m, source.kernel() != null, source.cmdline());
                m.put("disk_bytes", diskBytes);
                return m;
            });
            return image(e);
        } catch (IOException e) {
            throw new UncheckedIOException("importing image " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException(ErrorCode.NOT_AVAILABLE, "interrupted while importing " + name, e);
        }
    }

    CatalogStore.Entry saveRunbook(String namespace, String name, String markdown, String description) {
        Names.checkWritable(namespace, "save runbook " + name);
        Names.checkName(name);
        validateRunbook(markdown);
        String desc = description == null || description.isBlank() ? runbookTitle(markdown) : Names.checkDescription(description);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.RUNBOOK, namespace, name)) {
            CatalogStore.writeFile(s.dir().resolve("runbook.md"), markdown, false);
            return store.commit(s, version -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", desc);
                m.put("title", runbookTitle(markdown));
                return m;
            });
        }
    }

    CatalogStore.Entry saveNetwork(String namespace, String name, NetworkSpec spec, String description) {
        return networks.saveNetwork(namespace, name, spec, description);
    }

    private void validateRunbook(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            throw new CatalogException(ErrorCode.INVALID, "runbook body is empty: give markdown with a '# Title' and "
                    + "'## Topology required', '## Steps' and '## Verify' sections");
        }
        if (markdown.length() > MAX_BODY) {
            throw new CatalogException(ErrorCode.INVALID, "runbook body is " + markdown.length() + " characters, at most " + MAX_BODY);
        }
        if (validators.isEmpty()) {
            List<String> missing = new ArrayList<>();
            if (markdown.lines().noneMatch(l -> l.startsWith("# "))) {
                missing.add("a '# Title' line");
            }
            if (markdown.lines().noneMatch(l -> l.strip().toLowerCase(Locale.ROOT).equals("## steps"))) {
                missing.add("a '## Steps' section");
            }
            if (!missing.isEmpty()) {
                throw new CatalogException(ErrorCode.INVALID, "runbook does not validate: it lacks " + String.join(" and ", missing));
            }
            return;
        }
        for (RunbookValidator v : validators) {
            try {
                v.validate(markdown);
            } catch (RuntimeException e) {
                throw new CatalogException(ErrorCode.INVALID, "runbook does not validate: " + e.getMessage(), e);
            }
        }
    }

    static String runbookTitle(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("# ")).map(l -> l.substring(2).strip()).findFirst().orElse("");
    }

    // ---- built-in runbooks ---------------------------------------------------------------------------

    /** Fully qualified names of the built-in runbooks (empty when the runbook module is not on the class path). */
    static List<String> builtinRunbooks() {
        String index = resource(BUILTIN_RUNBOOKS + "index.txt");
        return index == null ? List.of() : index.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    static String builtinRunbook(String fqName) {
        return builtinRunbooks().contains(fqName) ? resource(BUILTIN_RUNBOOKS + fqName + ".md") : null;
    }

    private static String resource(String path) {
        try (InputStream in = CatalogService.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot read resource {}: {}", path, e.toString());
            return null;
        }
    }

    // ---- images as values ------------------------------------------------------------------------------

    /**
     * A saved image's id as {@link Image#ani()} gives it, {@code antrieb:<name>:v<N>}: unqualified, read in the
     * namespace of the catalog it is used with, as product.md and the MCP tools name images (its namespace is in
     * {@link Image#namespace()}; {@link Image#ref()} is the reference that holds in every namespace).
     */
    static String ani(String name, int version) {
        return ImageRef.of(name, version).ani();
    }

    static Image image(CatalogStore.Entry e) {
        String kind = e.get("kind");
        return new Image(e.namespace(), e.name(), e.version(), e.get("ani"),
                "imported".equals(kind) ? Image.Kind.IMPORTED : Image.Kind.SAVED, e.get("description"), e.get("base"),
                readIfExists(e.dir().resolve("build-image.sh")), readIfExists(e.dir().resolve("startup.sh")), e.createdAt());
    }

    static String readIfExists(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Hard-links {@code from} to {@code to}, or copies it where links are not possible. */
    static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
