package sh.antrieb.internal.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import sh.antrieb.Catalog;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.ImageRef;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.internal.BootImage;
import sh.antrieb.internal.ImageStore;

/**
 * Image names read against the catalog: an {@link ImageRef} with its namespace filled in, the built-in and saved
 * images a namespace can use, and the disk (or stack image) a name boots.
 */
final class ImageNames {
    private final CatalogStore store;
    private final ImageStore images;
    private final StackImages stacks;

    ImageNames(CatalogStore store, ImageStore images, StackImages stacks) {
        this.store = store;
        this.images = images;
        this.stacks = stacks;
    }

    /**
     * {@code ref} parsed ({@link ImageRef}) with its namespace filled in: {@code antrieb} for a built-in image's short
     * name, else {@code namespace}; empty when it is no image reference or breaks the catalog's naming rule.
     */
    Optional<ImageRef> parseImage(String ref, String namespace) {
        Optional<ImageRef> parsed = ImageRef.tryParse(ref)
                .filter(r -> Names.isValid(r.name()) && (!r.isQualified() || Names.isValid(r.namespace())));
        if (parsed.isEmpty() || parsed.get().isQualified()) {
            return parsed;
        }
        ImageRef r = parsed.get();
        return Optional.of(r.inNamespace(isBuiltinImage(r.name()) ? Catalog.BUILTIN_NAMESPACE : namespace));
    }

    /** Whether {@code name} is a built-in (base or stack) image's name. */
    static boolean isBuiltinImage(String name) {
        return ImageStore.RECIPES.containsKey(name) || StackImages.isStack(name);
    }

    /** The saved image {@code ref} names: its latest version, or the one it names. */
    Optional<CatalogStore.Entry> imageEntry(ImageRef ref) {
        return ref.version() == 0 ? store.latest(Catalog.Type.IMAGE, ref.namespace(), ref.name())
                : store.version(Catalog.Type.IMAGE, ref.namespace(), ref.name(), ref.version());
    }

    /** {@link ImageStore.Extension#knows}, short names read in {@code namespace}. */
    boolean knows(String name, String namespace) {
        Optional<ImageRef> ref = parseImage(name, namespace);
        if (ref.isEmpty()) {
            return false;
        }
        ImageRef r = ref.get();
        if (r.namespace().equals(Catalog.BUILTIN_NAMESPACE)) {
            return StackImages.isStack(r.name()) && r.version() <= 1;
        }
        return imageEntry(r).isPresent();
    }

    /** {@link ImageStore.Extension#resolve}, short names read in {@code namespace}. */
    BootImage resolve(String name, String namespace) {
        ImageRef r = parseImage(name, namespace)
                .orElseThrow(() -> new InvalidSpecException(ErrorCode.UNKNOWN_IMAGE, "unknown image '" + name + "'"));
        if (r.namespace().equals(Catalog.BUILTIN_NAMESPACE)) {
            return stacks.resolve(r.name());
        }
        CatalogStore.Entry e = imageEntry(r).orElseThrow(() -> new InvalidSpecException(ErrorCode.UNKNOWN_IMAGE, "unknown image '" + name
                + "': no such image in namespace " + r.namespace() + " (deleted meanwhile?); this host has " + images.names()));
        String kernel = e.get("kernel");
        String disk = e.dir().resolve("disk.qcow2").toString();
        long diskBytes = Long.parseLong(e.get("disk_bytes"));
        if (kernel == null) { // boots through firmware
            return new BootImage(e.name(), e.get("ani"), disk, null, null, null, diskBytes);
        }
        return new BootImage(e.name(), e.get("ani"), disk, e.dir().resolve(kernel).toString(),
                e.dir().resolve(e.get("initrd")).toString(), e.get("cmdline"), diskBytes);
    }

    /** The stack images and {@code namespace}'s saved ones ({@link ImageStore.Extension#names}). */
    List<String> stackAndSavedNames(String namespace) {
        List<String> names = new ArrayList<>(StackImages.RECIPES.keySet());
        store.list(Catalog.Type.IMAGE, namespace).forEach(e -> names.add(e.name()));
        return names;
    }

    /** The images provisioning on behalf of {@code namespace} can use: base, stack and its own saved ones. */
    List<String> imageNames(String namespace) {
        List<String> names = new ArrayList<>(ImageStore.baseNames());
        stackAndSavedNames(namespace).stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** Builds the stack images {@code spec} uses (short names read in {@code namespace}) that are not built yet. */
    void prepareImages(ClusterSpec spec, String namespace) {
        for (String image : spec.nodeImages()) {
            parseImage(image, namespace)
                    .filter(r -> r.namespace().equals(Catalog.BUILTIN_NAMESPACE) && StackImages.isStack(r.name()))
                    .ifPresent(r -> stacks.resolve(r.name()));
        }
    }

    /**
     * The image name to boot for {@code image} as {@code namespace} wrote it: built-in ones as they are, saved ones pinned.
     *
     * @throws sh.antrieb.CatalogException {@code FORBIDDEN_NAMESPACE} for an image of another namespace
     * @throws InvalidSpecException        for an image that is neither built in nor saved in {@code namespace}
     */
    String imageIn(String namespace, String image) {
        ImageRef r = parseImage(image, namespace).orElseThrow(() -> ImageStore.unknownImage(image, imageNames(namespace)));
        if (r.namespace().equals(Catalog.BUILTIN_NAMESPACE)) {
            if (isBuiltinImage(r.name()) && r.version() <= 1) {
                return image;
            }
            throw ImageStore.unknownImage(image, imageNames(namespace));
        }
        if (!r.namespace().equals(namespace)) {
            throw NamespacePolicy.forbidden(namespace, "image " + image, r.namespace(), "Use an image namespace " + namespace
                    + " can use (its saved ones by their short name): " + imageNames(namespace));
        }
        CatalogStore.Entry e = imageEntry(r).orElseThrow(() -> ImageStore.unknownImage(image, imageNames(namespace)));
        return ImageRef.of(e.namespace(), e.name(), e.version()).ani();
    }
}
