package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ImageRefTest {
    @Test
    void everyFormParsesIntoItsPartsAndPrintsAsItWasWritten() {
        assertThat(ImageRef.parse("debian12")).isEqualTo(ImageRef.of(null, "debian12", 0));
        assertThat(ImageRef.parse("ubuntu24.04")).isEqualTo(ImageRef.of("ubuntu24.04"));
        assertThat(ImageRef.parse("alice/my-nginx")).isEqualTo(ImageRef.of("alice", "my-nginx", 0));
        assertThat(ImageRef.parse("antrieb/debian12")).isEqualTo(ImageRef.of("antrieb", "debian12", 0));
        assertThat(ImageRef.parse("antrieb:my-nginx:v2")).isEqualTo(ImageRef.of("my-nginx", 2));
        assertThat(ImageRef.parse("antrieb:alice/my-nginx:v12")).isEqualTo(ImageRef.of("alice", "my-nginx", 12));
        for (String text : List.of("debian12", "ubuntu24.04", "my_image", "alice/my-nginx", "antrieb/podman", "antrieb:debian12:v1",
                "antrieb:alice/my-nginx:v2", "antrieb:antrieb/debian12:v1", "antrieb:a:v999999999")) {
            assertThat(ImageRef.parse(text).toString()).as(text).isEqualTo(text);
            assertThat(ImageRef.isValid(text)).as(text).isTrue();
        }
    }

    @Test
    void theImageIdFormatsWithAndWithoutItsNamespace() {
        ImageRef pinned = ImageRef.parse("antrieb:acme/web:v2");
        assertThat(pinned.ani()).isEqualTo("antrieb:acme/web:v2");
        assertThat(pinned.unqualified().ani()).isEqualTo("antrieb:web:v2");
        assertThat(pinned.path()).isEqualTo("acme/web");
        assertThat(pinned.isQualified()).isTrue();
        assertThat(pinned.isPinned()).isTrue();
        assertThat(ImageRef.of("web").inNamespace("acme").withVersion(2)).isEqualTo(pinned);
        assertThat(ImageRef.of("debian12", 1).ani()).isEqualTo("antrieb:debian12:v1");
        assertThat(ImageRef.of("acme", "web", 0).toString()).isEqualTo("acme/web");
        assertThatThrownBy(() -> ImageRef.of("acme", "web", 0).ani()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names the latest version");
    }

    @Test
    void malformedReferencesAreRefusedNamingTheForms() {
        for (String text : List.of("", "Debian12", "-x", "a/b/c", "antrieb:a/b/c:v1", "antrieb:x:v0", "antrieb:x:v", "antrieb:x",
                "antrieb:x:v1234567890", "x y", "/x", "x/", "../x", "antrieb::v1")) {
            assertThat(ImageRef.tryParse(text)).as(text).isEmpty();
            assertThatThrownBy(() -> ImageRef.parse(text)).as(text).isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("invalid image name '" + text + "': use lowercase letters")
                    .hasMessageContaining("antrieb:namespace/name:v2");
        }
        assertThat(ImageRef.tryParse(null)).isEmpty();
        assertThatThrownBy(() -> ImageRef.of("acme", "Web", 1)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> ImageRef.of("web", -1)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void theSameImageMeansTheSameNameAndTheSameNamespaceWhereBothSayOne() {
        ImageRef acmeWeb = ImageRef.parse("antrieb:acme/web:v2");
        assertThat(ImageRef.parse("web").sameImage(acmeWeb)).isTrue();
        assertThat(ImageRef.parse("acme/web").sameImage(acmeWeb)).isTrue();
        assertThat(ImageRef.parse("antrieb:web:v7").sameImage(acmeWeb)).isTrue();
        assertThat(ImageRef.parse("bob/web").sameImage(acmeWeb)).isFalse();
        assertThat(ImageRef.parse("webby").sameImage(acmeWeb)).isFalse();
    }

    @Test
    void aNodeSpecTakesEveryFormAndRefusesTheRest() {
        assertThat(NodeSpec.of("antrieb:alice/my-nginx:v2", 1).image()).isEqualTo("antrieb:alice/my-nginx:v2");
        assertThatThrownBy(() -> NodeSpec.of("antrieb:a/b/c:v1", 1)).isInstanceOf(InvalidSpecException.class)
                .hasMessageStartingWith("invalid image name 'antrieb:a/b/c:v1'");
    }
}
