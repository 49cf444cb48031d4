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
 */
public record BootImage(String name, String ani, String diskPath, String kernelPath, String initrdPath,
                        String cmdline, long diskBytes) {
}
