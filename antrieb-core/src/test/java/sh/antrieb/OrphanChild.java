package sh.antrieb;

import java.time.Duration;

/**
 * Run in a child JVM by {@link OrphanSweepIT}: provisions one node, says READY, and waits to be killed
 * (the parent may kill it earlier, at any point of the provision).
 */
public final class OrphanChild {
    private OrphanChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Antrieb antrieb = TestHosts.client().build();
        Cluster cluster = antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofMinutes(10)).build());
        System.out.println("READY " + cluster.id());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(10).toMillis());
    }
}
