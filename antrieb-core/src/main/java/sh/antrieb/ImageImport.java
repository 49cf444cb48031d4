package sh.antrieb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an imported image comes from: a qcow2 disk, and for direct kernel boot a kernel, an initramfs and
 * the kernel command line. Without a kernel the image boots through firmware (SeaBIOS and the disk's own
 * boot loader). The image must follow Antrieb's guest contract to be reachable: at boot, run the script
 * in fw_cfg entry {@code opt/sh.antrieb/init} (base64), as the {@code debian12} image's
 * {@code antrieb-init} unit does. Immutable.
 *
 * <pre>{@code
 * antrieb.catalog().importImage("alma9", ImageImport.disk(Path.of("alma9.qcow2"))
 *         .kernel(Path.of("vmlinuz"), Path.of("initrd.img"), "root=/dev/vda1 console=ttyS0")
 *         .description("AlmaLinux 9 cloud image"));
 * }</pre>
 *
 * @param disk        the qcow2 disk (copied into the catalog; no backing file)
 * @param kernel      kernel for direct kernel boot, or null for firmware boot
 * @param initrd      initramfs (with kernel), or null
 * @param cmdline     kernel command line (with kernel), or null
 * @param description what the image is
 */
public record ImageImport(Path disk, Path kernel, Path initrd, String cmdline, String description) {

    /** Checks that the files exist and go together. */
    public ImageImport {
        Objects.requireNonNull(disk, "disk");
        check(disk, "disk");
        if (kernel != null) {
            check(kernel, "kernel");
            if (initrd == null || cmdline == null || cmdline.isBlank()) {
                throw new InvalidSpecException("import with kernel " + kernel + " needs an initramfs and a kernel command line too");
            }
            check(initrd, "initramfs");
        }
    }

    private static void check(Path p, String what) {
        if (!Files.isRegularFile(p)) {
            throw new InvalidSpecException("cannot import: " + what + " " + p + " is not a readable file");
        }
    }

    /** An import of {@code qcow2}, booted through firmware until {@link #kernel} is given. */
    public static ImageImport disk(Path qcow2) {
        return new ImageImport(qcow2, null, null, null, null);
    }

    /** This import booted directly from {@code kernel} and {@code initrd} with {@code cmdline}. */
    public ImageImport kernel(Path kernel, Path initrd, String cmdline) {
        return new ImageImport(disk, kernel, initrd, cmdline, description);
    }

    /** This import with a description. */
    public ImageImport description(String description) {
        return new ImageImport(disk, kernel, initrd, cmdline, description);
    }

    /** The kernel, when the image boots by direct kernel boot. */
    public Optional<Path> kernelPath() {
        return Optional.ofNullable(kernel);
    }
}
