package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack image {@code ansible-controller}: built on first use from Debian packages (a debian12 build VM,
 * then its disk is flattened; cached by recipe hash in the image cache), then booted and asked for
 * {@code ansible --version}. Later runs find it in the cache and boot one VM.
 */
class StackImageIT {
    @TempDir
    Path store;

    @Test
    void ansibleControllerRunsAnsible() {
        try (Antrieb antrieb = TestHosts.client().catalogDir(store).namespace("it").build();
             Cluster c = antrieb.provision("ansible-controller")) {
            assertThat(c.spec().nodes().get(0).controller()).isTrue();
            ExecResult r = c.exec("node1", "ansible --version");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith("ansible [core ");
            Artifact image = antrieb.catalog().fetch(Catalog.Type.IMAGE, "ansible-controller").orElseThrow();
            assertThat(image.builtin()).isTrue();
            assertThat(image.attributes()).containsEntry("built", "true").containsEntry("kind", "stack");
        }
    }
}
