package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import sh.antrieb.AntriebException;

class SavedDomainTest {
    /** The shape of the domain XML libvirt 9 writes into a save image of an Antrieb node (trimmed). */
    private static final String SAVED_XML = """
            <domain type='qemu'>
              <name>antrieb-aaaaaaaa-1795464124-100-node1</name>
              <uuid>74129101-fc65-4e7b-9f91-78663d9a4d89</uuid>
              <metadata>
                <antrieb:cluster xmlns:antrieb="http://antrieb.sh/xmlns/cluster/1" id="aaaaaaaa" node="node1" deadline="1795464124"/>
              </metadata>
              <memory unit='KiB'>786432</memory>
              <vcpu placement='static'>1</vcpu>
              <sysinfo type='fwcfg'>
                <entry name='opt/sh.antrieb/init'>QUJDRA==</entry>
              </sysinfo>
              <os>
                <type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type>
                <kernel>/pool/antrieb-image-debian12.vmlinuz</kernel>
              </os>
              <devices>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2' cache='unsafe' discard='unmap'/>
                  <source file='/pool/antrieb-warm-abc-xyz.qcow2'/>
                  <backingStore type='file'><format type='qcow2'/><source file='/pool/base.qcow2'/></backingStore>
                  <target dev='vda' bus='virtio'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
                </disk>
                <interface type='network'>
                  <mac address='52:54:00:9a:84:43'/>
                  <source network='antrieb-aaaaaaaa-1795464124-100-net-control' portid='16014743-16d7-40ec-9bda-766615d9a029' bridge='abaaaaaaaan0'/>
                  <target dev='ataaaaaaaa1n0'/>
                  <model type='virtio'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>
                </interface>
                <interface type='network'>
                  <mac address='52:54:00:ed:4c:a3'/>
                  <source network='antrieb-aaaaaaaa-1795464124-100-net-default'/>
                  <target dev='ataaaaaaaa1n1'/>
                  <model type='virtio'/>
                </interface>
                <serial type='file'>
                  <source path='/pool/antrieb-aaaaaaaa-1795464124-100-node1.console' append='off'/>
                  <target type='isa-serial' port='0'/>
                </serial>
                <console type='file'>
                  <source path='/pool/antrieb-aaaaaaaa-1795464124-100-node1.console' append='off'/>
                  <target type='serial' port='0'/>
                </console>
              </devices>
            </domain>
            """;
    private static final String COOKIE = "<cookie>\n  <slirpHelper/>\n</cookie>\n";
    private static final int DATA_LENGTH = 16384;

    /** A save image head as libvirt writes it: header, XML, cookie, zero padding. */
    private static byte[] head(String magic) {
        byte[] x = (SAVED_XML + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(SavedDomain.HEADER_BYTES + DATA_LENGTH).order(ByteOrder.nativeOrder());
        b.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(2).putInt(DATA_LENGTH).putInt(1).putInt(0).putInt(x.length);
        b.position(SavedDomain.HEADER_BYTES);
        b.put(x).put((COOKIE + "\0").getBytes(StandardCharsets.UTF_8));
        return b.array();
    }

    private static SavedDomain.Copy copy(String payload) {
        return new SavedDomain.Copy("antrieb-bbbbbbbb-1795470000-200-node2", "bbbbbbbb", "node2", 1_795_470_000L,
                "/pool/antrieb-bbbbbbbb-1795470000-200-node2.qcow2", "/pool/antrieb-bbbbbbbb-1795470000-200-node2.console",
                payload, List.of(new LibvirtXml.Nic("antrieb-bbbbbbbb-1795470000-200-net-control", "52:54:00:11:11:11", "atbbbbbbbb2n0"),
                        new LibvirtXml.Nic("antrieb-bbbbbbbb-1795470000-200-net-lan", "52:54:00:22:22:22", "atbbbbbbbb2n1")));
    }

    @Test
    void parsesHeaderXmlAndCookie() {
        byte[] head = head("LibvirtQemudSave");
        assertThat(SavedDomain.isComplete(head)).isTrue();
        assertThat(SavedDomain.headLength(head)).isEqualTo(SavedDomain.HEADER_BYTES + DATA_LENGTH);
        SavedDomain d = SavedDomain.parse(head);
        assertThat(d.version()).isEqualTo(2);
        assertThat(d.wasRunning()).isEqualTo(1);
        assertThat(d.xml()).isEqualTo(SAVED_XML);
        assertThat(d.cookie()).isEqualTo(COOKIE);
        assertThat(d.macs()).containsExactly("52:54:00:9a:84:43", "52:54:00:ed:4c:a3");
    }

    @Test
    void anImageStillBeingWrittenIsRefused() {
        byte[] head = head("LibvirtQemudPart");
        assertThat(SavedDomain.isComplete(head)).isFalse();
        assertThatThrownBy(() -> SavedDomain.parse(head)).isInstanceOf(AntriebException.class).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> SavedDomain.parse(new byte[200])).hasMessageContaining("not a libvirt save image");
    }

    @Test
    void copyXmlMakesTheCopyItsOwnDomain() {
        SavedDomain d = SavedDomain.parse(head("LibvirtQemudSave"));
        String xml = d.copyXml(copy("WFlaVw=="));
        assertThat(xml).contains("<name>antrieb-bbbbbbbb-1795470000-200-node2</name>")
                .doesNotContain("74129101-fc65-4e7b-9f91-78663d9a4d89", "aaaaaaaa", "QUJDRA==", "portid", "bridge=", "backingStore",
                        "52:54:00:9a:84:43")
                .contains("id=\"bbbbbbbb\"", "node=\"node2\"", "deadline=\"1795470000\"")
                .contains(">WFlaVw==</entry>", "file=\"/pool/antrieb-bbbbbbbb-1795470000-200-node2.qcow2\"")
                .contains("network=\"antrieb-bbbbbbbb-1795470000-200-net-lan\"", "address=\"52:54:00:22:22:22\"", "dev=\"atbbbbbbbb2n1\"")
                .contains("slot=\"0x02\"", "machine=\"pc-i440fx-7.2\"");
        assertThat(xml.split("node2.console", -1)).hasSize(3);
        assertThat(xml).containsPattern("<uuid>[0-9a-f-]{36}</uuid>");
    }

    @Test
    void copiesMustMatchTheTemplatesNicsAndPayloadSize() {
        SavedDomain d = SavedDomain.parse(head("LibvirtQemudSave"));
        assertThatThrownBy(() -> d.copyXml(copy("WFlaVw==AAAA"))).hasMessageContaining("payload of 12 bytes where the saved domain has 8");
        SavedDomain.Copy oneNic = copy("WFlaVw==");
        SavedDomain.Copy fewer = new SavedDomain.Copy(oneNic.name(), oneNic.clusterId(), oneNic.node(), oneNic.deadlineEpochSeconds(),
                oneNic.diskPath(), oneNic.consolePath(), oneNic.payloadBase64(), oneNic.nics().subList(0, 1));
        assertThatThrownBy(() -> d.copyXml(fewer)).hasMessageContaining("2 NICs, the copy needs 1");
    }

    @Test
    void withXmlKeepsTheDataAreaLengthSoTheMigrationStreamStaysInPlace() {
        SavedDomain d = SavedDomain.parse(head("LibvirtQemudSave"));
        String xml = d.copyXml(copy("WFlaVw=="));
        byte[] out = d.withXml(xml);
        assertThat(out).hasSize(SavedDomain.HEADER_BYTES + DATA_LENGTH);
        SavedDomain again = SavedDomain.parse(out);
        assertThat(again.xml()).isEqualTo(xml);
        assertThat(again.cookie()).isEqualTo(COOKIE);
        assertThat(again.dataLength()).isEqualTo(DATA_LENGTH);
        assertThatThrownBy(() -> d.withXml("x".repeat(DATA_LENGTH))).hasMessageContaining("does not fit");
    }
}
