package sh.antrieb.internal;

/**
 * An image ready to boot on the libvirt host: paths are host paths of volumes in Antrieb's pool.
 *
 * @param name        the image name, e.g. {@code debian12}
 * @param ani         the image's versioned id, e.g. {@code antrieb:debian12:v1}
 * @param diskPath    qcow2 root disk (nodes boot from overlays on it)
 * @param kernelPath  kernel for direct kernel boot
 * @param initrdPath  initramfs for direct kernel boot
 * @param cmdline     kernel command line the image expects
 * @param diskBytes   virtual size of the root disk
 * @param builtIn     one of Antrieb's own images (built from a recipe), not a saved or imported one: only
 *                    those get warm-start templates (a template per saved image would outlive the image)
 */
public record BootImage(String name, String ani, String diskPath, String kernelPath, String initrdPath,
                        String cmdline, long diskBytes, boolean builtIn) {
    /** A saved or imported image. */
    public BootImage(String name, String ani, String diskPath, String kernelPath, String initrdPath, String cmdline, long diskBytes) {
        this(name, ani, diskPath, kernelPath, initrdPath, cmdline, diskBytes, false);
    }

    /** The same image as one of Antrieb's own. */
    public BootImage asBuiltIn() {
        return new BootImage(name, ani, diskPath, kernelPath, initrdPath, cmdline, diskBytes, true);
    }
}
