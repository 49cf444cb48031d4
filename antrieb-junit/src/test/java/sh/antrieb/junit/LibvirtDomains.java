package sh.antrieb.junit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What libvirt itself says, independent of the Antrieb client under test. */
final class LibvirtDomains {
    private LibvirtDomains() {
    }

    /** The names of all domains (running or not) of the libvirt host the tests use. */
    static List<String> names() {
        String uri = System.getenv().getOrDefault("ANTRIEB_LIBVIRT_URI", "qemu:///system");
        try {
            Process p = new ProcessBuilder("virsh", "-c", uri, "list", "--all", "--name").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("virsh list failed: " + out);
            }
            return out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot run virsh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The domains of cluster {@code id} (their names carry {@code antrieb-<id>-}). */
    static List<String> ofCluster(String id) {
        return names().stream().filter(n -> n.startsWith("antrieb-" + id + "-")).toList();
    }
}
