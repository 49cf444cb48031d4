package sh.antrieb.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The script a node runs at every boot (through fw_cfg and the image's {@code antrieb-init.service})
 * to become its node: hostname, hosts, keys, NIC names and addresses. Idempotent.
 *
 * <p>The same script makes a restored copy of a warm-start template into its node ({@link WarmStart}): run
 * there with {@code ANTRIEB_WARM=1} by the template's waiter, it also takes over the template's NICs (found
 * by the template's MAC addresses, given the node's), sets their addresses, the clock, a fresh machine id
 * and reseeds the kernel's random number generator. Its first line carries a per-node nonce, which is how
 * the waiter tells a new payload from the template's.
 */
public final class GuestPayload {
    /** The guest's name of the NIC on the cluster's control network (exec, readiness, node-to-node SSH). */
    public static final String CONTROL_NIC = "mgmt0";

    private GuestPayload() {
    }

    /** A NIC as the guest sees it: renamed from its MAC to {@code name}, with an optional static address. */
    public record GuestNic(String mac, String name, String addressCidr, String gateway, String dns) {
    }

    /** Everything a node needs to know about itself and the cluster; {@code warm} null for a cold boot. */
    public record NodeConfig(String hostname, String hostsFile, SshKeys clusterKey, SshKeys hostKey,
                             String knownHosts, List<GuestNic> nics, boolean growRootFs, Warm warm) {
        public NodeConfig(String hostname, String hostsFile, SshKeys clusterKey, SshKeys hostKey,
                          String knownHosts, List<GuestNic> nics, boolean growRootFs) {
            this(hostname, hostsFile, clusterKey, hostKey, knownHosts, nics, growRootFs, null);
        }

        /** This config for a restored copy of a template whose NICs have {@code templateMacs}, in the same order. */
        public NodeConfig warm(Warm w) {
            return new NodeConfig(hostname, hostsFile, clusterKey, hostKey, knownHosts, nics, growRootFs, w);
        }
    }

    /**
     * What a restored copy needs beyond a cold boot's payload: the template's MAC of each NIC (same order as
     * {@link NodeConfig#nics()}), the time to set (if the RTC cannot tell), a machine id, seed bytes for the
     * kernel's RNG, and the cluster's deadline (the copy powers itself off then).
     */
    public record Warm(List<String> templateMacs, long epochSeconds, String machineId, byte[] seed, long deadlineEpochSeconds) {
    }

    /** The payload for fw_cfg: the script, base64-encoded. */
    public static String base64(NodeConfig c) {
        return Base64.getEncoder().encodeToString(script(c).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The payload as exactly {@code size} base64 characters (the script padded with a comment), or null when
     * the script does not fit. A warm-start template and its copies need fw_cfg entries of one size: the guest
     * kernel reads the entry's size once, at boot. {@code size} must be a multiple of 4.
     */
    public static String base64Padded(NodeConfig c, int size) {
        byte[] script = script(c).getBytes(StandardCharsets.UTF_8);
        int target = size / 4 * 3;
        if (size % 4 != 0 || script.length + 2 > target) {
            return null;
        }
        byte[] padded = new byte[target];
        System.arraycopy(script, 0, padded, 0, script.length);
        padded[script.length] = '#';
        java.util.Arrays.fill(padded, script.length + 1, target - 1, (byte) '.');
        padded[target - 1] = '\n';
        return Base64.getEncoder().encodeToString(padded);
    }

    /** A per-node nonce (from its host key): the first line of its payload. */
    static String nonce(NodeConfig c) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.hostKey().publicLine().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The script as text. */
    public static String script(NodeConfig c) {
        StringBuilder s = new StringBuilder();
        s.append("# antrieb payload ").append(nonce(c)).append('\n');
        // Under emulation every exec costs tens of milliseconds on the boot's critical path (this runs before
        // sshd), so the script sticks to shell builtins: files are written with printf, /sys read with read,
        // and all NIC changes go through one ip(8) run.
        s.append("""
                set -eu
                say() { echo "antrieb-init: $*" >/dev/console 2>/dev/null || true; }
                # NIC names come from MACs, not probe order: every NIC is parked on a temporary name (antrieb<ifindex>),
                # then named, in one ip batch. A restored template copy finds its NICs by the template's MACs and
                # takes the node's.
                batch=
                for dev in /sys/class/net/*; do
                  n=${dev##*/}; [ "$n" = lo ] && continue
                  read -r idx <"$dev/ifindex"
                  batch="${batch}link set dev $n down
                address flush dev $n
                link set dev $n name antrieb$idx
                "
                done
                name_nic() { # MAC NAME [TEMPLATE-MAC]
                  for dev in /sys/class/net/*; do
                    read -r mac <"$dev/address"
                    if [ "$mac" = "$1" ] || [ "$mac" = "${3:-}" ]; then
                      read -r idx <"$dev/ifindex"
                      [ "$mac" = "$1" ] || batch="${batch}link set dev antrieb$idx address $1
                "
                      batch="${batch}link set dev antrieb$idx name $2
                "
                      return 0
                    fi
                  done
                  say "no NIC has MAC $1 (wanted as $2)"; return 1
                }
                stale=
                for f in /etc/systemd/network/*.network /etc/ssh/ssh_host_*; do
                  [ -e "$f" ] || continue
                  case "$f" in
                """);
        // Files this script writes anyway are overwritten; only others are removed (rm is an exec).
        StringBuilder keep = new StringBuilder("/etc/ssh/ssh_host_ed25519_key|/etc/ssh/ssh_host_ed25519_key.pub");
        for (GuestNic nic : c.nics()) {
            keep.append("|/etc/systemd/network/20-").append(nic.name()).append(".network");
        }
        s.append("    ").append(keep).append(") ;;\n");
        s.append("""
                    *) stale="$stale $f" ;;
                  esac
                done
                [ -z "$stale" ] || rm -f $stale
                """);
        Warm w = c.warm();
        // network-online.target waits for the NICs of the networks under test that the platform gives an
        // address; the control NIC counts only on a node that has no such NIC (it is configured at once, so it
        // never holds the target back), and NICs without platform addresses never do.
        boolean testNicOnline = c.nics().stream().anyMatch(n -> !n.name().equals(CONTROL_NIC) && n.addressCidr() != null);
        for (int i = 0; i < c.nics().size(); i++) {
            GuestNic nic = c.nics().get(i);
            boolean requiredForOnline = nic.addressCidr() != null && (!nic.name().equals(CONTROL_NIC) || !testNicOnline);
            s.append("name_nic ").append(nic.mac()).append(' ').append(nic.name());
            if (w != null) {
                s.append(' ').append(w.templateMacs().get(i));
            }
            s.append('\n');
            s.append(file("/etc/systemd/network/20-" + nic.name() + ".network", networkUnit(nic, requiredForOnline)));
        }
        if (w != null) {
            // A restored copy: addresses and routes now (a cold boot's antrieb-init does this after the payload).
            s.append("if [ \"${ANTRIEB_WARM:-}\" = 1 ]; then\n  batch=\"${batch}");
            for (GuestNic nic : c.nics()) {
                if (nic.addressCidr() != null) {
                    s.append("address replace ").append(nic.addressCidr()).append(" dev ").append(nic.name()).append('\n');
                }
                s.append("link set dev ").append(nic.name()).append(" up\n");
                if (nic.addressCidr() != null && nic.gateway() != null) {
                    s.append("route replace default via ").append(nic.gateway()).append(" dev ").append(nic.name())
                            .append(" proto static\n");
                }
            }
            s.append("\"\nfi\n");
        }
        s.append("printf '%s' \"$batch\" | ip -force -batch -\n");
        String dns = c.nics().stream().map(GuestNic::dns).filter(d -> d != null).findFirst().orElse(null);
        // Where systemd-resolved owns /etc/resolv.conf (a link into /run), the .network file's DNS= reaches it.
        s.append("[ -L /etc/resolv.conf ] || ").append(file("/etc/resolv.conf", dns == null ? "" : "nameserver " + dns + "\n"));
        s.append("echo ").append(c.hostname()).append(" >/etc/hostname\n");
        s.append("echo ").append(c.hostname()).append(" >/proc/sys/kernel/hostname\n");
        s.append(file("/etc/hosts", c.hostsFile()));
        s.append("[ -d /root/.ssh ] || mkdir -p -m 700 /root/.ssh\n");
        // Secret files are created 0600 by the umask (no chmod exec); existing ones keep their mode.
        s.append("umask 077\n");
        s.append(file("/root/.ssh/authorized_keys", c.clusterKey().publicLine() + "\n"));
        s.append(file("/root/.ssh/id_ed25519", c.clusterKey().privateOpenSsh()));
        s.append(file("/etc/ssh/ssh_host_ed25519_key", c.hostKey().privateOpenSsh()));
        s.append("umask 022\n");
        s.append(file("/root/.ssh/id_ed25519.pub", c.clusterKey().publicLine() + "\n"));
        s.append(file("/etc/ssh/ssh_host_ed25519_key.pub", c.hostKey().publicLine() + "\n"));
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
        if (w != null) {
            // The template's clock, machine id and RNG state are the same in every copy: replace them.
            s.append("if [ \"${ANTRIEB_WARM:-}\" = 1 ]; then\n");
            // The clock runs on from the template's save; QEMU's RTC follows the host's (whole seconds, +0.5 s).
            s.append("  t=").append(w.epochSeconds()).append("; [ -r /sys/class/rtc/rtc0/since_epoch ] && read -r t </sys/class/rtc/rtc0/since_epoch\n");
            s.append("  date -s \"@$t.5\" >/dev/null || say 'cannot set the clock'\n");
            s.append("  printf '%s\\n' ").append(w.machineId()).append(" >/etc/machine-id || say 'cannot write /etc/machine-id'\n");
            // RNDRESEEDCRNG (0x5207) after mixing in the seed: the CRNG would otherwise keep the template's key for up to a minute.
            s.append("  perl -e 'open(my $f, \">\", \"/dev/urandom\") or die $!; syswrite($f, pack(\"H*\", $ARGV[0])); "
                    + "ioctl($f, 0x5207, 0) or die \"reseed: $!\"' ").append(HexFormat.of().formatHex(w.seed()))
                    .append(" || say 'cannot reseed the RNG'\n");
            // Run by ssh.service's ExecStartPost (once sshd listens): networkd, and the deadline. A restored domain
            // cannot be tied to the client's libvirt connection like a booted one (AUTODESTROY), so the guest
            // powers itself off at the cluster's deadline (on_poweroff=destroy), also when no client is left.
            s.append(file("/run/antrieb/after-ssh", """
                    systemctl start --no-block $(cat /run/antrieb/networkd-units 2>/dev/null) systemd-networkd.service
                    systemctl start --no-block systemd-networkd-wait-online.service network-online.target
                    systemctl restart --no-block systemd-journald.service
                    left=$((%d - $(date +%%s))); [ "$left" -gt 0 ] || left=1
                    systemd-run --quiet --unit=antrieb-deadline --on-active="${left}s" systemctl poweroff --force --force
                    """.formatted(w.deadlineEpochSeconds())));
            s.append("fi\n");
        }
        if (c.growRootFs()) {
            s.append("[ \"${ANTRIEB_WARM:-}\" = 1 ] || (resize2fs /dev/vda >/dev/null 2>&1 || say 'resize2fs failed') &\n");
        }
        s.append("say \"configured ").append(c.hostname()).append("\"\n");
        return s.toString();
    }

    private static String networkUnit(GuestNic nic, boolean requiredForOnline) {
        StringBuilder u = new StringBuilder();
        u.append("[Match]\nName=").append(nic.name()).append("\n\n");
        if (!requiredForOnline) {
            u.append("[Link]\nRequiredForOnline=no\n\n");
        }
        u.append("[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n");
        if (nic.addressCidr() != null) {
            u.append("Address=").append(nic.addressCidr()).append('\n');
        }
        if (nic.gateway() != null) {
            u.append("Gateway=").append(nic.gateway()).append('\n');
        }
        if (nic.dns() != null) {
            u.append("DNS=").append(nic.dns()).append('\n');
        }
        return u.toString();
    }

    /** Writes a file with the shell's builtin printf (no exec of cat); the content single-quoted. */
    private static String file(String path, String content) {
        String body = content.isEmpty() || content.endsWith("\n") ? content : content + "\n";
        return "printf '%s' '" + body.replace("'", "'\\''") + "' >" + path + "\n";
    }
}
