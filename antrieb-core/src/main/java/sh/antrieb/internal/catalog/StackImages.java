package sh.antrieb.internal.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.HostNotReadyException;
import sh.antrieb.ImageRef;
import sh.antrieb.VmSize;
import sh.antrieb.internal.BootImage;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.LibvirtCluster;
import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.Provisioner;

/**
 * Stack images: a base image plus Debian packages, from a recipe script run inside a fresh node of the base;
 * the node's disk then becomes the image. Built on first use, cached under the image cache keyed by the hash
 * of the recipe and of the base's recipe, shared by processes (a file lock per image).
 */
final class StackImages {
    private static final Logger log = LoggerFactory.getLogger(StackImages.class);

    /** A stack recipe: what it adds, on which base, from which script. */
    record Recipe(String name, String base, String resource, String description) {
    }

    /** The stack images: the one place they are listed. */
    static final Map<String, Recipe> RECIPES;

    static {
        Map<String, Recipe> m = new LinkedHashMap<>();
        m.put("ansible-controller", new Recipe("ansible-controller", "debian12", "/sh/antrieb/core/image/stack/ansible-controller.sh",
                "Debian 12 with Ansible (ansible-core from Debian), an Ansible control node; a controller may be a cluster's extra node"));
        m.put("podman", new Recipe("podman", "debian12", "/sh/antrieb/core/image/stack/podman.sh",
                "Debian 12 with Podman, Buildah and Skopeo (Debian packages)"));
        RECIPES = java.util.Collections.unmodifiableMap(m);
    }

    private static final VmSize BUILD_VM = VmSize.of(2, 1536);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
    /**
     * The build node's TTL: its boot, the recipe's {@link #BUILD_TIMEOUT} and the disk capture. It is the library's
     * own node, so the client's TTL limit (10 minutes by default, meant for its users' clusters) does not apply.
     */
    static final Duration BUILD_TTL = BUILD_TIMEOUT.plusMinutes(15);

    private final Path cacheDir;
    private final LibvirtHost host;
    private final ImageStore images;
    private final Provisioner provisioner;
    private final Map<String, BootImage> ready = new ConcurrentHashMap<>();

    StackImages(Path cacheDir, LibvirtHost host, ImageStore images, Provisioner provisioner) {
        this.cacheDir = cacheDir;
        this.host = host;
        this.images = images;
        this.provisioner = provisioner;
    }

    static boolean isStack(String name) {
        return RECIPES.containsKey(name);
    }

    static String script(String name) {
        Recipe r = RECIPES.get(name);
        try (InputStream in = StackImages.class.getResourceAsStream(r.resource())) {
            if (in == null) {
                throw new IllegalStateException("stack recipe " + r.resource() + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hash(String name) {
        Recipe r = RECIPES.get(name);
        return ImageStore.sha256((script(name) + "\nbase:" + r.base() + "-" + ImageStore.recipeHash(r.base()))
                .getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    /** The name its builds go by in the image cache, before the recipe hash: {@code stack-<name>}. */
    static String cacheName(String name) {
        return "stack-" + name;
    }

    private Path dir(String name) {
        return cacheDir.resolve(cacheName(name) + "-" + hash(name));
    }

    /** Whether the image is built (no build is started). */
    boolean isBuilt(String name) {
        return Files.exists(dir(name).resolve("cmdline"));
    }

    /** The image ready to boot, built first when needed (minutes, once per recipe). */
    BootImage resolve(String name) {
        BootImage b = ready.get(name);
        if (b != null) {
            return b;
        }
        synchronized (this) {
            b = ready.get(name);
            if (b == null) {
                b = prepare(name);
                ready.put(name, b);
            }
            return b;
        }
    }

    private BootImage prepare(String name) {
        Path dir = dir(name);
        try {
            Files.createDirectories(cacheDir);
            try (FileChannel lockFile = FileChannel.open(cacheDir.resolve(dir.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) {
                if (!Files.exists(dir.resolve("cmdline"))) {
                    build(name, dir);
                }
                return new BootImage(name, ImageRef.of(name, 1).ani(), dir.resolve("disk.qcow2").toString(),
                        dir.resolve("vmlinuz").toString(), dir.resolve("initrd.img").toString(),
                        Files.readString(dir.resolve("cmdline")).trim(), ImageStore.qcow2VirtualSize(dir.resolve("disk.qcow2"))).asBuiltIn();
            }
        } catch (IOException e) {
            throw new HostNotReadyException("cannot prepare stack image " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void build(String name, Path dir) throws IOException {
        Recipe recipe = RECIPES.get(name);
        BootImage base = images.resolve(recipe.base());
        long t0 = System.nanoTime();
        log.info("image {}: building stack image on {} from Debian packages (once per recipe; several minutes under TCG)", name, recipe.base());
        Path tmp = cacheDir.resolve(dir.getFileName() + ".tmp");
        CatalogStore.deleteTree(tmp);
        Files.createDirectories(tmp);
        ClusterSpec spec = ClusterSpec.builder().nodes(recipe.base()).vmSize(BUILD_VM).ttl(BUILD_TTL).build();
        LibvirtCluster cluster = provisioner.provision(spec, BUILD_TTL, System.nanoTime(), c -> { });
        try {
            log.info("image {}: build node up after {} s, running the recipe", name, (System.nanoTime() - t0) / 1_000_000_000L);
            ExecResult r = cluster.exec("node1", script(name), ExecOptions.timeout(BUILD_TIMEOUT));
            if (r.exitCode() != 0) {
                throw new HostNotReadyException("building stack image " + name + " failed: its recipe exited " + r.exitCode()
                        + " in the build node. It installs Debian packages, so the node needs Debian's package archive. Last output:\n"
                        + ExecResult.tail(r.stdout() + r.stderr(), 30));
            }
            log.info("image {}: recipe done after {} s ({}), flattening the disk", name, (System.nanoTime() - t0) / 1_000_000_000L,
                    r.stdout().strip().lines().reduce((a, b) -> b).orElse(""));
            DiskCapture.capture(host, cluster, "node1", tmp.resolve("disk.qcow2"));
        } finally {
            cluster.close();
        }
        ImageSaving.fetchBootFile(host, base.kernelPath(), tmp.resolve("vmlinuz"));
        ImageSaving.fetchBootFile(host, base.initrdPath(), tmp.resolve("initrd.img"));
        Files.writeString(tmp.resolve("build-image.sh"), script(name));
        Files.writeString(tmp.resolve("cmdline"), base.cmdline() + "\n");
        CatalogStore.deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        log.info("image {}: built in {} s", name, (System.nanoTime() - t0) / 1_000_000_000L);
    }
}
