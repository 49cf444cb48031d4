package sh.antrieb.examples;

import java.time.Duration;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecResult;
import sh.antrieb.Node;
import sh.antrieb.VmSize;

/**
 * The main example: provisions three Debian nodes, runs a few commands on them, including SSH from one
 * node to another, prints timings and the accelerator, and tears everything down.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        ClusterSpec spec = ClusterSpec.builder()
                .nodes("debian12 x" + nodes)
                .vmSize(VmSize.of(1, 768))            // small VMs: quick to boot under software emulation
                .ttl(Duration.ofMinutes(10))
                .build();
        try (Antrieb antrieb = Antrieb.local();
             Cluster cluster = antrieb.provision(spec)) {
            System.out.printf("cluster %s: %d node(s) ready in %d ms on %s, expires %s%n",
                    cluster.id(), cluster.nodes().size(), cluster.provisionTime().toMillis(), cluster.accelerator(), cluster.expiresAt());
            for (Node n : cluster.nodes()) {
                System.out.printf("  %s  %s  (%s)%n", n.name(), n.ip(), n.image());
            }
            show(cluster.exec("node1", "uname -sr && cat /etc/debian_version"));
            show(cluster.exec("node1", "echo \"I am $NODE_NAME ($NODE_IP)\"; echo \"$CLUSTER_HOSTS\""));
            if (nodes > 1) {
                show(cluster.exec("node1", "ssh node2 hostname"));
                show(cluster.exec("node" + nodes, "ping -c1 -W2 node1 >/dev/null && echo node1 reachable"));
            }
            show(cluster.exec("node1", "systemctl is-system-running; systemd-analyze | head -1"));
        }
        System.out.println("cluster destroyed");
    }

    private static void show(ExecResult r) {
        System.out.printf("%n$ %s   [%s, exit %d, %d ms]%n%s", r.command(), r.node(), r.exitCode(), r.duration().toMillis(), r.stdout());
        if (!r.stderr().isBlank()) {
            System.out.print("stderr: " + r.stderr());
        }
    }
}
