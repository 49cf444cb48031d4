package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.StaticDecisionForwardingFilter;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sh.antrieb.HostNotReadyException;

/**
 * The way to a remote host's guests, against two real SSH servers in this JVM (MINA SSHD's server): one plays the
 * libvirt host (it allows port forwarding, as OpenSSH does by default), one a guest behind it.
 */
class HostJumpTest {
    @TempDir
    Path dir;

    private SshServer hostSshd;
    private SshServer guestSshd;
    private KeyPair userKey;
    private KeyPair hostKey;
    private KeyPair guestKey;
    private final List<SshdSocketAddress> forwards = new CopyOnWriteArrayList<>();
    private final AtomicInteger hostSessions = new AtomicInteger();

    @BeforeEach
    void servers() throws Exception {
        userKey = key();
        hostKey = key();
        guestKey = key();
        hostSshd = server(hostKey);
        hostSshd.setForwardingFilter(new StaticDecisionForwardingFilter(true) {
            @Override
            protected boolean checkAcceptance(String request, Session session, SshdSocketAddress target) {
                forwards.add(target);
                return true;
            }
        });
        hostSshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                hostSessions.incrementAndGet();
            }
        });
        hostSshd.start();
        guestSshd = server(guestKey);
        guestSshd.setCommandFactory((channel, command) -> new Answer("guest ran: " + command));
        guestSshd.start();
    }

    @AfterEach
    void stop() throws IOException {
        hostSshd.stop(true);
        guestSshd.stop(true);
    }

    @Test
    void guestsAreReachedThroughOneSessionToTheHost() throws Exception {
        try (SshTransport ssh = new SshTransport(HostJump.forUri(uri(knownHosts(hostKey))))) {
            assertThat(ssh.route()).isInstanceOf(HostJump.class);
            for (int i = 0; i < 3; i++) {
                try (ClientSession guest = guest(ssh)) {
                    assertThat(guest.executeRemoteCommand("hostname")).isEqualTo("guest ran: hostname");
                }
            }
            assertThat(forwards).hasSize(3).allSatisfy(t -> assertThat(t.getPort()).isEqualTo(guestSshd.getPort()));
            assertThat(hostSessions).as("one session to the host carries every guest connection").hasValue(1);
        }
    }

    @Test
    void theGuestsHostKeyIsStillPinnedThroughTheHost() throws Exception {
        try (SshTransport ssh = new SshTransport(HostJump.forUri(uri(knownHosts(hostKey))))) {
            assertThatThrownBy(() -> ssh.connect("127.0.0.1", guestSshd.getPort(), key().getPublic(), userKey,
                    Duration.ofSeconds(10), Duration.ofSeconds(10))).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aHostWhoseKeyIsNotInKnownHostsIsRefusedWithTheFix() throws Exception {
        Path knownHosts = knownHosts(key());
        try (GuestRoute route = HostJump.forUri(uri(knownHosts))) {
            assertThatThrownBy(() -> route.open("127.0.0.1", guestSshd.getPort()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("tester@127.0.0.1:" + hostSshd.getPort())
                    .hasMessageContaining(knownHosts.toString())
                    .hasMessageContaining("ssh-keyscan -p " + hostSshd.getPort() + " 127.0.0.1");
        }
        assertThat(forwards).isEmpty();
    }

    @Test
    void aSessionTheHostEndedIsOpenedAgainOnNextUse() throws Exception {
        try (SshTransport ssh = new SshTransport(HostJump.forUri(uri(knownHosts(hostKey))))) {
            try (ClientSession guest = guest(ssh)) {
                assertThat(guest.executeRemoteCommand("one")).isEqualTo("guest ran: one");
            }
            hostSshd.getActiveSessions().forEach(s -> s.close(true));
            waitUntil(() -> !((HostJump) ssh.route()).isOpen());
            try (ClientSession guest = guest(ssh)) {
                assertThat(guest.executeRemoteCommand("two")).isEqualTo("guest ran: two");
            }
            assertThat(hostSessions).hasValue(2);
        }
    }

    @Test
    void aHostThatDoesNotAnswerFailsTheConnectionNotHangs() throws Exception {
        URI uri = uri(knownHosts(hostKey));
        hostSshd.stop(true);
        try (GuestRoute route = HostJump.forUri(uri)) {
            assertThatThrownBy(() -> route.open("127.0.0.1", 22)).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void hostCommandsRunOverTheSameSessionWithTheirArgumentsIntact() throws Exception {
        // The host runs what it is sent through a POSIX shell, as OpenSSH's sshd does.
        hostSshd.setCommandFactory((channel, command) -> new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel));
        Path odd = Files.writeString(dir.resolve("a file's name; rm -rf x"), "");
        try (HostJump jump = (HostJump) HostJump.forUri(uri(knownHosts(hostKey)))) {
            HostShell.Result r = jump.run(List.of("sh", "-c", "cat; echo \"$1\" >&2; ls \"$2\"; exit 3", "sh", "two  words", odd.toString()),
                    "from stdin\n", Duration.ofSeconds(20));
            assertThat(r.exit()).isEqualTo(3);
            assertThat(r.output()).contains("from stdin", "two  words", odd.toString());
            HostShell.Result missing = jump.run(List.of("no-such-tool-here"), null, Duration.ofSeconds(20));
            assertThat(missing.exit()).isEqualTo(127);
            // one session for commands and guest connections alike
            jump.open("127.0.0.1", guestSshd.getPort()).close();
            assertThat(hostSessions).hasValue(1);
        }
    }

    @Test
    void localCommandsRunHere() throws Exception {
        HostShell.Result r = HostLink.LOCAL.run(List.of("sh", "-c", "cat; exit 4"), "x y", Duration.ofSeconds(20));
        assertThat(r).isEqualTo(new HostShell.Result(4, "x y"));
        assertThatThrownBy(() -> HostLink.LOCAL.run(List.of("no-such-tool-here"), null, Duration.ofSeconds(20)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void routesFollowTheUri() {
        assertThat(HostJump.forUri(URI.create("qemu:///system"))).isSameAs(HostLink.LOCAL);
        assertThat(HostJump.forUri(URI.create("qemu+tcp://localhost/system"))).isSameAs(HostLink.LOCAL);
        assertThatThrownBy(() -> HostJump.forUri(URI.create("qemu+tcp://kvm1.example/system")))
                .isInstanceOf(HostNotReadyException.class).hasMessageContaining("qemu+ssh://USER@kvm1.example/system");
        assertThatThrownBy(() -> HostJump.forUri(URI.create("qemu+ssh://root@kvm1.example/system?no_verify=1")))
                .isInstanceOf(HostNotReadyException.class).hasMessageContaining("known_hosts");
        try (GuestRoute r = HostJump.forUri(URI.create("qemu+ssh://root@kvm1.example:2222/system?keyfile=/k"))) {
            assertThat(((HostJump) r).target()).isEqualTo("root@kvm1.example:2222");
        }
        try (GuestRoute r = HostJump.forUri(URI.create("qemu+ssh://kvm1.example/system"))) {
            assertThat(((HostJump) r).target()).isEqualTo(System.getProperty("user.name") + "@kvm1.example:22");
        }
    }

    private ClientSession guest(SshTransport ssh) throws IOException {
        return ssh.connect("127.0.0.1", guestSshd.getPort(), guestKey.getPublic(), userKey, Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    private URI uri(Path knownHosts) throws IOException {
        Path keyfile = dir.resolve("id_ecdsa");
        try (OutputStream out = Files.newOutputStream(keyfile)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "test", null, out);
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
        return URI.create("qemu+ssh://tester@127.0.0.1:" + hostSshd.getPort() + "/system?keyfile=" + keyfile
                + "&known_hosts=" + knownHosts);
    }

    private Path knownHosts(KeyPair key) throws IOException {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, "[127.0.0.1]:" + hostSshd.getPort() + " " + PublicKeyEntry.toString(key.getPublic()) + "\n");
        return file;
    }

    private SshServer server(KeyPair key) {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(key));
        sshd.setPublickeyAuthenticator((user, offered, session) -> KeyUtils.compareKeys(offered, userKey.getPublic()));
        return sshd;
    }

    private static KeyPair key() throws GeneralSecurityException {
        return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!check.ok() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** A command that prints one line and exits 0. */
    private static final class Answer implements Command {
        private final String text;
        private OutputStream out;
        private ExitCallback exit;

        Answer(String text) {
            this.text = text;
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            exit.onExit(0);
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }
}
