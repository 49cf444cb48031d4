package sh.antrieb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import sh.antrieb.internal.LibvirtHost;

/** What integration tests share: small VMs, and a look at the host for anything a cluster left. */
final class TestHosts {
    /** Small VMs: one vCPU boots fastest under software emulation on two host cores. */
    static final VmSize SMALL = VmSize.of(1, 768);

    private TestHosts() {
    }

    static Antrieb.Builder client() {
        return Antrieb.builder().defaultVmSize(SMALL).bootTimeout(Duration.ofMinutes(5)).queueTimeout(Duration.ofMinutes(10));
    }

    /** Every libvirt object and file on this host whose name carries the cluster's label. */
    static List<String> leftovers(String clusterId) {
        String mark = "antrieb-" + clusterId + "-";
        List<String> found = new ArrayList<>();
        try (LibvirtHost host = LibvirtHost.connect(Antrieb.DEFAULT_LIBVIRT_URI)) {
            host.domains().stream().filter(n -> n.startsWith(mark)).map(n -> "domain " + n).forEach(found::add);
            host.networks().stream().filter(n -> n.startsWith(mark)).map(n -> "network " + n).forEach(found::add);
            host.volumes().stream().filter(n -> n.startsWith(mark)).map(n -> "volume " + n).forEach(found::add);
        }
        try {
            Process p = new ProcessBuilder("nft", "list", "tables").redirectErrorStream(true).start();
            String tables = new String(p.getInputStream().readAllBytes());
            tables.lines().filter(l -> l.contains(" " + mark)).map(l -> "nft " + l).forEach(found::add);
        } catch (IOException e) {
            found.add("cannot list nft tables: " + e);
        }
        for (Path dir : List.of(Path.of("/var/log/libvirt/qemu"), Path.of("/var/lib/libvirt/images/antrieb"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().startsWith(mark)).map(f -> "file " + f).forEach(found::add);
                } catch (IOException e) {
                    found.add("cannot list " + dir + ": " + e);
                }
            }
        }
        return found;
    }

    /** Whether this host's CPU offers hardware virtualization. */
    static boolean cpuHasVirtualization() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> l.matches(".*\\b(vmx|svm)\\b.*")).orElse(false);
    }
}
