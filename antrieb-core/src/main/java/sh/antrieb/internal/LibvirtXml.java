package sh.antrieb.internal;

import java.util.List;

/**
 * Every piece of libvirt XML Antrieb writes, in one place, as plain text that unit tests read without
 * a hypervisor. All interpolated values are escaped.
 */
public final class LibvirtXml {
    /** Namespace of the metadata element Antrieb puts in its domains. */
    public static final String METADATA_NS = "http://antrieb.sh/xmlns/cluster/1";
    /** fw_cfg entry through which a node receives its configuration script. */
    public static final String FW_CFG_INIT = "opt/sh.antrieb/init";

    private LibvirtXml() {
    }

    /** A NIC of a domain: the libvirt network it plugs into, its MAC address and its host TAP device name. */
    public record Nic(String network, String mac, String tap) {
    }

    /** What a domain needs; paths are on the libvirt host. */
    public record DomainSpec(String name, String clusterId, String node, long deadlineEpochSeconds,
                             String domainType, int vcpus, int memoryMiB,
                             String kernelPath, String initrdPath, String cmdline,
                             String diskPath, List<Nic> nics, String consolePath, String initPayloadBase64) {
    }

    /**
     * A transient domain, disk on a qcow2 overlay, booting {@code kernel} + {@code initrd} directly or, when
     * {@code kernelPath} is null, through firmware (SeaBIOS and the disk's own boot loader).
     */
    public static String domain(DomainSpec d) {
        StringBuilder nics = new StringBuilder();
        for (Nic nic : d.nics()) {
            nics.append("""
                        <interface type='network'>
                          <source network='%s'/>
                          <mac address='%s'/>
                          <target dev='%s'/>
                          <model type='virtio'/>
                        </interface>
                    """.formatted(esc(nic.network()), esc(nic.mac()), esc(nic.tap())));
        }
        String cpu = d.domainType().equals("kvm") ? "  <cpu mode='host-passthrough'/>\n" : "";
        return """
                <domain type='%s'>
                  <name>%s</name>
                  <metadata>
                    <antrieb:cluster xmlns:antrieb='%s' id='%s' node='%s' deadline='%d'/>
                  </metadata>
                  <memory unit='MiB'>%d</memory>
                  <vcpu>%d</vcpu>
                  <sysinfo type='fwcfg'>
                    <entry name='%s'>%s</entry>
                  </sysinfo>
                  <os>
                    <type arch='x86_64' machine='pc'>hvm</type>
                %s  </os>
                  <features><acpi/></features>
                %s  <clock offset='utc'/>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2' cache='unsafe' discard='unmap'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                %s    <serial type='file'>
                      <source path='%s' append='off'/>
                      <target port='0'/>
                    </serial>
                    <rng model='virtio'>
                      <backend model='random'>/dev/urandom</backend>
                    </rng>
                    <memballoon model='none'/>
                  </devices>
                </domain>
                """.formatted(esc(d.domainType()), esc(d.name()), METADATA_NS, esc(d.clusterId()), esc(d.node()),
                d.deadlineEpochSeconds(), d.memoryMiB(), d.vcpus(), FW_CFG_INIT, esc(d.initPayloadBase64()),
                boot(d), cpu, esc(d.diskPath()), nics,
                esc(d.consolePath()));
    }

    private static String boot(DomainSpec d) {
        if (d.kernelPath() == null) {
            return "    <boot dev='hd'/>\n";
        }
        return "    <kernel>%s</kernel>\n    <initrd>%s</initrd>\n    <cmdline>%s</cmdline>\n"
                .formatted(esc(d.kernelPath()), esc(d.initrdPath()), esc(d.cmdline()));
    }

    /** A DHCP reservation: the address a MAC always gets. */
    public record DhcpHost(String mac, String name, String ip) {
    }

    /**
     * A bridge network. {@code gateway} null means no host address at all (nothing routed, no DHCP);
     * {@code nat} forwards to the outside through the host; {@code dhcpHosts} non-empty starts DHCP.
     */
    public record NetworkSpec(String name, String bridge, String gateway, int prefix, boolean nat,
                              boolean dns, List<DhcpHost> dhcpHosts, String dhcpRangeStart, String dhcpRangeEnd) {
    }

    /** A transient libvirt network. */
    public static String network(NetworkSpec n) {
        StringBuilder sb = new StringBuilder();
        sb.append("<network>\n");
        sb.append("  <name>").append(esc(n.name())).append("</name>\n");
        if (n.nat()) {
            sb.append("  <forward mode='nat'/>\n");
        }
        sb.append("  <bridge name='").append(esc(n.bridge())).append("' stp='off' delay='0'/>\n");
        if (!n.dns()) {
            sb.append("  <dns enable='no'/>\n");
        }
        if (n.gateway() != null) {
            sb.append("  <ip address='").append(esc(n.gateway())).append("' prefix='").append(n.prefix()).append("'");
            if (n.dhcpHosts().isEmpty() && n.dhcpRangeStart() == null) {
                sb.append("/>\n");
            } else {
                sb.append(">\n    <dhcp>\n");
                if (n.dhcpRangeStart() != null) {
                    sb.append("      <range start='").append(esc(n.dhcpRangeStart())).append("' end='")
                            .append(esc(n.dhcpRangeEnd())).append("'/>\n");
                }
                for (DhcpHost h : n.dhcpHosts()) {
                    sb.append("      <host mac='").append(esc(h.mac())).append("' name='").append(esc(h.name()))
                            .append("' ip='").append(esc(h.ip())).append("'/>\n");
                }
                sb.append("    </dhcp>\n  </ip>\n");
            }
        }
        sb.append("</network>\n");
        return sb.toString();
    }

    /** A directory storage pool. */
    public static String dirPool(String name, String path) {
        return """
                <pool type='dir'>
                  <name>%s</name>
                  <target><path>%s</path></target>
                </pool>
                """.formatted(esc(name), esc(path));
    }

    /** A qcow2 volume backed by {@code backingPath} (copy-on-write: never a full copy). */
    public static String overlayVolume(String name, long capacityBytes, String backingPath) {
        return """
                <volume>
                  <name>%s</name>
                  <capacity unit='bytes'>%d</capacity>
                  <target><format type='qcow2'/></target>
                  <backingStore>
                    <path>%s</path>
                    <format type='qcow2'/>
                  </backingStore>
                </volume>
                """.formatted(esc(name), capacityBytes, esc(backingPath));
    }

    private static final java.util.regex.Pattern BACKING_PATH =
            java.util.regex.Pattern.compile("<backingStore[^>]*>.*?<path>([^<]+)</path>", java.util.regex.Pattern.DOTALL);

    /** The path of the backing file in a volume's XML as libvirt describes it (see {@link #overlayVolume}), or null. */
    public static String backingPath(String volumeXml) {
        if (volumeXml == null) {
            return null;
        }
        java.util.regex.Matcher m = BACKING_PATH.matcher(volumeXml);
        return m.find() ? m.group(1).trim() : null;
    }

    /** A plain volume of {@code bytes} bytes, to upload a file into. */
    public static String rawVolume(String name, long bytes) {
        return """
                <volume>
                  <name>%s</name>
                  <capacity unit='bytes'>%d</capacity>
                  <allocation unit='bytes'>0</allocation>
                  <target><format type='raw'/></target>
                </volume>
                """.formatted(esc(name), bytes);
    }

    /** Escapes text for XML content and single- or double-quoted attributes. */
    public static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\'' -> sb.append("&apos;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
