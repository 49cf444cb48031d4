package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which image builds the sweep may delete: builds of known recipes other than today's, and nothing else. */
class RecipeBuildsTest {
    static final Map<String, String> CURRENT = Map.of("debian12", "ff771fec96d7", "debian13", "a58d5fd46d81",
            "stack-podman", "0123456789ab");

    @Test
    void buildsOfAChangedRecipeAreStaleWithTheirLockTmpAndPoolVolumes() {
        List<RecipeBuilds.Stale> stale = RecipeBuilds.stale(CURRENT,
                List.of("debian12-ff771fec96d7", "debian12-ff771fec96d7.lock", "debian12-000000000001", "debian12-000000000001.lock",
                        "stack-podman-aaaaaaaaaaaa.tmp", "stack-podman-0123456789ab", "build-images.log"),
                List.of("antrieb-image-debian12-ff771fec96d7.disk.qcow2", "antrieb-image-debian12-000000000001.disk.qcow2",
                        "antrieb-image-debian12-000000000001.ready", "antrieb-image-debian13-bbbbbbbbbbbb.vmlinuz",
                        "antrieb-warm-debian12-x.save", "antrieb-q4whxwyp-1-2-node1.qcow2"));
        assertThat(stale).containsExactly(
                new RecipeBuilds.Stale("debian12-000000000001", List.of("debian12-000000000001", "debian12-000000000001.lock"),
                        List.of("antrieb-image-debian12-000000000001.disk.qcow2", "antrieb-image-debian12-000000000001.ready")),
                new RecipeBuilds.Stale("stack-podman-aaaaaaaaaaaa", List.of("stack-podman-aaaaaaaaaaaa.tmp"), List.of()),
                new RecipeBuilds.Stale("debian13-bbbbbbbbbbbb", List.of(), List.of("antrieb-image-debian13-bbbbbbbbbbbb.vmlinuz")));
    }

    @Test
    void namesNotOfAKnownRecipeAndHashAreLeftAlone() {
        assertThat(RecipeBuilds.stale(CURRENT,
                List.of("ubuntu24-000000000000", "debian12-short", "debian12-000000000000-copy", "debian12-ZZZZZZZZZZZZ", "stack-other-000000000000"),
                List.of("antrieb-image-ubuntu24-000000000000.disk.qcow2", "antrieb-image-debian12"))).isEmpty();
    }

    @Test
    void anImageDiskIsSupersededWhenItIsOfAnOldBuildInThePoolOrTheCache() {
        assertThat(RecipeBuilds.superseded(CURRENT, "/var/lib/libvirt/images/antrieb/antrieb-image-debian12-000000000001.disk.qcow2")).isTrue();
        assertThat(RecipeBuilds.superseded(CURRENT, "/var/lib/libvirt/images/antrieb/antrieb-image-debian12-ff771fec96d7.disk.qcow2")).isFalse();
        assertThat(RecipeBuilds.superseded(CURRENT, "/var/cache/antrieb/images/stack-podman-aaaaaaaaaaaa/disk.qcow2")).isTrue();
        assertThat(RecipeBuilds.superseded(CURRENT, "/var/cache/antrieb/images/stack-podman-0123456789ab/disk.qcow2")).isFalse();
        assertThat(RecipeBuilds.superseded(CURRENT, "/var/lib/antrieb/catalog/it/images/web/v1/disk.qcow2")).isFalse();
        assertThat(RecipeBuilds.superseded(CURRENT, null)).isFalse();
    }
}
