package sh.antrieb.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.HostNotReadyException;

/**
 * Puts the files an image boots from (root disk, kernel, initramfs of stack, saved and imported images, which live
 * in this machine's image cache or catalog) where the libvirt host can open them. A host that is this machine opens
 * them where they are. Any other host gets each file once as a volume of Antrieb's pool, uploaded through libvirt's
 * storage API and named by the file's SHA-256 ({@code antrieb-blob-<digest>.<kind>}), so an image that did not
 * change is not sent again and libvirt is never given a path of this machine.
 */
public final class HostArtifacts {
    private static final Logger log = LoggerFactory.getLogger(HostArtifacts.class);
    /** Prefix of every uploaded file's volume. */
    public static final String PREFIX = "antrieb-blob-";

    private HostArtifacts() {
    }

    /** {@code image} with host paths for its files on {@code host}, uploading those the host does not have yet. */
    public static BootImage onHost(LibvirtHost host, BootImage image) {
        if (host.link() == HostLink.LOCAL) {
            return image; // the host opens this machine's files
        }
        return new BootImage(image.name(), image.ani(), upload(host, image.diskPath(), "qcow2"),
                upload(host, image.kernelPath(), "vmlinuz"), upload(host, image.initrdPath(), "initrd"),
                image.cmdline(), image.diskBytes(), image.builtIn());
    }

    /** The pool path of {@code file}'s volume on {@code host}, uploaded first when missing; null for null. */
    static String upload(LibvirtHost host, String file, String kind) {
        if (file == null) {
            return null;
        }
        Path path = Path.of(file);
        String digest;
        try {
            digest = digest(path);
        } catch (UncheckedIOException e) {
            throw new HostNotReadyException("cannot upload " + path + " to libvirt host " + host.uri() + ": " + e.getMessage(), e);
        }
        String name = PREFIX + digest.substring(0, 32) + "." + kind;
        String marker = name + ".ready";
        // One upload per file per machine at a time; a marker volume says a volume is whole (an upload cut short leaves none).
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "antrieb-upload-" + digest.substring(0, 32) + ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            host.ensurePool();
            if (host.volumePath(marker) == null || host.volumePath(name) == null) {
                host.deleteVolume(name);
                long size = Files.size(path);
                long t0 = System.nanoTime();
                log.info("uploading {} ({} MiB) to libvirt host {} as {}", path, size >> 20, host.uri(), name);
                long[] shown = {0};
                host.uploadVolume(name, path, sent -> {
                    if (sent - shown[0] >= 64L << 20) {
                        shown[0] = sent;
                        log.info("  {}: {} of {} MiB sent", name, sent >> 20, size >> 20);
                    }
                });
                Path empty = Files.createTempFile("antrieb-blob", ".ready");
                try {
                    host.uploadVolume(marker, empty, sent -> { });
                } finally {
                    Files.deleteIfExists(empty);
                }
                log.info("uploaded {} to {} in {} ms", path.getFileName(), host.uri(), (System.nanoTime() - t0) / 1_000_000);
            }
            return host.volumePath(name);
        } catch (IOException e) {
            throw new HostNotReadyException("cannot upload " + path + " to libvirt host " + host.uri() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Hex SHA-256 of {@code file}'s content, remembered (under the temporary directory, with the size and
     * modification time it was taken at) so that a large disk is read once, not at every provision.
     */
    static String digest(Path file) {
        Path memo = Path.of(System.getProperty("java.io.tmpdir"), "antrieb-digests",
                ImageStore.sha256(file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8)));
        try {
            String stamp = Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
            if (Files.isReadable(memo)) {
                String[] m = Files.readString(memo, StandardCharsets.UTF_8).trim().split(" ");
                if (m.length == 3 && (m[0] + " " + m[1]).equals(stamp)) {
                    return m[2];
                }
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                }
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            try {
                Files.createDirectories(memo.getParent());
                Files.writeString(memo, stamp + " " + digest + "\n", StandardCharsets.UTF_8);
            } catch (IOException readOnly) {
                log.debug("cannot remember the digest of {}: {}", file, readOnly.toString());
            }
            return digest;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
