package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input against a real libvirtd: clear errors, nothing left behind, the client keeps serving. */
class ProvisionErrorsIT {
    @AutoClose
    private static Antrieb antrieb;

    @BeforeAll
    static void connect() {
        antrieb = TestHosts.client().build();
    }

    @Test
    void unknownImageNamesTheImagesThisHostHas() {
        assertThatThrownBy(() -> antrieb.provision("ubuntu24.04"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("unknown image 'ubuntu24.04'").hasMessageContaining("debian12");
        assertThat(antrieb.clusters()).isEmpty();
    }

    @Test
    void tooManyNodesIsRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> antrieb.provision("debian12 x5"))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("at most 4").hasMessageContaining("controller");
        assertThatThrownBy(() -> antrieb.provision(ClusterSpec.builder().nodes("debian12").ttl(Duration.ofHours(1)).build()))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("ttl");
    }

    @Test
    void unreachableLibvirtSaysHowToSetUpTheHost() {
        assertThatThrownBy(() -> Antrieb.connect(URI.create("qemu+unix:///system?socket=/nonexistent/libvirt-sock")))
                .isInstanceOf(HostNotReadyException.class)
                .hasMessageContaining("cannot connect to libvirt").hasMessageContaining("bin/setup-host");
    }

    @Test
    void aNodeThatNeverAnswersFailsWithItsConsoleAndLeavesNothing() {
        // A boot (not a warm start from a template, which may well answer within 4 s).
        try (Antrieb impatient = TestHosts.client().warmStart(false).bootTimeout(Duration.ofSeconds(4)).build()) {
            assertThatThrownBy(() -> impatient.provision("debian12"))
                    .isInstanceOf(ProvisionException.class)
                    .hasMessageContaining("node1 did not answer SSH within 4 s")
                    .hasMessageContaining("everything it created was removed")
                    .satisfies(e -> {
                        String id = e.getMessage().replaceAll("(?s).*provisioning cluster ([a-z0-9]{8}) failed.*", "$1");
                        assertThat(TestHosts.leftovers(id)).isEmpty();
                    });
            assertThat(impatient.clusters()).isEmpty();
        }
        // the shared client still serves after all of the above
        assertThat(antrieb.images()).contains("debian12");
    }
}
