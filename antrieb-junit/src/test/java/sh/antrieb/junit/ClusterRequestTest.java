package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.VmSize;

class ClusterRequestTest {

    // Fixtures: fields carrying the annotations under test. The extension is not registered for this
    // class (these fields are never injected; they are only read reflectively).
    static class Fixtures {
        @AntriebCluster Cluster bare;
        @AntriebCluster(nodes = "debian12 x3") Cluster three;
        @AntriebCluster(nodes = {"debian12", "my-nginx x2"}) Cluster groups;
        @AntriebCluster(nodes = "debian12", ttlSeconds = 120, vcpus = 1, memoryMiB = 768) Cluster small;
        @AntriebCluster(diskGiB = 30) Cluster bigDisk;
        @AntriebCluster(spec = "topology") Cluster fromFactory;
        @AntriebCluster(spec = "topology", ttlSeconds = 60, vcpus = 2) Cluster fromFactoryOverridden;
        @AntriebCluster(spec = "sh.antrieb.junit.ClusterRequestTest$Topologies#pair") Cluster external;
        @AntriebCluster(spec = "topology", nodes = "debian12") Cluster both;
        @AntriebCluster(spec = "missing") Cluster missing;
        @AntriebCluster(spec = "instanceMethod") Cluster notStatic;
        @AntriebCluster(spec = "wrongType") Cluster wrongType;
        @AntriebCluster(spec = "returnsNull") Cluster returnsNull;
        @AntriebCluster(nodes = "Debian12") Cluster badShorthand;
        @AntriebCluster(memoryMiB = 100) Cluster tooLittleMemory;
        @AntriebCluster(ttlSeconds = -1) Cluster negative;
        @ThreeSmallNodes Cluster composed;

        static ClusterSpec topology() {
            return ClusterSpec.builder().nodes("debian12 x2").ttl(Duration.ofMinutes(5)).vmSize(VmSize.of(1, 512)).build();
        }

        ClusterSpec instanceMethod() {
            return topology();
        }

        static String wrongType() {
            return "debian12";
        }

        static ClusterSpec returnsNull() {
            return null;
        }

        class Inner {
            @AntriebCluster(spec = "topology") Cluster fromEnclosing;
        }
    }

    static class Topologies {
        static ClusterSpec pair() {
            return ClusterSpec.of("debian12 x2");
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @AntriebCluster(nodes = "debian12 x3", vcpus = 1, memoryMiB = 768)
    @interface ThreeSmallNodes {
    }

    private static ClusterSpec spec(String field) {
        return request(Fixtures.class, field).toSpec();
    }

    private static ClusterRequest request(Class<?> type, String field) {
        try {
            AntriebCluster a = org.junit.platform.commons.support.AnnotationSupport
                    .findAnnotation(type.getDeclaredField(field), AntriebCluster.class).orElseThrow();
            return new ClusterRequest(a, type, "field " + type.getSimpleName() + "." + field);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bareAnnotationIsOneDebianNodeWithClientDefaults() {
        ClusterSpec s = spec("bare");
        assertThat(s.nodes()).containsExactly(NodeSpec.of("debian12", 1));
        assertThat(s.ttl()).isEmpty();
        assertThat(s.vmSize()).isEmpty();
    }

    @Test
    void shorthandAndGroups() {
        assertThat(spec("three").nodeImages()).containsExactly("debian12", "debian12", "debian12");
        assertThat(spec("groups").nodeImages()).containsExactly("debian12", "my-nginx", "my-nginx");
    }

    @Test
    void ttlAndSize() {
        ClusterSpec s = spec("small");
        assertThat(s.ttl()).contains(Duration.ofSeconds(120));
        assertThat(s.vmSize()).contains(new VmSize(1, 768, VmSize.DEFAULT.diskGiB()));
        assertThat(spec("bigDisk").vmSize()).contains(new VmSize(VmSize.DEFAULT.vcpus(), VmSize.DEFAULT.memoryMiB(), 30));
    }

    @Test
    void factoryMethodInTheTestClass() {
        assertThat(spec("fromFactory")).isEqualTo(Fixtures.topology());
    }

    @Test
    void annotationAttributesOverrideTheFactorySpec() {
        ClusterSpec s = spec("fromFactoryOverridden");
        assertThat(s.nodeCount()).isEqualTo(2);
        assertThat(s.ttl()).contains(Duration.ofSeconds(60));
        assertThat(s.vmSize()).contains(new VmSize(2, VmSize.DEFAULT.memoryMiB(), VmSize.DEFAULT.diskGiB()));
    }

    @Test
    void factoryMethodOfAnotherClass() {
        assertThat(spec("external")).isEqualTo(ClusterSpec.of("debian12 x2"));
    }

    @Test
    void factoryMethodOfAnEnclosingClass() {
        assertThat(request(Fixtures.Inner.class, "fromEnclosing").toSpec()).isEqualTo(Fixtures.topology());
    }

    @Test
    void composedAnnotation() {
        ClusterSpec s = spec("composed");
        assertThat(s.nodeCount()).isEqualTo(3);
        assertThat(s.vmSize()).contains(VmSize.of(1, 768));
    }

    @Test
    void mistakesNameTheFieldAndTheFix() {
        assertThatThrownBy(() -> spec("both")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("field Fixtures.both").hasMessageContaining("either nodes or spec");
        assertThatThrownBy(() -> spec("missing")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("missing()").hasMessageContaining("static ClusterSpec missing()");
        assertThatThrownBy(() -> spec("notStatic")).hasMessageContaining("must be static");
        assertThatThrownBy(() -> spec("wrongType")).hasMessageContaining("must return ClusterSpec");
        assertThatThrownBy(() -> spec("returnsNull")).hasMessageContaining("returned null");
        assertThatThrownBy(() -> spec("badShorthand")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("field Fixtures.badShorthand").hasMessageContaining("lowercase");
        assertThatThrownBy(() -> spec("tooLittleMemory")).hasMessageContaining("memory must be at least 256 MiB");
        assertThatThrownBy(() -> spec("negative")).hasMessageContaining("must not be negative");
    }
}
