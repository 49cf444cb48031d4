package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved images on real guests, in one pass to keep boots few (three VMs): a node gets a package and a file,
 * its disk is saved (twice: v1, v2) while it keeps running; a new cluster boots the saved image next to a
 * fresh base node; the saved node has both, and the base node has both after running build-image.sh;
 * then search, fetch and delete of the image.
 */
class CatalogIT {
    static final String PROOF = "/etc/antrieb-catalog-proof";

    @TempDir
    Path store;

    @Test
    void saveProvisionRebuildSearchDelete() throws Exception {
        List<String> commands = List.of(
                "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tree",
                "echo \"saved by $NODE_NAME of the catalog test\" >" + PROOF);
        try (Antrieb antrieb = TestHosts.client().catalogDir(store).namespace("it").build()) {
            Image v1;
            Image v2;
            try (Cluster source = antrieb.provision("debian12")) {
                for (String c : commands) {
                    ExecResult r = source.exec("node1", c);
                    assertThat(r.exitCode()).as(r.summary() + r.stderr()).isZero();
                }
                v1 = source.saveImage("node1", "it-web", commands, "tree and a proof file");
                // the node kept running through the save, with its identity
                ExecResult after = source.exec("node1", "cat /etc/machine-id; systemctl is-system-running || true");
                assertThat(after.exitCode()).isZero();
                assertThat(after.stdout().lines().findFirst().orElse("")).hasSize(32);
                v2 = source.saveImage("node1", "it-web", commands, "tree and a proof file, again");
            }
            assertThat(v1.ani()).isEqualTo("antrieb:it-web:v1");
            assertThat(v1.fqName()).isEqualTo("it/it-web");
            assertThat(v1.kind()).isEqualTo(Image.Kind.SAVED);
            assertThat(v1.base()).isEqualTo("antrieb:debian12:v1");
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v1.buildScript()).contains("apt-get install -y -q --no-install-recommends tree").contains(PROOF);
            assertThat(v1.startupScript()).startsWith("#!/bin/sh");

            // standalone: the flattened disk has no backing file (the cluster's overlay and base are not needed)
            Path disk = store.resolve("it/images/it-web/v1/disk.qcow2");
            Process info = new ProcessBuilder("qemu-img", "info", "-U", "--output=json", disk.toString()).redirectErrorStream(true).start();
            String json = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(info.waitFor()).as(json).isZero();
            assertThat(json).contains("\"format\": \"qcow2\"").doesNotContain("backing-filename");
            assertThat(store.resolve("it/images/it-web/v1/build-image.sh")).exists();
            assertThat(store.resolve("it/images/it-web/v1/startup.sh")).exists();
            assertThat(store.resolve("it/images/it-web/v1/description.txt")).hasContent("tree and a proof file");

            // usable at once: the saved image (pinned to v1 by its ani) next to a fresh base node
            try (Cluster c = antrieb.provision("antrieb:it-web:v1", "debian12")) {
                String check = "tree --version | head -n 1; cat " + PROOF;
                ExecResult saved = c.exec("node1", check);
                assertThat(saved.exitCode()).as(saved.stderr()).isZero();
                assertThat(saved.stdout()).contains("tree v").contains("saved by node1 of the catalog test");
                assertThat(c.exec("node1", "hostname").stdout().strip()).isEqualTo("node1");

                ExecResult fresh = c.exec("node2", check);
                assertThat(fresh.exitCode()).isNotZero();
                ExecResult rebuild = c.exec("node2", v1.buildScript());
                assertThat(rebuild.exitCode()).as(rebuild.stderr()).isZero();
                ExecResult rebuilt = c.exec("node2", check);
                assertThat(rebuilt.exitCode()).as(rebuilt.stderr()).isZero();
                assertThat(rebuilt.stdout().replace("node2", "node1")).isEqualTo(saved.stdout());
                String pkg = "dpkg-query -W -f='${Package} ${Status}\\n' tree";
                assertThat(c.exec("node2", pkg).stdout()).isEqualTo(c.exec("node1", pkg).stdout()).contains("install ok installed");

                // search (metadata only), fetch (whole), type cluster lists it
                Catalog catalog = antrieb.catalog();
                assertThat(catalog.namespace()).isEqualTo("it");
                List<Artifact> hits = catalog.search(Catalog.Type.IMAGE, "proof file");
                assertThat(hits).extracting(Artifact::fqName).containsExactly("it/it-web");
                assertThat(hits.get(0).version()).isEqualTo(2);
                assertThat(hits.get(0).attributes()).containsEntry("ani", "antrieb:it-web:v2");
                assertThat(hits.get(0).body()).isNull();
                assertThat(catalog.fetch(Catalog.Type.IMAGE, "antrieb:it-web:v1").orElseThrow().body()).isEqualTo(v1.buildScript());
                assertThat(catalog.search(Catalog.Type.CLUSTER, null)).extracting(Artifact::name).containsExactly(c.id());

                // deleting an image in use: the running cluster keeps working
                assertThat(catalog.delete(Catalog.Type.IMAGE, "it-web")).isTrue();
                assertThat(c.exec("node1", "cat " + PROOF).exitCode()).isZero();
            }
            assertThat(antrieb.catalog().fetch(Catalog.Type.IMAGE, "it-web")).isEmpty();
            assertThat(antrieb.catalog().delete(Catalog.Type.IMAGE, "it-web")).isFalse();
            assertThat(store.resolve("it/images/it-web")).doesNotExist();
            assertThatThrownBy(() -> antrieb.provision("it-web")).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("unknown image 'it-web'").hasMessageContaining("debian12");
        }
    }
}
