package sh.antrieb.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Catalog;
import sh.antrieb.ErrorCode;
import sh.antrieb.HostNotReadyException;
import sh.antrieb.ImageRef;
import sh.antrieb.InvalidSpecException;

/**
 * Base images: built on this machine from a recipe script (debootstrap from Debian's archive), cached
 * under a directory keyed by the recipe's hash, and uploaded once into the libvirt host's pool.
 */
public final class ImageStore {
    private static final Logger log = LoggerFactory.getLogger(ImageStore.class);
    private static final String IMAGE_DIR = "/sh/antrieb/core/image/";
    /** The Debian family recipe; each base image is one release file beside it. */
    private static final String DEBIAN_FAMILY = IMAGE_DIR + "debian.sh";
    /**
     * Built-in base images: name to its release file (a few lines read by the family recipe). The one place
     * base images are listed; adding a Debian release is a new {@code .release} file and a line here.
     */
    public static final Map<String, String> RECIPES = Map.of(
            "debian12", IMAGE_DIR + "debian12.release",
            "debian13", IMAGE_DIR + "debian13.release");
    private static final String[] FILES = {"disk.qcow2", "vmlinuz", "initrd.img"};

    private final Path cacheDir;
    private final LibvirtHost host;
    private final Map<String, BootImage> ready = new ConcurrentHashMap<>();
    /** Catalog images as this machine has them to the same images as the host opens them ({@link HostArtifacts}). */
    private final Map<BootImage, BootImage> onHost = new ConcurrentHashMap<>();
    private volatile Extension extension;

    /**
     * Images beyond the base recipes (stack, saved and imported images: the catalog), consulted for names
     * that are not a base image.
     */
    public interface Extension {
        /** Whether {@code name} names an image it can provide (cheap: no build, no boot). */
        boolean knows(String name);

        /** The image ready to boot (building it first if needed). */
        BootImage resolve(String name);

        /** Names to show next to the base images, e.g. in an unknown-image error. */
        List<String> names();
    }

    public ImageStore(Path cacheDir, LibvirtHost host) {
        this.cacheDir = cacheDir;
        this.host = host;
    }

    /** Adds the images of {@code extension} (one extension per store). */
    public void extend(Extension extension) {
        this.extension = extension;
    }

    /** Names of the images this store can provide. */
    public List<String> names() {
        List<String> names = new java.util.ArrayList<>(baseNames());
        Extension ext = extension;
        if (ext != null) {
            ext.names().stream().filter(n -> !names.contains(n)).forEach(names::add);
        }
        return names;
    }

    /** The base images (built from a recipe by this store), sorted. */
    public static List<String> baseNames() {
        return RECIPES.keySet().stream().sorted().toList();
    }

    /** The error for an image that is none of {@code known}: it lists them and says how other images come in. */
    public static InvalidSpecException unknownImage(String name, List<String> known) {
        return new InvalidSpecException(ErrorCode.UNKNOWN_IMAGE, "unknown image '" + name + "': this host has " + known
                + ". Other distributions can be imported as images on hosts that have them.");
    }

    /** Whether {@code name} is a base image (built from a recipe by this store). */
    public static boolean isBase(String name) {
        return RECIPES.containsKey(baseName(name));
    }

    /** The hash of a base image's recipe (what its cache is keyed by). */
    public static String recipeHash(String baseName) {
        return sha256(recipe(baseName)).substring(0, 12);
    }

    /** Fails with the list of known images when {@code name} is not one of them. */
    public void checkKnown(String name) {
        String base = baseName(name);
        Extension ext = extension;
        if (!RECIPES.containsKey(base) && (ext == null || !ext.knows(name))) {
            throw unknownImage(name, names());
        }
    }

    /**
     * The recipe name {@code name} stands for when it names a base image ({@code debian12}, {@code antrieb/debian12},
     * {@code antrieb:debian12:v1}: built-in, version 1 or the latest), else {@code name} itself.
     */
    private static String baseName(String name) {
        return ImageRef.tryParse(name)
                .filter(r -> r.namespace() == null || r.namespace().equals(Catalog.BUILTIN_NAMESPACE))
                .filter(r -> r.version() <= 1 && RECIPES.containsKey(r.name()))
                .map(ImageRef::name).orElse(name);
    }

    /** The image ready to boot: built and uploaded first if needed (this can take minutes once). */
    public BootImage resolve(String name) {
        checkKnown(name);
        String base = baseName(name);
        if (!RECIPES.containsKey(base)) {
            // Stack, saved and imported images: their files are put on the host once per client, not at every provision.
            BootImage local = extension.resolve(name);
            BootImage there = onHost.get(local);
            if (there == null) {
                there = HostArtifacts.onHost(host, local);
                onHost.put(local, there);
            }
            return there;
        }
        BootImage cached = ready.get(base);
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            cached = ready.get(base);
            if (cached != null) {
                return cached;
            }
            BootImage image = prepare(base);
            ready.put(base, image);
            return image;
        }
    }

    private BootImage prepare(String name) {
        byte[] recipe = recipe(name);
        String hash = sha256(recipe).substring(0, 12);
        Path dir = cacheDir.resolve(name + "-" + hash);
        String volPrefix = "antrieb-image-" + name + "-" + hash;
        try {
            Files.createDirectories(cacheDir);
            try (FileChannel lockFile = FileChannel.open(cacheDir.resolve(name + "-" + hash + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockFile.lock()) {
                host.ensurePool();
                String marker = volPrefix + ".ready";
                // The local cache also holds what the library reads itself (kernel command line, disk size).
                if (!Files.exists(dir.resolve("cmdline"))) {
                    build(name, dir);
                }
                if (host.volumePath(marker) == null) {
                    for (String f : FILES) {
                        String vol = volPrefix + "." + f;
                        host.deleteVolume(vol);
                        Path file = dir.resolve(f);
                        long size = Files.size(file);
                        log.info("image {}: uploading {} ({} MiB) to libvirt pool {}", name, f, size >> 20, LibvirtHost.POOL);
                        host.uploadVolume(vol, file, sent -> { });
                    }
                    host.uploadVolume(marker, dir.resolve("cmdline"), sent -> { });
                }
                String cmdline = Files.readString(dir.resolve("cmdline")).trim();
                long diskBytes = qcow2VirtualSize(dir.resolve("disk.qcow2"));
                return new BootImage(name, ImageRef.of(name, 1).ani(), host.volumePath(volPrefix + ".disk.qcow2"),
                        host.volumePath(volPrefix + ".vmlinuz"), host.volumePath(volPrefix + ".initrd.img"), cmdline, diskBytes).asBuiltIn();
            }
        } catch (IOException e) {
            throw new HostNotReadyException("cannot prepare image " + name + " in " + dir + ": " + e.getMessage()
                    + ". Antrieb needs to write its image cache there (run as root, or set another cache directory).", e);
        }
    }

    private void build(String name, Path dir) throws IOException {
        Path script = Files.createTempFile("antrieb-recipe-" + name, ".sh");
        Path release = Files.createTempFile("antrieb-recipe-" + name, ".release");
        Files.write(script, resource(DEBIAN_FAMILY));
        Files.write(release, resource(RECIPES.get(name)));
        long start = System.nanoTime();
        log.info("image {}: building from Debian packages into {} (once per recipe; a few minutes)", name, dir);
        Deque<String> tail = new ArrayDeque<>();
        int exit;
        try {
            Process p = new ProcessBuilder("bash", script.toString(), release.toString(), dir.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("==> ")) {
                        log.info("image {}: {} ({} s)", name, line.substring(4), (System.nanoTime() - start) / 1_000_000_000L);
                    } else {
                        log.debug("image {}: {}", name, line);
                    }
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
            }
            if (!p.waitFor(60, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new HostNotReadyException("image " + name + " build did not finish within 60 minutes");
            }
            exit = p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostNotReadyException("interrupted while building image " + name, e);
        } finally {
            Files.deleteIfExists(script);
            Files.deleteIfExists(release);
        }
        if (exit != 0 || !Files.exists(dir.resolve("cmdline"))) {
            throw new HostNotReadyException("building image " + name + " failed (exit " + exit + "). It needs root, "
                    + "debootstrap, qemu-img and Debian's package archive (run `sudo bin/setup-host`). Last output:\n"
                    + String.join("\n", tail));
        }
        log.info("image {}: built in {} s", name, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** A base image's whole recipe (what its hash covers): the family script, then the release file. */
    private static byte[] recipe(String name) {
        byte[] family = resource(DEBIAN_FAMILY);
        byte[] release = resource(RECIPES.get(name));
        byte[] all = java.util.Arrays.copyOf(family, family.length + 1 + release.length);
        all[family.length] = '\n';
        System.arraycopy(release, 0, all, family.length + 1, release.length);
        return all;
    }

    /**
     * What a base image is, for catalogs and errors: the {@code DESCRIPTION} line of its release file.
     */
    public static String description(String baseName) {
        String release = new String(resource(RECIPES.get(baseName)), StandardCharsets.UTF_8);
        for (String line : release.split("\n")) {
            if (line.startsWith("DESCRIPTION=")) {
                String v = line.substring("DESCRIPTION=".length()).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return baseName;
    }

    private static byte[] resource(String resource) {
        try (InputStream in = ImageStore.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("image recipe " + resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hex SHA-256 of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The virtual size recorded in a qcow2 header (big-endian u64 at offset 24). */
    public static long qcow2VirtualSize(Path qcow2) throws IOException {
        try (FileChannel ch = FileChannel.open(qcow2, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(32);
            while (header.hasRemaining() && ch.read(header) > 0) {
                // read the header
            }
            header.flip();
            if (header.remaining() < 32 || header.getInt(0) != 0x514649fb) {
                throw new IOException(qcow2 + " is not a qcow2 image");
            }
            return header.getLong(24);
        }
    }
}
