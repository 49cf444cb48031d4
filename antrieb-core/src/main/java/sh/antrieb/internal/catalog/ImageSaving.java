package sh.antrieb.internal.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ErrorCode;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.ImageRef;
import sh.antrieb.internal.BootImage;
import sh.antrieb.internal.HostLink;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;

/**
 * Images into the catalog: a node's disk saved, or a disk file imported, each as a new version with its boot
 * entries and scripts; and a saved image as the {@link Image} value.
 */
final class ImageSaving {
    private final CatalogStore store;
    private final LibvirtHost host;
    private final ImageStore images;

    ImageSaving(CatalogStore store, LibvirtHost host, ImageStore images) {
        this.store = store;
        this.host = host;
        this.images = images;
    }

    /** Saves the disk of {@code node} of {@code cluster} as a new version of image {@code namespace}/{@code name}. */
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
            List<String> services = DiskCapture.capture(lc.libvirtHost(), lc, node, s.dir().resolve("disk.qcow2"));
            if (base.kernelPath() != null) { // else the saved disk boots through firmware like its base
                fetchBootFile(host, base.kernelPath(), s.dir().resolve("vmlinuz"));
                fetchBootFile(host, base.initrdPath(), s.dir().resolve("initrd.img"));
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

    /** Imports {@code source} (converted to qcow2) as a new version of image {@code namespace}/{@code name}. */
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

    /**
     * A saved image's id as {@link Image#ani()} gives it, {@code antrieb:<name>:v<N>}: unqualified, read in the
     * namespace of the catalog it is used with, as product.md and the MCP tools name images (its namespace is in
     * {@link Image#namespace()}; {@link Image#ref()} is the reference that holds in every namespace).
     */
    static String ani(String name, int version) {
        return ImageRef.of(name, version).ani();
    }

    /** The {@link Image} a saved or imported image's store entry describes. */
    static Image image(CatalogStore.Entry e) {
        String kind = e.get("kind");
        return new Image(e.namespace(), e.name(), e.version(), e.get("ani"),
                "imported".equals(kind) ? Image.Kind.IMPORTED : Image.Kind.SAVED, e.get("description"), e.get("base"),
                CatalogStore.readIfExists(e.dir().resolve("build-image.sh")), CatalogStore.readIfExists(e.dir().resolve("startup.sh")),
                e.createdAt());
    }

    /**
     * Puts the host's file {@code hostPath} (a base image's kernel or initramfs) at {@code to} on this machine: a
     * link or copy when the host is this machine, else a download of the pool volume it is.
     */
    static void fetchBootFile(LibvirtHost host, String hostPath, Path to) throws IOException {
        if (host.link() == HostLink.LOCAL) {
            linkOrCopy(Path.of(hostPath), to);
        } else {
            host.downloadVolume(Path.of(hostPath).getFileName().toString(), to);
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
