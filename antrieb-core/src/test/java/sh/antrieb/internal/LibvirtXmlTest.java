package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class LibvirtXmlTest {
    private final XPath xpath = XPathFactory.newInstance().newXPath();

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private LibvirtXml.DomainSpec domain(String type) {
        return new LibvirtXml.DomainSpec("antrieb-abcdefgh-1795000000-42-node1", "abcdefgh", "node1", 1795000000L, type,
                2, 768, "/pool/k", "/pool/i", "root=/dev/vda rw console=ttyS0", "/pool/node1.qcow2",
                List.of(new LibvirtXml.Nic("ctl-net", "52:54:00:00:00:01", "atabcdefgh1n0"), new LibvirtXml.Nic("lan-net", "52:54:00:00:00:02", "atabcdefgh1n1")),
                "/pool/node1.console", "c2V0IC1ldQo=");
    }

    @Test
    void domainBootsKernelDirectlyFromAnOverlay() throws Exception {
        Document d = parse(LibvirtXml.domain(domain("qemu")));
        assertThat(xpath.evaluate("/domain/@type", d)).isEqualTo("qemu");
        assertThat(xpath.evaluate("/domain/os/kernel", d)).isEqualTo("/pool/k");
        assertThat(xpath.evaluate("/domain/os/initrd", d)).isEqualTo("/pool/i");
        assertThat(xpath.evaluate("/domain/os/cmdline", d)).isEqualTo("root=/dev/vda rw console=ttyS0");
        assertThat(xpath.evaluate("/domain/devices/disk/source/@file", d)).isEqualTo("/pool/node1.qcow2");
        assertThat(xpath.evaluate("/domain/devices/disk/driver/@type", d)).isEqualTo("qcow2");
        assertThat(xpath.evaluate("/domain/memory", d)).isEqualTo("768");
        assertThat(xpath.evaluate("/domain/vcpu", d)).isEqualTo("2");
        assertThat(xpath.evaluate("count(/domain/cpu)", d)).isEqualTo("0");
    }

    @Test
    void withoutKernelTheDomainBootsThroughFirmwareFromItsDisk() throws Exception {
        LibvirtXml.DomainSpec s = domain("qemu");
        Document d = parse(LibvirtXml.domain(new LibvirtXml.DomainSpec(s.name(), s.clusterId(), s.node(), s.deadlineEpochSeconds(),
                s.domainType(), 1, 512, null, null, null, s.diskPath(), s.nics(), s.consolePath(), "")));
        assertThat(xpath.evaluate("count(/domain/os/kernel | /domain/os/initrd | /domain/os/cmdline)", d)).isEqualTo("0");
        assertThat(xpath.evaluate("/domain/os/boot/@dev", d)).isEqualTo("hd");
        assertThat(xpath.evaluate("/domain/devices/disk/target/@dev", d)).isEqualTo("vda");
    }

    @Test
    void nicsKeepTheirOrderAndMacs() throws Exception {
        Document d = parse(LibvirtXml.domain(domain("qemu")));
        assertThat(xpath.evaluate("/domain/devices/interface[1]/source/@network", d)).isEqualTo("ctl-net");
        assertThat(xpath.evaluate("/domain/devices/interface[2]/mac/@address", d)).isEqualTo("52:54:00:00:00:02");
        assertThat(xpath.evaluate("/domain/devices/interface[2]/model/@type", d)).isEqualTo("virtio");
    }

    @Test
    void payloadTravelsInFwCfgAndLabelInMetadata() throws Exception {
        Document d = parse(LibvirtXml.domain(domain("qemu")));
        assertThat(xpath.evaluate("/domain/sysinfo[@type='fwcfg']/entry[@name='opt/sh.antrieb/init']", d)).isEqualTo("c2V0IC1ldQo=");
        assertThat(xpath.evaluate("/domain/metadata/*[local-name()='cluster']/@id", d)).isEqualTo("abcdefgh");
        assertThat(xpath.evaluate("/domain/metadata/*[local-name()='cluster']/@deadline", d)).isEqualTo("1795000000");
    }

    @Test
    void kvmPassesTheHostCpuThrough() throws Exception {
        Document d = parse(LibvirtXml.domain(domain("kvm")));
        assertThat(xpath.evaluate("/domain/@type", d)).isEqualTo("kvm");
        assertThat(xpath.evaluate("/domain/cpu/@mode", d)).isEqualTo("host-passthrough");
    }

    @Test
    void valuesAreEscaped() throws Exception {
        LibvirtXml.DomainSpec s = domain("qemu");
        String xml = LibvirtXml.domain(new LibvirtXml.DomainSpec(s.name(), s.clusterId(), s.node(), s.deadlineEpochSeconds(),
                s.domainType(), 1, 512, "/a'b<c>&d", s.initrdPath(), "x=\"1\"", s.diskPath(), s.nics(), s.consolePath(), ""));
        Document d = parse(xml);
        assertThat(xpath.evaluate("/domain/os/kernel", d)).isEqualTo("/a'b<c>&d");
        assertThat(xpath.evaluate("/domain/os/cmdline", d)).isEqualTo("x=\"1\"");
    }

    @Test
    void natNetworkWithDhcpReservations() throws Exception {
        Document d = parse(LibvirtXml.network(new LibvirtXml.NetworkSpec("n", "abxn1", "10.200.1.1", 24, true, true,
                List.of(new LibvirtXml.DhcpHost("52:54:00:00:00:02", "node1", "10.200.1.10")), "10.200.1.100", "10.200.1.199")));
        assertThat(xpath.evaluate("/network/forward/@mode", d)).isEqualTo("nat");
        assertThat(xpath.evaluate("/network/bridge/@name", d)).isEqualTo("abxn1");
        assertThat(xpath.evaluate("/network/ip/@address", d)).isEqualTo("10.200.1.1");
        assertThat(xpath.evaluate("/network/ip/dhcp/host/@ip", d)).isEqualTo("10.200.1.10");
        assertThat(xpath.evaluate("count(/network/dns)", d)).isEqualTo("0");
    }

    @Test
    void controlNetworkIsIsolatedWithoutDnsmasq() throws Exception {
        Document d = parse(LibvirtXml.network(new LibvirtXml.NetworkSpec("c", "abxn0", "100.64.3.1", 24, false, false,
                List.of(), null, null)));
        assertThat(xpath.evaluate("count(/network/forward)", d)).isEqualTo("0");
        assertThat(xpath.evaluate("/network/dns/@enable", d)).isEqualTo("no");
        assertThat(xpath.evaluate("count(/network/ip/dhcp)", d)).isEqualTo("0");
    }

    @Test
    void overlayIsBackedNotCopied() throws Exception {
        Document d = parse(LibvirtXml.overlayVolume("v.qcow2", 20L << 30, "/pool/base.qcow2"));
        assertThat(xpath.evaluate("/volume/backingStore/path", d)).isEqualTo("/pool/base.qcow2");
        assertThat(xpath.evaluate("/volume/target/format/@type", d)).isEqualTo("qcow2");
        assertThat(xpath.evaluate("/volume/capacity", d)).isEqualTo(Long.toString(20L << 30));
    }

    @Test
    void theBackingPathOfAnOverlayIsReadBackFromItsXml() {
        assertThat(LibvirtXml.backingPath(LibvirtXml.overlayVolume("n1.qcow2", 1 << 20, "/pool/antrieb-image-debian12-ff771fec96d7.disk.qcow2")))
                .isEqualTo("/pool/antrieb-image-debian12-ff771fec96d7.disk.qcow2");
        assertThat(LibvirtXml.backingPath("<volume><name>plain</name><target><path>/pool/plain</path></target></volume>")).isNull();
        assertThat(LibvirtXml.backingPath(null)).isNull();
    }
}
