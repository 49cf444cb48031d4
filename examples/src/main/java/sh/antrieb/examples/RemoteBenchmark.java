package sh.antrieb.examples;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.VmSize;

/**
 * A remote libvirt host against the local one, side by side in one run, on the same machine: provision to
 * SSH-ready for 1 and 3 nodes (local and remote runs alternate, so both see the same machine state) and the
 * {@code true} round trip, which on the remote host goes through the client's one SSH session to it.
 *
 * <p>Run it where both hosts are reachable, e.g. with the test harness's SSH host:
 * <pre>
 * bash antrieb-core/src/test/resources/remote-host.sh up bench
 * URI="$(bash antrieb-core/src/test/resources/remote-host.sh uri bench)?keyfile=/run/antrieb-remote/bench/client/id_ed25519&amp;known_hosts=/run/antrieb-remote/bench/client/known_hosts"
 * bash antrieb-core/src/test/resources/remote-host.sh client bench -- java -cp ... sh.antrieb.examples.RemoteBenchmark "$URI" 3 200
 * bash antrieb-core/src/test/resources/remote-host.sh down bench
 * </pre>
 */
public final class RemoteBenchmark {
    private RemoteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI remote = URI.create(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int execRuns = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        VmSize size = VmSize.of(1, 768);
        try (Antrieb local = Antrieb.builder().defaultVmSize(size).build();
             Antrieb far = Antrieb.builder().uri(remote).defaultVmSize(size).build()) {
            System.out.printf("accelerator: local %s, remote %s; VM size %d vCPU / %d MiB; host cores %d; remote %s%n",
                    local.accelerator(), far.accelerator(), size.vcpus(), size.memoryMiB(),
                    Runtime.getRuntime().availableProcessors(), remote.getHost());
            for (String shorthand : List.of("debian12", "debian12 x3")) {
                List<Long> l = new ArrayList<>();
                List<Long> r = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    l.add(provision(local, shorthand));
                    r.add(provision(far, shorthand));
                }
                System.out.printf("provision to SSH-ready, %-11s local : %s%n", shorthand, Benchmark.stats(l, "ms"));
                System.out.printf("provision to SSH-ready, %-11s remote: %s%n", shorthand, Benchmark.stats(r, "ms"));
                System.out.printf("remote / local (p50), %s: %.2fx%n", shorthand, (double) Benchmark.median(r) / Benchmark.median(l));
            }
            try (Cluster lc = local.provision("debian12"); Cluster rc = far.provision("debian12")) {
                List<Long> l = exec(lc, execRuns);
                List<Long> r = exec(rc, execRuns);
                System.out.printf("exec `true` back to back, local : %s%n", Benchmark.stats(l, "us"));
                System.out.printf("exec `true` back to back, remote: %s%n", Benchmark.stats(r, "us"));
                System.out.printf("remote - local (p50): %+.2f ms%n", (Benchmark.median(r) - Benchmark.median(l)) / 1000.0);
            }
        }
    }

    private static long provision(Antrieb antrieb, String shorthand) {
        try (Cluster c = antrieb.provision(ClusterSpec.of(shorthand))) {
            return c.provisionTime().toMillis();
        }
    }

    private static List<Long> exec(Cluster c, int runs) {
        for (int i = 0; i < 20; i++) {
            c.exec("node1", "true"); // warm up
        }
        List<Long> us = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ExecResult r = c.exec("node1", "true");
            if (r.exitCode() != 0) {
                throw new IllegalStateException("`true` failed on " + c.host() + ": " + r.stderr());
            }
            us.add(r.duration().toNanos() / 1000);
        }
        return us;
    }
}
