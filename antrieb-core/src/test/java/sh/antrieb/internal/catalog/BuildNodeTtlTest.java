package sh.antrieb.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.Accelerator;
import sh.antrieb.ClusterSpec;
import sh.antrieb.LimitExceededException;
import sh.antrieb.internal.ImageStore;
import sh.antrieb.internal.Provisioner;
import sh.antrieb.internal.Settings;

/** The provisioner's checks before anything is made, without a host: the TTL limit, the client's or the library's own. */
class BuildNodeTtlTest {
    @TempDir
    Path cache;

    private Provisioner provisioner() {
        // Warm start off: its template pool would need the host.
        Settings cold = Settings.defaults().toBuilder().imageCache(cache).warmStart(false).build();
        return new Provisioner(null, new ImageStore(cache, null), null, cold, Accelerator.TCG, null);
    }

    @Test
    void aTtlOverTheClientsLimitIsRefusedNamingTheLimit() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").ttl(Settings.defaults().maxTtl().plusSeconds(1)).build();
        assertThatThrownBy(() -> provisioner().validate(spec)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("over the limit of " + Settings.defaults().maxTtl().toSeconds() + " s");
    }

    @Test
    void aBuildNodeLivesAsLongAsItsBuildMayTakeWhateverTheClientsLimit() {
        // The stack-image build node: its recipe may run 30 minutes, the client's TTL limit is 10 by default.
        Duration buildTtl = StackImages.BUILD_TTL;
        assertThat(buildTtl).isGreaterThan(Duration.ofMinutes(30));
        assertThat(buildTtl).isGreaterThan(Settings.defaults().maxTtl());
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").ttl(buildTtl).build();
        assertThatCode(() -> provisioner().validate(spec, buildTtl)).doesNotThrowAnyException();
    }
}
