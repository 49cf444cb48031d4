package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.internal.ClusterLabel;
import sh.antrieb.internal.LibvirtHost;

/**
 * A JVM that provisions and is killed with SIGKILL, at several points of the provision, leaves nothing once
 * the sweep has run. Right after the kill, with no other client running, what is left is recorded: domains
 * booted cold go with the connection (AUTODESTROY); restored (warm) ones power themselves off at the
 * cluster's deadline; networks, volumes, nft tables and log files wait for the next sweep of any client.
 */
class OrphanSweepIT {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweepIT.class);

    /** Where in the provision the child is killed. */
    enum Point {
        /** Its networks exist (made first), no domain yet. */
        BEFORE_DOMAINS,
        /** Its domain exists and is booting (warm start off). */
        WHILE_BOOTING,
        /** Its domain is being restored from the warm-start template. */
        WHILE_RESTORING,
        /** The cluster is ready. */
        AFTER_READY
    }

    @ParameterizedTest
    @EnumSource(Point.class)
    void killedOwnerLeavesNothingAfterTheSweep(Point point) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OrphanChild.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("ANTRIEB_WARM_START", point == Point.WHILE_BOOTING ? "false" : "true");
        Process child = pb.start();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(child));
        String id;
        try {
            id = switch (point) {
                case BEFORE_DOMAINS -> awaitObject(child.pid(), false, ready);
                case WHILE_BOOTING, WHILE_RESTORING -> awaitObject(child.pid(), true, ready);
                case AFTER_READY -> ready.get(10, TimeUnit.MINUTES);
            };
        } catch (Exception e) {
            child.destroyForcibly();
            throw e;
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        long killedAt = System.nanoTime();

        // libvirtd destroys an AUTODESTROY domain once it sees the owner's connection close; how soon depends on
        // what it and QEMU are doing, so this waits for it (bounded) rather than for a fixed time.
        List<String> unswept = TestHosts.leftovers(id);
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(point == Point.WHILE_BOOTING ? 30 : 2);
        while (System.nanoTime() < waitUntil
                && (point != Point.WHILE_BOOTING || unswept.stream().anyMatch(s -> s.startsWith("domain ")))) {
            Thread.sleep(250);
            unswept = TestHosts.leftovers(id);
        }
        log.info("SIGKILL {}: with no other client, {} ms after the kill: {} object(s) left: {}", point,
                (System.nanoTime() - killedAt) / 1_000_000, unswept.size(), unswept);
        if (point == Point.WHILE_BOOTING) {
            assertThat(unswept).as("a cold-booted domain goes with its owner's connection").noneMatch(s -> s.startsWith("domain "));
        }

        long t0 = System.nanoTime();
        try (Antrieb antrieb = TestHosts.client().build()) { // sweeps at start
            antrieb.sweep();
        }
        log.info("SIGKILL {}: leftovers removed by the next client's sweep {} ms after the kill (the sweep itself took {} ms)",
                point, (System.nanoTime() - killedAt) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);
        assertThat(TestHosts.leftovers(id)).isEmpty();
    }

    private static String readyLine(Process child) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    return line.substring(6).trim();
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The id of the child's cluster once one of its networks (or, with {@code domain}, its domain) exists. */
    private static String awaitObject(long pid, boolean domain, CompletableFuture<String> ready) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            assertThat(ready.isDone()).as("the child got past the point to kill it at").isFalse();
            try (LibvirtHost host = LibvirtHost.connect(URI.create("qemu:///system"))) {
                List<String> names = new ArrayList<>(domain ? host.domains() : host.networks());
                for (String n : names) {
                    Optional<ClusterLabel.Labelled> l = ClusterLabel.parse(n);
                    if (l.isPresent() && l.get().label().ownerPid() == pid && !l.get().what().startsWith("warm")) {
                        return l.get().label().id();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the child made no " + (domain ? "domain" : "network") + " within 10 minutes");
    }
}
