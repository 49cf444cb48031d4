package sh.antrieb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.internal.LibvirtHost;
import sh.antrieb.internal.WarmStart;

/**
 * A saved image provisions warm on real guests: its first use makes a template (one boot of the saved disk),
 * its copies report {@link Node.Start#WARM}, carry what was saved, and are nodes of their own (machine id, SSH
 * host key, addresses, names); deleting the image deletes its templates. One 1-node and one 2-node cluster.
 */
class SavedImageWarmIT {
    static final String PROOF = "/etc/antrieb-warm-proof";

    @TempDir
    Path store;

    @Test
    void aSavedImageProvisionsWarmWithOwnIdentitiesAndItsTemplatesGoWithIt() throws Exception {
        String identity = "cat /etc/machine-id; cut -d' ' -f2 /etc/ssh/ssh_host_ed25519_key.pub; hostname; cat " + PROOF;
        try (Antrieb antrieb = TestHosts.client().catalogDir(store).namespace("it").build()) {
            String source;
            try (Cluster c = antrieb.provision("debian12")) {
                assertThat(c.exec("node1", "echo saved-by-$NODE_NAME >" + PROOF).exitCode()).isZero();
                c.saveImage("node1", "it-warm", List.of("echo saved-by-$NODE_NAME >" + PROOF), "a proof file");
                source = c.exec("node1", identity).stdout();
            }
            Path disk = store.resolve("it/images/it-warm/v1/disk.qcow2");

            try (Cluster c = antrieb.provision("antrieb:it-warm:v1 x2")) {
                Set<String> machineIds = new HashSet<>();
                Set<String> hostKeys = new HashSet<>();
                machineIds.add(source.lines().toList().get(0));
                hostKeys.add(source.lines().toList().get(1));
                for (Node node : c.nodes()) {
                    assertThat(node.start()).as(node.name() + " came up from the saved image's template").isEqualTo(Node.Start.WARM);
                    ExecResult r = c.exec(node.name(), identity + "; ip -4 -br addr show dev eth0");
                    assertThat(r.exitCode()).as(r.stderr()).isZero();
                    assertThat(r.transport()).isEqualTo(ExecResult.Transport.AGENT);
                    List<String> lines = r.stdout().lines().toList();
                    machineIds.add(lines.get(0));
                    hostKeys.add(lines.get(1));
                    assertThat(lines.get(2)).isEqualTo(node.name());
                    assertThat(lines.get(3)).as("what the saved node had").isEqualTo("saved-by-node1");
                    assertThat(lines.get(4)).contains(" " + node.ip() + "/24");
                }
                assertThat(machineIds).as("machine ids of the saved node and both copies").hasSize(3);
                assertThat(hostKeys).as("SSH host keys of the saved node and both copies").hasSize(3);
                assertThat(c.exec("node1", "ssh node2 hostname").stdout()).isEqualTo("node2\n");
            }

            try (LibvirtHost host = LibvirtHost.connect(URI.create("qemu:///system"))) {
                WarmStart warm = new WarmStart(host);
                assertThat(warm.templatesOf(disk.toString())).as("the saved image's template").hasSize(1);
                assertThat(antrieb.catalog().delete(Catalog.Type.IMAGE, "it-warm")).isTrue();
                assertThat(warm.templatesOf(disk.toString())).as("templates left after the image was deleted").isEmpty();
            }
        }
    }
}
