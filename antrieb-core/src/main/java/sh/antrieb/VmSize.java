package sh.antrieb;

/**
 * The size of every VM of a cluster.
 *
 * @param vcpus     virtual CPUs, 1 to 64
 * @param memoryMiB memory in MiB, at least 256
 * @param diskGiB   root disk in GiB, at least the image's own size (20 GiB for {@code debian12})
 */
public record VmSize(int vcpus, int memoryMiB, int diskGiB) {
    /** The product default: 4 vCPU, 2 GiB RAM, 20 GiB disk. */
    public static final VmSize DEFAULT = new VmSize(4, 2048, 20);

    /** Validates the size. */
    public VmSize {
        if (vcpus < 1 || vcpus > 64) {
            throw new InvalidSpecException("vcpus must be between 1 and 64, was " + vcpus);
        }
        if (memoryMiB < 256) {
            throw new InvalidSpecException("memory must be at least 256 MiB, was " + memoryMiB + " MiB");
        }
        if (diskGiB < 1) {
            throw new InvalidSpecException("disk must be at least 1 GiB, was " + diskGiB + " GiB");
        }
    }

    /** A size with the default disk. */
    public static VmSize of(int vcpus, int memoryMiB) {
        return new VmSize(vcpus, memoryMiB, DEFAULT.diskGiB());
    }
}
