package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestPayloadTest {
    private static final SshKeys CLUSTER = SshKeys.generate("root@antrieb-test");
    private static final SshKeys HOST = SshKeys.generate("node1");

    private GuestPayload.NodeConfig config() {
        return new GuestPayload.NodeConfig("node1", "127.0.0.1 localhost\n10.200.1.10 node1\n", CLUSTER, HOST,
                "node1,10.200.1.10 " + HOST.publicKeyOnly() + "\n",
                List.of(new GuestPayload.GuestNic("52:54:00:00:00:01", "mgmt0", "100.64.1.10/24", null, null),
                        new GuestPayload.GuestNic("52:54:00:00:00:02", "eth0", "10.200.1.10/24", "10.200.1.1", "10.200.1.1")),
                false);
    }

    @Test
    void keysAreOpenSshEncoded() {
        assertThat(CLUSTER.publicLine()).startsWith("ssh-ed25519 AAAA").endsWith(" root@antrieb-test");
        assertThat(CLUSTER.privateOpenSsh()).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(CLUSTER.publicKeyOnly().split(" ")).hasSize(2);
    }

    @Test
    void scriptWritesEveryPieceOfNodeIdentity() {
        String s = GuestPayload.script(config());
        assertThat(s).contains("name_nic 52:54:00:00:00:01 mgmt0", "name_nic 52:54:00:00:00:02 eth0")
                .contains("Address=10.200.1.10/24", "Gateway=10.200.1.1", "nameserver 10.200.1.1")
                .contains("echo node1 >/proc/sys/kernel/hostname", CLUSTER.publicLine(), HOST.privateOpenSsh().strip())
                .contains("AcceptEnv *")
                .doesNotContain("resize2fs");
        assertThat(s.indexOf("mgmt0")).isLessThan(s.indexOf(" eth0"));
    }

    @Test
    void networkOnlineWaitsForTheNetworksUnderTestNotTheControlNic() {
        String s = GuestPayload.script(config());
        String mgmt0 = networkFile(s, "mgmt0");
        assertThat(mgmt0).contains("RequiredForOnline=no");
        String eth0 = networkFile(s, "eth0");
        assertThat(eth0).doesNotContain("RequiredForOnline").contains("DNS=10.200.1.1");
        // systemd-resolved's /etc/resolv.conf (a link) is left to it; a plain file is written.
        assertThat(s).contains("[ -L /etc/resolv.conf ] || printf '%s' 'nameserver 10.200.1.1");

        // A node whose only NIC under test has no platform address: the control NIC is what online means.
        GuestPayload.NodeConfig dark = new GuestPayload.NodeConfig("node1", "", CLUSTER, HOST, "",
                List.of(new GuestPayload.GuestNic("52:54:00:00:00:01", "mgmt0", "100.64.1.10/24", null, null),
                        new GuestPayload.GuestNic("52:54:00:00:00:02", "eth0", null, null, null)), false);
        String d = GuestPayload.script(dark);
        assertThat(networkFile(d, "mgmt0")).doesNotContain("RequiredForOnline");
        assertThat(networkFile(d, "eth0")).contains("RequiredForOnline=no");
    }

    /** The .network file the script writes for {@code nic}. */
    private static String networkFile(String script, String nic) {
        int start = script.indexOf("[Match]\nName=" + nic + "\n");
        return script.substring(start, script.indexOf(" >/etc/systemd/network/20-" + nic + ".network", start));
    }

    @Test
    void base64DecodesToTheScript() {
        String decoded = new String(Base64.getDecoder().decode(GuestPayload.base64(config())), StandardCharsets.UTF_8);
        assertThat(decoded).isEqualTo(GuestPayload.script(config()));
    }

    @Test
    void scriptIsValidShell(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("payload.sh");
        Files.writeString(f, GuestPayload.script(config()));
        Process p = new ProcessBuilder("sh", "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private GuestPayload.NodeConfig warmConfig() {
        return config().warm(new GuestPayload.Warm(List.of("52:54:00:aa:00:01", "52:54:00:aa:00:02"), 1_795_000_000L,
                "0123456789abcdef0123456789abcdef", new byte[] {1, 2, 3, (byte) 0xff}, 1_795_000_600L));
    }

    @Test
    void firstLineIsAPerNodeNonce() {
        String s = GuestPayload.script(config());
        assertThat(s).startsWith("# antrieb payload " + GuestPayload.nonce(config()) + "\n");
        GuestPayload.NodeConfig other = new GuestPayload.NodeConfig("node1", "", CLUSTER, SshKeys.generate("node1"), "",
                config().nics(), false);
        assertThat(GuestPayload.nonce(other)).isNotEqualTo(GuestPayload.nonce(config()));
    }

    @Test
    void warmScriptTakesOverTheTemplatesNicsAndRenewsClockIdAndRandomness(@TempDir Path dir) throws Exception {
        String s = GuestPayload.script(warmConfig());
        assertThat(s).contains("name_nic 52:54:00:00:00:01 mgmt0 52:54:00:aa:00:01", "name_nic 52:54:00:00:00:02 eth0 52:54:00:aa:00:02")
                .contains("address replace 10.200.1.10/24 dev eth0", "route replace default via 10.200.1.1 dev eth0")
                .contains("/sys/class/rtc/rtc0/since_epoch", "t=1795000000", "0123456789abcdef0123456789abcdef >/etc/machine-id")
                .contains("0x5207", "010203ff")
                .contains("left=$((1795000600 - $(date +%s)))", "--unit=antrieb-deadline", "systemctl poweroff --force --force");
        // A cold boot of the same node (a reboot of a restored copy) skips the warm-only part.
        assertThat(s).contains("if [ \"${ANTRIEB_WARM:-}\" = 1 ]; then");
        assertThat(GuestPayload.script(config())).doesNotContain("ANTRIEB_WARM:-}\" = 1 ]; then", "52:54:00:aa");
        Path f = dir.resolve("warm.sh");
        Files.writeString(f, s);
        Process p = new ProcessBuilder("sh", "-n", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void paddedPayloadHasTheExactSizeAndDecodesToTheScriptAndAComment() {
        String padded = GuestPayload.base64Padded(warmConfig(), 32768);
        assertThat(padded).hasSize(32768);
        String decoded = new String(Base64.getDecoder().decode(padded), StandardCharsets.UTF_8);
        String script = GuestPayload.script(warmConfig());
        assertThat(decoded).startsWith(script);
        assertThat(decoded.substring(script.length())).matches("#\\.*\n");
        assertThat(GuestPayload.base64Padded(warmConfig(), 4096)).as("does not fit").isNull();
    }
}
