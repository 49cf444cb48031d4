package sh.antrieb.mcp;

import java.nio.file.Path;
import java.time.Duration;

import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/** What the integration tests share: small VMs, patient timeouts, the repository's root. */
final class ItSupport {
    /** One vCPU boots fastest under software emulation on two host cores. */
    static final VmSize SMALL = VmSize.of(1, 768);

    private ItSupport() {
    }

    /** A client for this host's libvirt with small VMs; up to four clusters at once across the test's accounts. */
    static Antrieb.Builder antrieb() {
        return Antrieb.builder()
                .defaultVmSize(SMALL)
                .bootTimeout(Duration.ofMinutes(5))
                .maxConcurrentClusters(4)
                .execTimeout(Duration.ofMinutes(3));
    }

    /** Closes each of {@code resources} that is set, in order, reporting failures without stopping. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    /** The repository root (the failsafe configuration passes it; tests run from the module directory otherwise). */
    static Path repoRoot() {
        String root = System.getProperty("antrieb.repo.root");
        return (root != null ? Path.of(root) : Path.of("..")).toAbsolutePath().normalize();
    }
}
