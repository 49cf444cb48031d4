package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.internal.LibvirtHost;

/**
 * The sweep deletes builds of image recipes that changed, on a real libvirtd (no VM boots): an old base build
 * in the image cache and the libvirt pool stays while a volume is an overlay on it, and goes with its cache
 * directory once that overlay is gone; an old build nothing uses goes at once; today's builds, and names that
 * are not builds of a known recipe, stay.
 */
class SupersededBuildsIT {
    static final String OLD = "000000000001";

    @TempDir
    Path cache;

    @Test
    void aSupersededBuildGoesOnceNothingUsesItAndTodaysStay() throws Exception {
        String pool = "antrieb-image-debian12-" + OLD + ".disk.qcow2";
        String overlay = "it-superseded-overlay.qcow2";
        try (Antrieb antrieb = TestHosts.client().imageCache(cache).warmStart(false).build()) {
            Path oldBuild = Files.createDirectories(cache.resolve("debian12-" + OLD));
            Files.writeString(oldBuild.resolve("cmdline"), "console=ttyS0\n");
            Files.writeString(cache.resolve("debian12-" + OLD + ".lock"), "");
            Path unused = Files.createDirectories(cache.resolve("debian13-" + OLD));
            Path halfMade = Files.createDirectories(cache.resolve("stack-podman-" + OLD + ".tmp"));
            Path notABuild = Files.createDirectories(cache.resolve("ubuntu24-" + OLD));
            Path log = Files.writeString(cache.resolve("build-images.log"), "kept");
            String current = "debian12-" + sh.antrieb.internal.ImageStore.recipeHash("debian12");
            Path today = Files.createDirectories(cache.resolve(current));
            virsh("vol-create-as", LibvirtHost.POOL, pool, "1M", "--format", "qcow2");
            virsh("vol-create-as", LibvirtHost.POOL, overlay, "1M", "--format", "qcow2", "--backing-vol", pool, "--backing-vol-format", "qcow2");
            java.util.List<String> todays = todaysVolumes();
            try {
                antrieb.sweep();
                assertThat(volumes()).as("in use by an overlay").contains(pool);
                assertThat(oldBuild).as("in use by an overlay").exists();
                assertThat(unused).as("nothing uses it").doesNotExist();
                assertThat(halfMade).as("a half-made build of an old recipe").doesNotExist();
                assertThat(notABuild).exists();
                assertThat(log).exists();
                assertThat(today).exists();

                virsh("vol-delete", "--pool", LibvirtHost.POOL, overlay);
                antrieb.sweep();
                assertThat(volumes()).doesNotContain(pool);
                assertThat(oldBuild).doesNotExist();
                assertThat(cache.resolve("debian12-" + OLD + ".lock")).doesNotExist();
                assertThat(notABuild).exists();
                assertThat(today).exists();
                assertThat(todaysVolumes()).as("today's base build in the pool").isEqualTo(todays);
            } finally {
                virshQuietly("vol-delete", "--pool", LibvirtHost.POOL, overlay);
                virshQuietly("vol-delete", "--pool", LibvirtHost.POOL, pool);
            }
        }
    }

    private static java.util.List<String> todaysVolumes() throws IOException, InterruptedException {
        String hash = sh.antrieb.internal.ImageStore.recipeHash("debian12");
        return volumes().lines().map(String::strip).filter(l -> l.startsWith("antrieb-image-debian12-" + hash)).toList();
    }

    private static String volumes() throws IOException, InterruptedException {
        return virsh("vol-list", "--pool", LibvirtHost.POOL);
    }

    private static String virsh(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "virsh";
        cmd[1] = "-c";
        cmd[2] = Antrieb.DEFAULT_LIBVIRT_URI.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    private static void virshQuietly(String... args) {
        try {
            virsh(args);
        } catch (AssertionError | IOException | InterruptedException e) {
            // already gone
        }
    }
}
