package sh.antrieb.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import sh.antrieb.Artifact;
import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.ImageImport;
import sh.antrieb.NetworkSpec;
import sh.antrieb.internal.BootImage;

/** Runbooks, network specs, names and the read-only namespace, without a hypervisor. */
class CatalogTest {
    static final String RUNBOOK = """
            # HA Postgres behind pgbouncer

            Two Postgres nodes and a pgbouncer.

            ## Topology required

            ```yaml
            nodes: ["debian12 x3"]
            ```

            ## Steps

            1. Install.

            ```sh node=node1
            apt-get install -y postgresql
            ```

            ## Verify

            ```sh node=node1
            pg_isready
            ```
            """;

    @TempDir
    Path dir;
    CatalogService service;
    Catalog team;

    @BeforeEach
    void setUp() {
        service = OfflineCatalogs.over(dir, "team");
        team = service.view("team");
    }

    @Test
    void runbooksSaveSearchFetchDelete() {
        Artifact saved = team.saveRunbook("ha-postgres", RUNBOOK, "HA Postgres + pgbouncer");
        assertThat(saved.fqName()).isEqualTo("team/ha-postgres");
        assertThat(saved.version()).isEqualTo(1);
        assertThat(team.saveRunbook("ha-postgres", RUNBOOK, "HA Postgres + pgbouncer, v2").version()).isEqualTo(2);
        team.saveRunbook("redis", RUNBOOK.replace("Postgres", "Redis"), null);

        List<Artifact> hits = team.search(Catalog.Type.RUNBOOK, "postgres");
        assertThat(hits).extracting(Artifact::fqName).containsExactly("team/ha-postgres");
        assertThat(hits.get(0).body()).isNull();
        assertThat(hits.get(0).description()).isEqualTo("HA Postgres + pgbouncer, v2");
        assertThat(team.search(Catalog.Type.RUNBOOK, "team/redis")).extracting(Artifact::description)
                .containsExactly("HA Redis behind pgbouncer"); // no description: the title
        assertThat(team.search(Catalog.Type.RUNBOOK, null, 1)).hasSize(1);

        Artifact whole = team.fetch("team/ha-postgres").orElseThrow();
        assertThat(whole.type()).isEqualTo(Catalog.Type.RUNBOOK);
        assertThat(whole.body()).isEqualTo(RUNBOOK);
        assertThat(team.fetch(Catalog.Type.RUNBOOK, "@team/ha-postgres")).isPresent();
        assertThat(team.fetch(Catalog.Type.RUNBOOK, "ha-postgres")).isPresent();

        assertThat(team.delete(Catalog.Type.RUNBOOK, "ha-postgres")).isTrue();
        assertThat(team.delete(Catalog.Type.RUNBOOK, "team/ha-postgres")).isFalse();
        assertThat(team.fetch("team/ha-postgres")).isEmpty();
        assertThat(team.search(Catalog.Type.RUNBOOK, "postgres")).isEmpty();
    }

    @Test
    void aRunbookWithoutStepsIsRefused() {
        assertThatThrownBy(() -> team.saveRunbook("bad", "just some text\n", null))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID))
                .hasMessageContaining("## Steps");
        assertThat(dir.resolve("team")).doesNotExist();
    }

    @Test
    void networksSaveFetchResolveDelete() {
        Artifact a = team.saveNetwork(NetworkSpec.named("isolated-lan").cidr("10.50.0.0/24").egress(false), "no way out");
        assertThat(a.attributes()).containsEntry("cidr", "10.50.0.0/24").containsEntry("egress", "false").containsEntry("dhcp", "true");
        assertThat(team.fetch(Catalog.Type.NETWORK, "@team/isolated-lan").orElseThrow().body())
                .isEqualTo("isolated-lan cidr=10.50.0.0/24 egress=false");
        assertThat(team.network("@team/isolated-lan")).isEqualTo(NetworkSpec.named("isolated-lan").cidr("10.50.0.0/24").egress(false));
        assertThat(team.search(Catalog.Type.NETWORK, "way out")).extracting(Artifact::name).containsExactly("isolated-lan");

        // provision's view: a reference keeps its name in the cluster and gets the saved options
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").network(NetworkSpec.reference("@team/isolated-lan"))
                .nics("node1", "isolated-lan").build();
        assertThat(service.resolveNetworks(spec).networks())
                .containsExactly(NetworkSpec.named("isolated-lan").cidr("10.50.0.0/24").egress(false));
        ClusterSpec missing = ClusterSpec.builder().nodes("debian12").network(NetworkSpec.reference("@team/nope"))
                .nics("node1", "nope").build();
        assertThatThrownBy(() -> service.resolveNetworks(missing)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("@team/nope").hasMessageContaining("@team/isolated-lan");

        assertThatThrownBy(() -> team.saveNetwork("ref", NetworkSpec.reference("@team/isolated-lan")))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID));
        assertThat(team.delete(Catalog.Type.NETWORK, "isolated-lan")).isTrue();
        assertThat(team.fetch(Catalog.Type.NETWORK, "isolated-lan")).isEmpty();
    }

    @Test
    void imageSearchListsBaseAndStackImages() {
        List<Artifact> images = team.search(Catalog.Type.IMAGE, null);
        assertThat(images).extracting(Artifact::fqName)
                .startsWith("antrieb/debian12", "antrieb/debian13", "antrieb/ansible-controller", "antrieb/podman");
        // Base images as clients read them: an ANI and the release file's description.
        assertThat(images.get(1).attributes()).containsEntry("ani", "antrieb:debian13:v1").containsEntry("kind", "base");
        assertThat(images.get(1).description()).startsWith("Debian 13 (trixie): a stock Debian server");
        assertThat(team.search(Catalog.Type.IMAGE, "trixie")).extracting(Artifact::name).containsExactly("debian13");
        // Stack images name the base release they are built on.
        assertThat(images.get(2).attributes()).containsEntry("kind", "stack").containsEntry("base", "antrieb:debian12:v1");
        assertThat(images).allMatch(Artifact::builtin);
        assertThat(team.search(Catalog.Type.IMAGE, "buildah")).extracting(Artifact::name).containsExactly("podman");
        Artifact stack = team.fetch(Catalog.Type.IMAGE, "antrieb/ansible-controller").orElseThrow();
        assertThat(stack.attributes()).containsEntry("kind", "stack").containsEntry("ani", "antrieb:ansible-controller:v1");
        assertThat(stack.body()).contains("apt-get install").contains("ansible-core");
        assertThat(team.fetch(Catalog.Type.IMAGE, "antrieb:debian12:v1").orElseThrow().attributes()).containsEntry("kind", "base");
    }

    @Test
    void importedImagesBootThroughFirmwareOrTheirOwnKernel() throws Exception {
        Path disk = dir.resolve("other.qcow2");
        Process p = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M").inheritIO().start();
        assertThat(p.waitFor()).isZero();
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "kernel");
        Path initrd = Files.writeString(dir.resolve("initrd.img"), "initrd");

        team.importImage("fw-only", ImageImport.disk(disk).description("boots through SeaBIOS"));
        team.importImage("direct", ImageImport.disk(disk).kernel(kernel, initrd, "root=/dev/vda1 console=ttyS0"));

        assertThat(team.search(Catalog.Type.IMAGE, "seabios")).extracting(Artifact::fqName).containsExactly("team/fw-only");
        BootImage firmware = service.resolve("fw-only");
        assertThat(firmware.kernelPath()).isNull();
        assertThat(Path.of(firmware.diskPath())).isRegularFile();
        BootImage direct = service.resolve("direct");
        assertThat(Path.of(direct.kernelPath())).hasContent("kernel");
        assertThat(Path.of(direct.initrdPath())).hasContent("initrd");
        assertThat(direct.cmdline()).isEqualTo("root=/dev/vda1 console=ttyS0");
        assertThatThrownBy(() -> ImageImport.disk(disk).kernel(kernel, null, null))
                .hasMessageContaining("needs an initramfs and a kernel command line");
    }

    @Test
    void theBuiltinNamespaceIsReadOnly() {
        Catalog builtin = service.view("antrieb");
        assertReadOnly(() -> builtin.saveRunbook("mine", RUNBOOK, null));
        assertReadOnly(() -> builtin.saveNetwork(NetworkSpec.named("lan")));
        assertReadOnly(() -> builtin.saveImage(null, "node1", "mine", List.of(), null));
        assertReadOnly(() -> team.delete(Catalog.Type.RUNBOOK, "antrieb/primer"));
        assertReadOnly(() -> team.delete(Catalog.Type.IMAGE, "debian12"));
        assertReadOnly(() -> team.delete(Catalog.Type.IMAGE, "antrieb:ansible-controller:v1"));
        assertReadOnly(() -> team.delete(Catalog.Type.NETWORK, "@antrieb/lan"));
        assertThatThrownBy(() -> team.saveImage(null, "node1", "debian12", List.of(), null))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME))
                .hasMessageContaining("built-in");
        assertThat(dir.resolve("antrieb")).doesNotExist();
    }

    @Test
    void otherNamespacesAreNeitherVisibleNorDeletable() {
        service.view("other").saveRunbook("secret", RUNBOOK, null);
        assertThat(team.fetch("other/secret")).isEmpty();
        assertThat(team.search(Catalog.Type.RUNBOOK, "secret")).isEmpty();
        assertThatThrownBy(() -> team.delete(Catalog.Type.RUNBOOK, "other/secret")).isInstanceOf(CatalogException.class)
                .hasMessageContaining("only from its own namespace team");
        assertThat(service.view("other").fetch("secret")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "My-Nginx", "a/b", "..", "../etc", "a\\b", "-x", "with space", "dot.ted", "under_score",
            "x123456789012345678901234567890123456789012345678901234567890123"})
    void invalidNamesAreRefusedBeforeTouchingDisk(String name) throws Exception {
        for (Runnable save : List.<Runnable>of(
                () -> team.saveRunbook(name, RUNBOOK, null),
                () -> team.saveNetwork(name, NetworkSpec.named("lan")),
                () -> team.saveImage(null, "node1", name, List.of(), null),
                () -> team.delete(Catalog.Type.RUNBOOK, name))) {
            assertThatThrownBy(save::run).isInstanceOfSatisfying(CatalogException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_NAME));
        }
        assertThatThrownBy(() -> service.view(name)).isInstanceOf(CatalogException.class);
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> !p.equals(dir) && !p.startsWith(dir.resolve(".tmp")) && !p.equals(dir.resolve(".lock"))))
                    .isEmpty();
        }
    }

    @Test
    void validNamesPass() {
        for (String ok : List.of("a", "my-nginx", "x9", "9lives", "a".repeat(63))) {
            assertThat(Names.checkName(ok)).isEqualTo(ok);
        }
        assertThat(Catalog.Type.of("network")).isEqualTo(Catalog.Type.NETWORK);
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> team.search(Catalog.Type.IMAGE, null, 0)).isInstanceOf(CatalogException.class);
        for (int i = 0; i < 3; i++) {
            team.saveRunbook("rb-" + i, RUNBOOK, null);
        }
        assertThat(team.search(Catalog.Type.RUNBOOK, null, 1000)).hasSize(3);
        assertThat(team.search(Catalog.Type.RUNBOOK, "ha-postgres rb-1")).isEmpty(); // every word must match
        assertThat(team.search(Catalog.Type.RUNBOOK, "RB-1 Postgres")).extracting(Artifact::name).containsExactly("rb-1");
    }

    private static void assertReadOnly(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(CatalogException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY)).hasMessageContaining("read-only");
    }
}
