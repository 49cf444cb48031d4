package sh.antrieb.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.VmSize;

/**
 * Prints provisioning and exec figures for docs/benchmarks.md: provision-to-SSH-ready for 1 and 3 nodes,
 * and the round trip of {@code true} over Antrieb's reused SSH connection, side by side with the
 * baseline a shell script would use (a fresh OpenSSH client process per command). Exec is measured back to
 * back and with a pause between commands, after the node has settled (its exec agent is running).
 *
 * <p>Usage: {@code Benchmark [provisionRuns] [execRuns] [baselineRuns]} (defaults 3, 200 and up to 50);
 * {@code provisionRuns} 0 measures exec only, {@code baselineRuns} 0 leaves out the OpenSSH baseline.
 */
public final class Benchmark {
    private static final long SETTLE_MS = 10_000;
    private static final long SPACED_PAUSE_MS = 250;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int provisionRuns = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int execRuns = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int baselineRuns = args.length > 2 ? Integer.parseInt(args[2]) : Math.min(execRuns, 50);
        VmSize size = VmSize.of(1, 768);
        try (Antrieb antrieb = Antrieb.builder().defaultVmSize(size).build()) {
            System.out.printf("accelerator: %s, VM size: %d vCPU / %d MiB, host cores: %d%n",
                    antrieb.accelerator(), size.vcpus(), size.memoryMiB(), Runtime.getRuntime().availableProcessors());
            if (provisionRuns > 0) {
                List<Long> oneFirst = new ArrayList<>();
                List<Long> threeFirst = new ArrayList<>();
                List<Long> one = provision(antrieb, "debian12", provisionRuns, oneFirst);
                List<Long> three = provision(antrieb, "debian12 x3", provisionRuns, threeFirst);
                System.out.printf("provision to SSH-ready, 1 node : %s%n", stats(one, "ms"));
                System.out.printf("provision to SSH-ready, 3 nodes: %s%n", stats(three, "ms"));
                System.out.printf("3 nodes / 1 node (p50): %.2fx%n", (double) median(three) / median(one));
                System.out.printf("first `true` on every node right after provision, 1 node : %s%n", stats(oneFirst, "ms"));
                System.out.printf("first `true` on every node right after provision, 3 nodes: %s%n", stats(threeFirst, "ms"));
                nodeToNode(antrieb, 20);
            }

            try (Cluster cluster = antrieb.provision("debian12")) {
                // Let the boot finish and the node's exec agent start (it starts in the background once the
                // node answers SSH; until then commands use one SSH channel each).
                Thread.sleep(SETTLE_MS);
                for (int i = 0; i < 10; i++) {
                    cluster.exec("node1", "true"); // warm up
                }
                List<Long> antriebUs = new ArrayList<>();
                for (int i = 0; i < execRuns; i++) {
                    ExecResult r = cluster.exec("node1", "true");
                    antriebUs.add(r.duration().toNanos() / 1000);
                }
                // The same with a pause between commands, as test code that does other work in between would
                // call it (the guest then has time to get the next command's shell ready).
                List<Long> spacedUs = new ArrayList<>();
                for (int i = 0; i < Math.min(execRuns, 50); i++) {
                    Thread.sleep(SPACED_PAUSE_MS);
                    ExecResult r = cluster.exec("node1", "true");
                    spacedUs.add(r.duration().toNanos() / 1000);
                }
                System.out.printf("exec `true`, Antrieb (reused connection), back to back: %s%n", stats(antriebUs, "us"));
                System.out.printf("exec `true`, Antrieb (reused connection), %d ms apart: %s%n", SPACED_PAUSE_MS, stats(spacedUs, "us"));
                if (baselineRuns > 0) {
                    List<Long> opensshUs = opensshBaseline(cluster, baselineRuns);
                    System.out.printf("exec `true`, baseline (new ssh process each): %s%n", stats(opensshUs, "us"));
                    System.out.printf("baseline / Antrieb (p50, back to back): %.1fx%n", (double) median(opensshUs) / median(antriebUs));
                }
            }
        }
    }

    /**
     * Provisions {@code shorthand} {@code runs} times; returns the provision times and adds to {@code firstMs}
     * the time from {@code provision}'s return until {@code true} has run once on every node, one node after
     * the other (what a test's first few commands wait for).
     */
    private static List<Long> provision(Antrieb antrieb, String shorthand, int runs, List<Long> firstMs) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (Cluster c = antrieb.provision(ClusterSpec.of(shorthand))) {
                long t0 = System.nanoTime();
                StringBuilder each = new StringBuilder();
                for (var node : c.nodes()) {
                    ExecResult r = c.exec(node.name(), "true");
                    each.append(' ').append(node.name()).append(' ').append(r.duration().toMillis()).append(" ms ")
                            .append(r.transport());
                }
                long first = (System.nanoTime() - t0) / 1_000_000;
                firstMs.add(first);
                ms.add(c.provisionTime().toMillis());
                System.out.printf("  %s run %d: %d ms, then first commands %d ms:%s%n", shorthand, i + 1,
                        c.provisionTime().toMillis(), first, each);
            }
        }
        return ms;
    }

    /**
     * Times {@code ssh node2 true} from node1 inside the guest, {@code runs} times one after the other, right
     * after provision (the first is what a runbook's first cross-node command waits for) and then steady; the
     * times are taken in the guest ({@code date +%s%N}), so the exec round trip is not in them.
     */
    private static void nodeToNode(Antrieb antrieb, int runs) {
        try (Cluster c = antrieb.provision(ClusterSpec.of("debian12 x2"))) {
            String loop = "for i in $(seq " + runs + "); do s=$(date +%s%N); ssh -o BatchMode=yes node2 true || exit 1; "
                    + "e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done";
            ExecResult r = c.exec("node1", loop);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("ssh node2 true failed: " + r.stderr());
            }
            List<Long> ms = r.stdout().lines().map(Long::parseLong).toList();
            System.out.printf("`ssh node2 true` from node1 (in-guest), first after provision: %d ms, then: %s%n",
                    ms.get(0), stats(ms.subList(1, ms.size()), "ms"));
        }
    }

    private static List<Long> opensshBaseline(Cluster cluster, int runs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("antrieb-bench");
        try {
            Path key = dir.resolve("id");
            Files.writeString(key, cluster.exec("node1", "printf '%s\\n' \"$CLUSTER_SSH_PRIVKEY\"").stdout());
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            String ip = cluster.node("node1").ip();
            Path known = dir.resolve("known_hosts");
            Files.writeString(known, ip + " " + cluster.exec("node1", "cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub").stdout());
            List<Long> us = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("ssh", "-i", key.toString(), "-o", "UserKnownHostsFile=" + known,
                        "-o", "BatchMode=yes", "root@" + ip, "true").inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("baseline ssh failed");
                }
                us.add((System.nanoTime() - t0) / 1000);
            }
            return us;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static String stats(List<Long> xs, String unit) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format("n=%d p50=%d%s p90=%d%s min=%d%s max=%d%s", s.size(), s.get(s.size() / 2), unit,
                s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1)), unit, s.get(0), unit, s.get(s.size() - 1), unit);
    }
}
