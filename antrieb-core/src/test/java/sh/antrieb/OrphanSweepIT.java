package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A JVM that provisions and is killed with SIGKILL leaves nothing once the sweep has run. */
class OrphanSweepIT {

    @Test
    void killedOwnerLeavesNothingAfterTheSweep() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OrphanChild.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String id = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    id = line.substring(6).trim();
                    break;
                }
            }
        }
        assertThat(id).as("child provisioned a cluster").isNotNull();
        assertThat(TestHosts.leftovers(id)).anyMatch(s -> s.startsWith("domain "));

        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);

        try (Antrieb antrieb = TestHosts.client().build()) { // sweeps at start
            antrieb.sweep();
        }
        assertThat(TestHosts.leftovers(id)).isEmpty();
    }
}
