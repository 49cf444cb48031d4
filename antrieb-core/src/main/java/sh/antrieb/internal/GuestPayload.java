package sh.antrieb.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The script a node runs at every boot (through fw_cfg and the image's {@code antrieb-init.service})
 * to become its node: hostname, hosts, keys, NIC names and addresses. Idempotent.
 */
public final class GuestPayload {
    private GuestPayload() {
    }

    /** A NIC as the guest sees it: renamed from its MAC to {@code name}, with an optional static address. */
    public record GuestNic(String mac, String name, String addressCidr, String gateway, String dns) {
    }

    /** Everything a node needs to know about itself and the cluster. */
    public record NodeConfig(String hostname, String hostsFile, SshKeys clusterKey, SshKeys hostKey,
                             String knownHosts, List<GuestNic> nics, boolean growRootFs) {
    }

    /** The script, base64-encoded for the fw_cfg entry. */
    public static String base64(NodeConfig c) {
        return Base64.getEncoder().encodeToString(script(c).getBytes(StandardCharsets.UTF_8));
    }

    /** The script as text. */
    public static String script(NodeConfig c) {
        StringBuilder s = new StringBuilder();
        // Under emulation every exec costs tens of milliseconds on the boot's critical path (this runs before
        // sshd), so the script sticks to shell builtins: files are written with printf, /sys read with read,
        // and all NIC renames go through one ip(8) run each for parking and naming.
        s.append("""
                set -eu
                say() { echo "antrieb-init: $*" >/dev/console 2>/dev/null || true; }
                # NIC names come from MACs, not probe order: park every NIC on a temporary name, then name it.
                park=
                for dev in /sys/class/net/*; do
                  n=${dev##*/}; [ "$n" = lo ] && continue
                  read -r idx <"$dev/ifindex"
                  park="${park}link set dev $n down
                link set dev $n name antrieb$idx
                "
                done
                [ -z "$park" ] || printf '%s' "$park" | ip -force -batch - || true
                names=
                name_nic() {
                  for dev in /sys/class/net/*; do
                    read -r mac <"$dev/address"
                    if [ "$mac" = "$1" ]; then names="${names}link set dev ${dev##*/} name $2
                "; return 0; fi
                  done
                  say "no NIC has MAC $1 (wanted as $2)"; return 1
                }
                name_nics() {
                  [ -z "$names" ] || printf '%s' "$names" | ip -batch -
                }
                rm -f /etc/systemd/network/*.network /etc/ssh/ssh_host_*
                """);
        for (GuestNic nic : c.nics()) {
            s.append("name_nic ").append(nic.mac()).append(' ').append(nic.name()).append('\n');
            s.append(file("/etc/systemd/network/20-" + nic.name() + ".network", networkUnit(nic)));
        }
        s.append("name_nics\n");
        String dns = c.nics().stream().map(GuestNic::dns).filter(d -> d != null).findFirst().orElse(null);
        s.append(file("/etc/resolv.conf", dns == null ? "" : "nameserver " + dns + "\n"));
        s.append("echo ").append(c.hostname()).append(" >/etc/hostname\n");
        s.append("echo ").append(c.hostname()).append(" >/proc/sys/kernel/hostname\n");
        s.append(file("/etc/hosts", c.hostsFile()));
        s.append("[ -d /root/.ssh ] || mkdir -p -m 700 /root/.ssh\n");
        s.append(file("/root/.ssh/authorized_keys", c.clusterKey().publicLine() + "\n"));
        s.append(file("/root/.ssh/id_ed25519", c.clusterKey().privateOpenSsh()));
        s.append(file("/root/.ssh/id_ed25519.pub", c.clusterKey().publicLine() + "\n"));
        s.append(file("/etc/ssh/ssh_host_ed25519_key", c.hostKey().privateOpenSsh()));
        s.append(file("/etc/ssh/ssh_host_ed25519_key.pub", c.hostKey().publicLine() + "\n"));
        s.append("chmod 600 /root/.ssh/id_ed25519 /root/.ssh/authorized_keys /etc/ssh/ssh_host_ed25519_key\n");
        s.append(file("/etc/ssh/ssh_known_hosts", c.knownHosts()));
        s.append("[ -d /etc/ssh/sshd_config.d ] || mkdir -p /etc/ssh/sshd_config.d\n");
        s.append(file("/etc/ssh/sshd_config.d/antrieb.conf", """
                HostKey /etc/ssh/ssh_host_ed25519_key
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                AcceptEnv *
                UseDNS no
                MaxSessions 64
                MaxStartups 64:30:128
                """));
        if (c.growRootFs()) {
            s.append("(resize2fs /dev/vda >/dev/null 2>&1 || say 'resize2fs failed') &\n");
        }
        s.append("say \"configured ").append(c.hostname()).append("\"\n");
        return s.toString();
    }

    private static String networkUnit(GuestNic nic) {
        StringBuilder u = new StringBuilder();
        u.append("[Match]\nName=").append(nic.name()).append("\n\n[Link]\nRequiredForOnline=no\n\n[Network]\n");
        u.append("LinkLocalAddressing=no\nIPv6AcceptRA=no\n");
        if (nic.addressCidr() != null) {
            u.append("Address=").append(nic.addressCidr()).append('\n');
        }
        if (nic.gateway() != null) {
            u.append("Gateway=").append(nic.gateway()).append('\n');
        }
        return u.toString();
    }

    /** Writes a file with the shell's builtin printf (no exec of cat); the content single-quoted. */
    private static String file(String path, String content) {
        String body = content.isEmpty() || content.endsWith("\n") ? content : content + "\n";
        return "printf '%s' '" + body.replace("'", "'\\''") + "' >" + path + "\n";
    }
}
