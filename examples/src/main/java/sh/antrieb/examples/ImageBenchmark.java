package sh.antrieb.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.ImageImport;
import sh.antrieb.VmSize;

/**
 * Prints, for docs/benchmarks.md, what a base image costs: cold boot to SSH-ready (warm start off), warm
 * provision to SSH-ready for 1 and 3 nodes, an in-guest {@code reboot} to SSH-ready and to "system running",
 * and where a cold boot's time goes ({@code systemd-analyze}). With a directory of an earlier image build
 * (disk.qcow2, vmlinuz, initrd.img, cmdline, e.g. the trimmed debian12 of an older recipe in
 * /var/cache/antrieb/images), that image is imported and its cold boot and reboot measured side by side.
 *
 * <p>Usage: {@code ImageBenchmark [runs] [image ...] [--baseline DIR]} (defaults 3, debian12 debian13).
 */
public final class ImageBenchmark {
    private static final VmSize SIZE = VmSize.of(1, 768);

    private ImageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 3;
        List<String> images = new ArrayList<>();
        Path baseline = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--baseline")) {
                baseline = Path.of(args[++i]);
            } else if (args[i].matches("\\d+")) {
                runs = Integer.parseInt(args[i]);
            } else {
                images.add(args[i]);
            }
        }
        if (images.isEmpty()) {
            images = List.of("debian12", "debian13");
        }
        try (Antrieb warm = Antrieb.builder().defaultVmSize(SIZE).build();
             Antrieb cold = warm.newBuilder().warmStart(false).build()) {
            System.out.printf("accelerator: %s, VM size: %d vCPU / %d MiB, host cores: %d%n",
                    warm.accelerator(), SIZE.vcpus(), SIZE.memoryMiB(), Runtime.getRuntime().availableProcessors());
            if (baseline != null) {
                String name = "bench-baseline";
                cold.catalog().delete(sh.antrieb.Catalog.Type.IMAGE, name);
                cold.catalog().importImage(name, ImageImport.disk(baseline.resolve("disk.qcow2"))
                        .kernel(baseline.resolve("vmlinuz"), baseline.resolve("initrd.img"), Files.readString(baseline.resolve("cmdline")).trim())
                        .description("baseline for ImageBenchmark: " + baseline));
                measureCold(cold, name + " (" + baseline.getFileName() + ")", name, runs);
                cold.catalog().delete(sh.antrieb.Catalog.Type.IMAGE, name);
            }
            for (String image : images) {
                measureCold(cold, image, image, runs);
                warm.provision(ClusterSpec.of(image)).close(); // the template, if this host has none yet
                List<Long> one = provisions(warm, image, runs);
                List<Long> three = provisions(warm, image + " x3", runs);
                System.out.printf("%s warm provision to SSH-ready, 1 node : %s%n", image, stats(one));
                System.out.printf("%s warm provision to SSH-ready, 3 nodes: %s%n", image, stats(three));
            }
        }
    }

    private static void measureCold(Antrieb cold, String label, String image, int runs) throws InterruptedException {
        List<Long> boot = new ArrayList<>();
        List<Long> rebootSsh = new ArrayList<>();
        List<Long> rebootRunning = new ArrayList<>();
        String analyze = "";
        for (int i = 0; i < runs; i++) {
            try (Cluster c = cold.provision(ClusterSpec.of(image))) {
                boot.add(c.provisionTime().toMillis());
                ExecResult a = c.exec("node1", "systemctl is-system-running --wait >/dev/null; systemd-analyze; "
                        + "systemd-analyze blame --no-pager | head -n 8", ExecOptions.timeout(Duration.ofMinutes(5)));
                analyze = a.stdout();
                c.exec("node1", "systemctl reboot", ExecOptions.timeout(Duration.ofSeconds(20)));
                Instant start = Instant.now();
                Long ssh = null;
                while (Duration.between(start, Instant.now()).toMinutes() < 5) {
                    Thread.sleep(500);
                    ExecResult r = c.exec("node1", "cat /proc/uptime", ExecOptions.timeout(Duration.ofSeconds(10)));
                    if (r.exitCode() == 0 && Double.parseDouble(r.stdout().split(" ")[0]) < 300) {
                        ssh = Duration.between(start, Instant.now()).toMillis();
                        c.exec("node1", "systemctl is-system-running --wait", ExecOptions.timeout(Duration.ofMinutes(5)));
                        rebootRunning.add(Duration.between(start, Instant.now()).toMillis());
                        break;
                    }
                }
                if (ssh != null) {
                    rebootSsh.add(ssh);
                }
            }
        }
        System.out.printf("%s cold boot to SSH-ready: %s%n", label, stats(boot));
        System.out.printf("%s in-guest reboot to SSH-ready: %s%n", label, stats(rebootSsh));
        System.out.printf("%s in-guest reboot to system running: %s%n", label, stats(rebootRunning));
        System.out.printf("%s where a cold boot goes (last run):%n%s", label, analyze.indent(4));
    }

    private static List<Long> provisions(Antrieb antrieb, String shorthand, int runs) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (Cluster c = antrieb.provision(ClusterSpec.of(shorthand))) {
                ms.add(c.provisionTime().toMillis());
            }
        }
        return ms;
    }

    private static String stats(List<Long> xs) {
        if (xs.isEmpty()) {
            return "n=0";
        }
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format("n=%d p50=%d ms min=%d ms max=%d ms", s.size(), s.get(s.size() / 2), s.get(0), s.get(s.size() - 1));
    }
}
