package sh.antrieb;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link RemoteHostIT} in a child JVM that reaches its libvirt host only over SSH (a network namespace with
 * no route to the guests, libvirt's local sockets and directories hidden). It does what a user does and prints what
 * it saw as {@code FACT name=value} lines; the parent judges them. Between steps that the parent checks on the host
 * it prints {@code WAIT what} and reads a line from stdin.
 *
 * <p>Modes: {@code cluster URI UPSTREAM_URL} (the whole tour), {@code orphan URI} (provisions, says {@code PROVISIONING},
 * and is killed by the parent).
 */
public final class RemoteHostChild {
    private static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    private RemoteHostChild() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[1]);
        if (args[0].equals("orphan")) {
            try (Antrieb antrieb = TestHosts.client().uri(uri).warmStart(false).build()) {
                System.out.println("PROVISIONING");
                System.out.flush();
                antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(3)).build());
                Thread.sleep(Duration.ofMinutes(10).toMillis());
            }
            return;
        }
        if (args[0].equals("pool")) {
            pool(uri);
            return;
        }
        String upstream = args[2];
        try (Antrieb antrieb = TestHosts.client().uri(uri).build()) {
            fact("accelerator", antrieb.accelerator());
            try (Cluster c = antrieb.provision(ClusterSpec.builder().nodes("debian12 x2").network("lan")
                    .nics("node1", "lan").nics("node2", "lan").build())) {
                fact("id", c.id());
                fact("host", c.host());
                c.nodes().forEach(n -> fact(n.name() + ".start", n.start()));
                fact("hostname", c.exec("node1", "hostname").stdout().strip());
                fact("ssh-node2", c.exec("node1", "ssh node2 hostname").stdout().strip());
                fact("env", c.exec("node2", "echo $NODE_NAME $GREETING", ExecOptions.DEFAULTS.withEnv(Map.of("GREETING", "hi")))
                        .stdout().strip());
                String node1Lan = c.node("node1").address("lan");
                fact("lan-ping", c.exec("node2", "ping -c1 -W3 " + node1Lan).exitCode());
                fact("egress-80", c.exec("node1", "curl -sS -m 10 " + upstream + ":80").stdout().strip());
                fact("egress-8080", c.exec("node1", "curl -sS -m 5 " + upstream + ":8080").exitCode());
                await("firewall " + c.id());
                try (Cluster other = antrieb.provision(ClusterSpec.builder().nodes("debian12").network("lan")
                        .nics("node1", "lan").build())) {
                    String otherLan = other.node("node1").address("lan");
                    fact("other-start", other.node("node1").start());
                    fact("cluster-to-cluster", c.exec("node1", "nc -z -w 3 " + otherLan + " 22").exitCode());
                }
                String image = "remote-" + c.id();
                c.exec("node1", "echo saved-on-the-remote-host >/root/proof");
                c.saveImage("node1", image, List.of(), "saved on a remote host");
                try (Cluster copy = antrieb.provision(ClusterSpec.builder().nodes(image).build())) {
                    fact("saved-copy", copy.exec("node1", "cat /root/proof").stdout().strip());
                } finally {
                    fact("image-deleted", antrieb.catalog().delete(Catalog.Type.IMAGE, image));
                }
            }
        }
        // A boot that cannot finish in time: its console tail comes from the remote host.
        try (Antrieb antrieb = TestHosts.client().uri(uri).warmStart(false).bootTimeout(Duration.ofSeconds(10)).build()) {
            antrieb.provision(ClusterSpec.builder().nodes("debian12").build()).close();
            fact("boot-failure", "none");
        } catch (ProvisionException e) {
            String tail = e.consoleTails().getOrDefault("node1", "");
            fact("boot-failure-tail-lines", tail.lines().filter(l -> !l.isBlank()).count());
            fact("boot-failure-tail", tail.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse(""));
        }
        System.out.println("DONE");
    }

    /** A pool of this machine's libvirt and the SSH host, one cluster per host at most. */
    private static void pool(URI remote) throws Exception {
        try (Antrieb pool = TestHosts.client().hosts(Antrieb.DEFAULT_LIBVIRT_URI.toString(), remote.toString())
                .maxClustersPerHost(1).maxConcurrentClusters(3).reconnectTimeout(Duration.ofSeconds(10)).build()) {
            Cluster first = pool.provision("debian12");
            Cluster second = pool.provision("debian12");
            fact("first-host", first.host());
            fact("second-host", second.host());
            fact("second-exec", second.exec("node1", "hostname").stdout().strip());
            first.close();
            await("cut");
            long t0 = System.nanoTime();
            try (Cluster third = pool.provision("debian12")) {
                fact("third-host", third.host());
                fact("third-provision-ms", (System.nanoTime() - t0) / 1_000_000);
                fact("third-exec", third.exec("node1", "hostname").stdout().strip());
            }
            t0 = System.nanoTime();
            ExecResult r = second.exec("node1", "true", ExecOptions.timeout(Duration.ofMinutes(3)));
            fact("lost-exec-exit", r.exitCode());
            fact("lost-exec-ms", (System.nanoTime() - t0) / 1_000_000);
            fact("lost-exec-stderr", r.stderr().strip().replace('\n', ' '));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!second.isLost() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            fact("lost", second.isLost());
            fact("lost-after-ms", (System.nanoTime() - t0) / 1_000_000);
            await("restore");
        }
        System.out.println("DONE");
    }

    private static void fact(String name, Object value) {
        System.out.println("FACT " + name + "=" + value);
        System.out.flush();
    }

    private static void await(String what) throws java.io.IOException {
        System.out.println("WAIT " + what);
        System.out.flush();
        if (IN.readLine() == null) {
            throw new IllegalStateException("the parent went away");
        }
    }
}
