package sh.antrieb;

/** How guests execute: hardware virtualization or software emulation. */
public enum Accelerator {
    /** Hardware virtualization through /dev/kvm (libvirt domain type {@code kvm}). */
    KVM("kvm"),
    /** QEMU's software emulation (libvirt domain type {@code qemu}); slower, works everywhere. */
    TCG("qemu");

    private final String domainType;

    Accelerator(String domainType) {
        this.domainType = domainType;
    }

    /** The libvirt domain type that selects this accelerator. */
    public String domainType() {
        return domainType;
    }
}
