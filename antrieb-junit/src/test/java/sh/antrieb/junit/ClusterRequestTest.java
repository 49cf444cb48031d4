package sh.antrieb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import sh.antrieb.AntriebException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.LimitExceededException;
import sh.antrieb.NetworkSpec;
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
        @AntriebCluster(nodes = "debian12 x2", networks = {"wan", "lan cidr=10.10.1.0/24 egress=false dhcp=false"},
                nics = {"node1: wan lan", "node2: lan"}) Cluster routed;
        @AntriebCluster(networks = "@myteam/isolated-lan", nics = "node1:isolated-lan") Cluster saved;
        @AntriebCluster(nodes = "debian12 x2", networks = {"wan", "lan"}, nics = {"node2: lan, wan", " node1 :  wan "}) Cluster loose;
        @AntriebCluster(spec = "topology", networks = "wan", nics = {"node1: wan", "node2: wan"}) Cluster specAndNetworks;
        @AntriebCluster(spec = "topology", nics = "node1: wan") Cluster specAndNics;
        @AntriebCluster(networks = "wan", nics = "node1 wan") Cluster noColon;
        @AntriebCluster(networks = "wan", nics = "node1: wann") Cluster unknownNetwork;
        @AntriebCluster(networks = "wan", nics = {"node1: wan", "node2: wan"}) Cluster unknownNode;
        @AntriebCluster(networks = "wan", nics = "server: wan") Cluster notANode;
        @AntriebCluster(networks = "wan", nics = "node1:") Cluster noNetworks;
        @AntriebCluster(networks = "wan", nics = {"node1: wan", "node1: wan"}) Cluster nodeTwice;
        @AntriebCluster(nodes = "debian12 x2", networks = "wan", nics = "node1: wan") Cluster nodeWithoutNics;
        @AntriebCluster(networks = "wan") Cluster networksWithoutNics;
        @AntriebCluster(nics = "node1: wan") Cluster nicsWithoutNetworks;
        @AntriebCluster(networks = "lan cidr=10.10.1.0/16", nics = "node1: lan") Cluster badCidr;
        @AntriebCluster(networks = "lan egress=maybe", nics = "node1: lan") Cluster badOption;
        @AntriebCluster(networks = "lan cidr=127.0.0.0/24", nics = "node1: lan") Cluster loopbackCidr;
        @AntriebCluster(networks = "lan cidr=100.64.3.0/24 egress=false dhcp=false", nics = "node1: lan") Cluster controlRangeCidr;
        @AntriebCluster(networks = "Lan", nics = "node1: Lan") Cluster badName;
        @AntriebCluster(networks = {"lan", "lan egress=false"}, nics = "node1: lan") Cluster networkTwice;
        @AntriebCluster(networks = "@myteam/lan egress=false", nics = "node1: lan") Cluster referenceWithOptions;
        @AntriebCluster(networks = "lan", nics = "node1: lan lan lan lan lan lan lan lan lan") Cluster tooManyNics;

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

    @Test
    void networksAndNicsBecomeTheSpecsTopology() {
        ClusterSpec s = spec("routed");
        assertThat(s).isEqualTo(ClusterSpec.builder().nodes("debian12 x2")
                .network(NetworkSpec.named("wan"))
                .network(NetworkSpec.named("lan").cidr("10.10.1.0/24").egress(false).dhcp(false))
                .nics("node1", "wan", "lan")
                .nics("node2", "lan")
                .build());
        assertThat(spec("bare").declaresNetworks()).isFalse();
    }

    @Test
    void savedNetworksAreReferencedByTheirNameInNics() {
        ClusterSpec s = spec("saved");
        assertThat(s.networks()).containsExactly(NetworkSpec.reference("@myteam/isolated-lan"));
        assertThat(s.nics()).isEqualTo(Map.of("node1", List.of("isolated-lan")));
    }

    @Test
    void nicsEntriesTolerateSpacingAndCommasAndAnyNodeOrder() {
        assertThat(spec("loose").nics()).isEqualTo(Map.of("node1", List.of("wan"), "node2", List.of("lan", "wan")));
    }

    @Test
    void networksWithAFactoryMethodIsAMistake() {
        for (String field : List.of("specAndNetworks", "specAndNics")) {
            assertThatThrownBy(() -> spec(field)).isInstanceOf(ExtensionConfigurationException.class)
                    .hasMessageContaining("field Fixtures." + field)
                    .hasMessageContaining("either networks/nics or spec")
                    .hasMessageContaining(".network(");
        }
    }

    @Test
    void malformedNicsNameTheFieldTheEntryAndTheForm() {
        assertThatThrownBy(() -> spec("noColon")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@AntriebCluster on field Fixtures.noColon: nics entry \"node1 wan\" has no colon")
                .hasMessageContaining(ClusterRequest.NIC_FORM);
        assertThatThrownBy(() -> spec("unknownNetwork")).hasMessageContaining("field Fixtures.unknownNetwork")
                .hasMessageContaining("nics entry \"node1: wann\" names network 'wann', which is not declared in networks")
                .hasMessageContaining("the declared networks are [wan]");
        assertThatThrownBy(() -> spec("unknownNode")).hasMessageContaining("field Fixtures.unknownNode")
                .hasMessageContaining("nics entry \"node2: wan\" is for 'node2', which is not a node of this cluster: its nodes are node1;")
                .hasMessageContaining(ClusterRequest.NIC_FORM);
        assertThatThrownBy(() -> spec("notANode")).hasMessageContaining("nics entry \"server: wan\" is for 'server'");
        assertThatThrownBy(() -> spec("noNetworks")).hasMessageContaining("nics entry \"node1:\" lists no networks: give node1 at least one of [wan]");
        assertThatThrownBy(() -> spec("nodeTwice")).hasMessageContaining("nics entries \"node1: wan\" and \"node1: wan\" are both for node1");
        assertThatThrownBy(() -> spec("tooManyNics")).hasMessageContaining("field Fixtures.tooManyNics")
                .hasMessageContaining("gives node1 9 NICs; at most 8");
    }

    @Test
    void incompleteTopologiesSayWhatIsMissingInAnnotationTerms() {
        assertThatThrownBy(() -> spec("nodeWithoutNics")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("field Fixtures.nodeWithoutNics")
                .hasMessageContaining("node2 has no nics entry").hasMessageContaining("nics = \"node2: wan\"");
        assertThatThrownBy(() -> spec("networksWithoutNics")).hasMessageContaining("node1 has no nics entry");
        assertThatThrownBy(() -> spec("nicsWithoutNetworks")).hasMessageContaining("field Fixtures.nicsWithoutNetworks")
                .hasMessageContaining("nics given but no networks declared").hasMessageContaining("networks = {");
    }

    @Test
    void malformedNetworksNameTheFieldTheEntryAndTheForm() {
        assertThatThrownBy(() -> spec("badCidr")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@AntriebCluster on field Fixtures.badCidr: networks entry \"lan cidr=10.10.1.0/16\":")
                .hasMessageContaining("only /24").hasMessageContaining(ClusterRequest.NETWORK_FORM);
        assertThatThrownBy(() -> spec("loopbackCidr")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@AntriebCluster on field Fixtures.loopbackCidr: networks entry \"lan cidr=127.0.0.0/24\":")
                .hasMessageContaining("loopback (127.0.0.0/8)").hasMessageContaining("e.g. 10.10.1.0/24");
        assertThatThrownBy(() -> spec("controlRangeCidr")).hasMessageContaining("control range (100.64.0.0/10)");
        assertThatThrownBy(() -> spec("badOption")).hasMessageContaining("networks entry \"lan egress=maybe\"")
                .hasMessageContaining("needs true or false");
        assertThatThrownBy(() -> spec("badName")).hasMessageContaining("networks entry \"Lan\"")
                .hasMessageContaining("lowercase");
        assertThatThrownBy(() -> spec("referenceWithOptions")).hasMessageContaining("networks entry \"@myteam/lan egress=false\"")
                .hasMessageContaining("takes no options");
        assertThatThrownBy(() -> spec("networkTwice")).hasMessageContaining("field Fixtures.networkTwice")
                .hasMessageContaining("networks entries \"lan\" and \"lan egress=false\" both declare network 'lan'");
    }

    @Test
    void provisionFailuresAreSortedByTheirCodeNotTheirText() {
        ClusterRequest r = request(Fixtures.class, "bare");
        // The cap on concurrent clusters is known by its code, whatever the message says.
        RuntimeException cap = r.provisionFailure(new LimitExceededException(ErrorCode.CONCURRENT_CLUSTERS, "no free slot"));
        assertThat(cap).isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENT_CLUSTERS))
                .hasMessageStartingWith("@AntriebCluster on field Fixtures.bare: no free slot")
                .hasMessageContaining("configuration parameter " + SharedClient.MAX_CLUSTERS_PARAMETER);
        // Another limit that happens to mention concurrent clusters is the annotation's mistake, without the advice.
        RuntimeException nodes = r.provisionFailure(new LimitExceededException("5 nodes are more than 4 (not a concurrent cluster)"));
        assertThat(nodes).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageNotContaining(SharedClient.MAX_CLUSTERS_PARAMETER);
        // Anything else keeps its code and what it concerns.
        RuntimeException other = r.provisionFailure(new AntriebException(ErrorCode.NETWORK_IN_USE,
                AntriebException.Subject.network("lan"), "taken", null));
        assertThat(other).isInstanceOfSatisfying(AntriebException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NETWORK_IN_USE);
            assertThat(e.network()).contains("lan");
        });
    }
}
