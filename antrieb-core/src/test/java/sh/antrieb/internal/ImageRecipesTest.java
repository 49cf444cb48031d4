package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Debian family recipe renders each release's build: its suite, packages and command line. */
class ImageRecipesTest {
    /** What every release's image installs (the packages of Debian's cloud images the product names). */
    static final Set<String> FAMILY = Set.of("systemd", "dbus", "openssh-server", "python3", "curl", "wget", "jq", "sudo",
            "iproute2", "nftables", "ca-certificates", "less", "vim-tiny", "cron", "chrony", "apt-utils");

    @TempDir
    Path dir;

    @Test
    void everyBaseImageIsAReleaseOfTheFamilyRecipe() throws Exception {
        assertThat(ImageStore.baseNames()).containsExactly("debian12", "debian13");
        Map<String, String> debian12 = plan("debian12");
        Map<String, String> debian13 = plan("debian13");
        assertThat(debian12).containsEntry("suite", "bookworm").containsEntry("resolved", "no");
        assertThat(debian13).containsEntry("suite", "trixie").containsEntry("resolved", "yes");
        for (Map<String, String> p : java.util.List.of(debian12, debian13)) {
            assertThat(Set.of(p.get("packages").split(","))).containsAll(FAMILY).doesNotContain("ifupdown", "systemd-timesyncd");
            assertThat(p.get("cmdline")).startsWith("root=/dev/vda rw").contains("net.ifnames=0").contains("console=ttyS0")
                    .doesNotContain("fsck.mode=skip").doesNotContain("audit=0");
        }
        assertThat(debian13.get("packages")).contains("systemd-resolved");
        assertThat(debian12.get("packages")).doesNotContain("systemd-resolved");
    }

    @Test
    void releasesAreKeyedApartAndDescribeThemselves() {
        assertThat(ImageStore.recipeHash("debian12")).hasSize(12).isNotEqualTo(ImageStore.recipeHash("debian13"));
        assertThat(ImageStore.description("debian12")).startsWith("Debian 12 (bookworm): a stock Debian server");
        assertThat(ImageStore.description("debian13")).startsWith("Debian 13 (trixie): a stock Debian server").contains("systemd-resolved");
    }

    @Test
    void buildImagesBuildsWhereTheLibraryLooks() throws Exception {
        Path script = Path.of("..", "bin", "build-images").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(script.toString(), "--dirs").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String cache = System.getenv().getOrDefault("ANTRIEB_IMAGE_CACHE", "/var/cache/antrieb/images");
        assertThat(out).isEqualTo(ImageStore.baseNames().stream()
                .map(n -> n + " " + cache + "/" + n + "-" + ImageStore.recipeHash(n) + "\n").reduce("", String::concat));
    }

    /** Runs the family recipe's --plan for {@code image}'s release file, as {@link ImageStore} runs the build. */
    private Map<String, String> plan(String image) throws IOException, InterruptedException {
        Path family = dir.resolve("debian.sh");
        Path release = dir.resolve(image + ".release");
        Files.write(family, resource("debian.sh"));
        Files.write(release, resource(image + ".release"));
        Process p = new ProcessBuilder("bash", family.toString(), release.toString(), "--plan").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Map<String, String> plan = new LinkedHashMap<>();
        out.lines().forEach(l -> plan.put(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
        return plan;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageRecipesTest.class.getResourceAsStream("/sh/antrieb/core/image/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
