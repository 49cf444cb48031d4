package sh.antrieb.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.CatalogException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.ProvisionOptions;

/**
 * Provisioning on behalf of a namespace ({@link ProvisionOptions#namespace}): a spec's saved images and
 * network references resolve in that namespace, built-in images stay usable, and names in any other
 * namespace (also the client's own) are refused before anything is created. Without a hypervisor: what
 * {@code Antrieb.provision(spec, ProvisionOptions.namespace(ns))} hands on to validation and boot.
 */
class NamespaceProvisioningTest {
    @TempDir
    Path dir;
    CatalogService service;

    @BeforeEach
    void setUp() throws Exception {
        service = OfflineCatalogs.over(dir, "server");
        Path disk = dir.resolve("disk.qcow2");
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M").inheritIO().start();
        assertThat(p.waitFor()).isZero();
        for (int v = 1; v <= 3; v++) {
            service.view("alice").importImage("my-nginx", ImageImport.disk(disk));
        }
        service.view("alice").importImage("my-controller", ImageImport.disk(disk));
        service.view("bob").importImage("bobs-image", ImageImport.disk(disk));
        service.view("server").importImage("servers-image", ImageImport.disk(disk));
        service.view("alice").saveNetwork(NetworkSpec.parse("isolated-lan cidr=10.10.7.0/24 egress=false dhcp=false"));
        service.view("bob").saveNetwork(NetworkSpec.parse("secret-lan egress=false"));
    }

    private static ClusterSpec spec(String... images) {
        ClusterSpec.Builder b = ClusterSpec.builder();
        for (String i : images) {
            b.node(NodeSpec.of(i, 1));
        }
        return b.build();
    }

    @Test
    void savedImagesResolveInTheNamespacePinnedToTheirVersion() {
        ClusterSpec resolved = service.resolveIn("alice", spec("debian12", "my-nginx", "alice/my-nginx", "antrieb:my-nginx:v2"));

        assertThat(resolved.nodeImages()).containsExactly("debian12", "antrieb:alice/my-nginx:v3", "antrieb:alice/my-nginx:v3",
                "antrieb:alice/my-nginx:v2");
        // What the image store boots for a pinned name is that version of alice's image, whatever the client's namespace.
        assertThat(service.knows("antrieb:alice/my-nginx:v3")).isTrue();
        assertThat(Path.of(service.resolve("antrieb:alice/my-nginx:v2").diskPath()))
                .isEqualTo(dir.resolve("alice/images/my-nginx/v2/disk.qcow2"));
    }

    @Test
    void anImagesIdIsReadInItsCatalogsNamespaceAndItsRefInAny() {
        Image web = service.view("alice").importImage("my-web", ImageImport.disk(dir.resolve("disk.qcow2")));

        assertThat(web.ani()).isEqualTo("antrieb:my-web:v1");
        assertThat(web.ref().ani()).isEqualTo("antrieb:alice/my-web:v1");
        // The client's namespace is "server": the unqualified id is not alice's there, the ref is.
        assertThat(service.knows(web.ani())).isFalse();
        assertThat(service.knows(web.ref().ani())).isTrue();
        assertThat(service.resolveIn("alice", spec(web.ani())).nodeImages()).containsExactly(web.ref().ani());
    }

    @Test
    void builtInImagesStayAsWrittenAndASpecWithoutSavedNamesIsReturnedAsIs() {
        ClusterSpec spec = spec("debian12", "antrieb/debian12", "antrieb:debian12:v1", "antrieb/podman");
        assertThat(service.resolveIn("alice", spec)).isSameAs(spec);

        ClusterSpec declared = ClusterSpec.builder().nodes("debian12 x2").network("lan egress=false")
                .nics("node1", "lan").nics("node2", "lan").build();
        assertThat(service.resolveIn("alice", declared)).isSameAs(declared);
    }

    @Test
    void aControllerStaysAControllerWhenItsImageIsPinned() {
        ClusterSpec resolved = service.resolveIn("alice", spec("debian12", "my-controller"));

        assertThat(resolved.nodes().get(1)).isEqualTo(new NodeSpec("antrieb:alice/my-controller:v1", 1, true));
    }

    @Test
    void anotherNamespacesImageIsRefusedNamingItAndWhatToUseInstead() {
        for (String image : List.of("bob/bobs-image", "antrieb:bob/bobs-image:v1", "server/servers-image")) {
            assertThatThrownBy(() -> service.resolveIn("alice", spec("debian12", image)))
                    .isInstanceOfSatisfying(CatalogException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_NAMESPACE))
                    .hasMessageStartingWith("image " + image + " is in namespace " + image.replaceAll("^antrieb:|/.*$", ""))
                    .hasMessageContaining("on behalf of namespace alice")
                    .hasMessageContaining("Use an image namespace alice can use (its saved ones by their short name): "
                            + "[debian12, debian13, ansible-controller, podman, my-controller, my-nginx]");
        }
    }

    @Test
    void aShortNameOfAnotherNamespaceIsAnUnknownImageListingTheNamespacesOwn() {
        // bob's image, and the client's own namespace's: neither is alice's, and neither is listed to her.
        for (String image : List.of("bobs-image", "servers-image", "ubuntu24.04", "antrieb:my-nginx:v9", "antrieb/my-nginx")) {
            assertThatThrownBy(() -> service.resolveIn("alice", spec(image))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageStartingWith("unknown image '" + image + "': this host has "
                            + "[debian12, debian13, ansible-controller, podman, my-controller, my-nginx]");
        }
        // The client's own provisioning still finds its namespace's images by short name.
        assertThat(service.knows("servers-image")).isTrue();
    }

    @Test
    void networkReferencesResolveToTheSavedSpecUnderTheirName() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").network(NetworkSpec.named("wan"))
                .network(NetworkSpec.reference("@alice/isolated-lan")).nics("node1", "wan", "isolated-lan")
                .ttl(java.time.Duration.ofMinutes(3)).build();

        ClusterSpec resolved = service.resolveIn("alice", spec);

        assertThat(resolved.networks()).containsExactly(NetworkSpec.named("wan"),
                NetworkSpec.named("isolated-lan").cidr("10.10.7.0/24").egress(false).dhcp(false));
        assertThat(resolved.nics()).isEqualTo(spec.nics());
        assertThat(resolved.ttl()).isEqualTo(spec.ttl());
    }

    @Test
    void anotherNamespacesNetworkIsRefusedAndAMissingOneListsTheNamespacesOwn() {
        ClusterSpec foreign = ClusterSpec.builder().nodes("debian12").network("@bob/secret-lan").nics("node1", "secret-lan").build();
        assertThatThrownBy(() -> service.resolveIn("alice", foreign))
                .isInstanceOfSatisfying(CatalogException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN_NAMESPACE))
                .hasMessageStartingWith("network @bob/secret-lan is in namespace bob")
                .hasMessageContaining("as @alice/<name> (it has [@alice/isolated-lan])")
                .hasMessageContaining("declare network 'secret-lan' inline");

        for (String missing : List.of("@alice/nope", "@antrieb/nope")) {
            ClusterSpec spec = ClusterSpec.builder().nodes("debian12").network(missing).nics("node1", "nope").build();
            assertThatThrownBy(() -> service.resolveIn("alice", spec))
                    .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                    .hasMessageStartingWith("no saved network " + missing + ": save it first");
        }
        ClusterSpec missing = ClusterSpec.builder().nodes("debian12").network("@alice/nope").nics("node1", "nope").build();
        assertThatThrownBy(() -> service.resolveIn("alice", missing)).hasMessageEndingWith("namespace alice has [@alice/isolated-lan]");
    }

    @Test
    void theClientsOwnProvisioningMayStillNameAnyNamespace() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").network("@bob/secret-lan").nics("node1", "secret-lan").build();

        assertThat(service.resolveNetworks(spec).networks()).containsExactly(NetworkSpec.named("secret-lan").egress(false));
        assertThat(service.knows("bob/bobs-image")).isTrue();
    }

    @Test
    void provisionOptionsCheckTheNamespaceName() {
        assertThat(ProvisionOptions.DEFAULTS.namespace()).isEmpty();
        assertThat(ProvisionOptions.namespace("acme").namespace()).contains("acme");
        assertThat(ProvisionOptions.namespace("acme")).isEqualTo(ProvisionOptions.namespace("acme"));
        assertThatThrownBy(() -> ProvisionOptions.namespace("Acme Corp"))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
                .hasMessageContaining("invalid namespace 'Acme Corp'");
        assertThatThrownBy(() -> service.resolveIn("../etc", spec("debian12"))).isInstanceOf(CatalogException.class);
    }
}
