package sh.antrieb.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.HostNotReadyException;

/**
 * The way to the guests of a libvirt host reached over SSH ({@code qemu+ssh://user@host[:port]/system}): one
 * SSH session to the host, shared by every guest connection of every cluster there; each guest connection is a
 * port forward through it. The host's key is checked against the same {@code known_hosts} file libvirt's own
 * SSH connection uses (the URI's {@code known_hosts} parameter, else {@code ~/.ssh/known_hosts}); an unknown or
 * changed key is refused. The identity is the URI's {@code keyfile}, else the user's default keys.
 *
 * <p>A session that ends (the host restarted sshd, the network dropped) is opened again on the next use; a host
 * that stops answering is noticed by keepalives within {@link #DEAD_AFTER}, and its guest connections end then.
 */
public final class HostJump implements HostLink {
    private static final Logger log = LoggerFactory.getLogger(HostJump.class);
    /** Keepalive period of the host session. */
    static final Duration KEEPALIVE = Duration.ofSeconds(5);
    /** Keepalives unanswered before the host session counts as dead. */
    static final int KEEPALIVES_MISSED = 3;
    /** How long a host that stops answering keeps its session: {@link #KEEPALIVE} times {@link #KEEPALIVES_MISSED}. */
    public static final Duration DEAD_AFTER = KEEPALIVE.multipliedBy(KEEPALIVES_MISSED);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final String user;
    private final String hostname;
    private final int port;
    private final List<Path> identityFiles;
    private final Path knownHosts;
    private final SshClient client;
    private ClientSession session;
    private boolean closed;

    HostJump(String user, String hostname, int port, List<Path> identityFiles, Path knownHosts) {
        this.user = user;
        this.hostname = hostname;
        this.port = port;
        this.identityFiles = List.copyOf(identityFiles);
        this.knownHosts = knownHosts;
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts) {
            @Override
            public boolean acceptModifiedServerKey(ClientSession s, java.net.SocketAddress remote,
                                                   org.apache.sshd.client.config.hosts.KnownHostEntry entry,
                                                   java.security.PublicKey expected, java.security.PublicKey actual) {
                log.warn("refusing the host key of {}: it differs from the one {} holds for it", target(), knownHosts);
                return false;
            }
        });
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVES_MISSED);
        // Guest sessions inside it carry their own keepalives and idle rules.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ofHours(2));
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    /**
     * The way to the host at {@code uri}: {@link HostLink#LOCAL} for this machine's libvirt, a {@code HostJump}
     * for {@code qemu+ssh} URIs.
     *
     * @throws HostNotReadyException for a remote host reached otherwise (its guests could not be reached), or an
     *         SSH URI asking not to check the host's key
     */
    public static HostLink forUri(URI uri) {
        String host = uri.getHost();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (host == null || host.isEmpty()) {
            return HostLink.LOCAL;
        }
        if (!scheme.endsWith("+ssh")) {
            if (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1")) {
                return HostLink.LOCAL;
            }
            throw new HostNotReadyException("libvirt URI " + uri + ": Antrieb reaches the guests of a remote host"
                    + " through SSH to that host, so a remote host is given as qemu+ssh://USER@" + host + "/system");
        }
        Map<String, String> query = query(uri);
        if ("1".equals(query.get("no_verify"))) {
            throw new HostNotReadyException("libvirt URI " + uri + ": no_verify=1 is not supported, Antrieb always checks"
                    + " the host's key; add it to known_hosts instead (ssh-keyscan -p PORT HOST >> ~/.ssh/known_hosts)");
        }
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> keys = new ArrayList<>();
        if (query.containsKey("keyfile")) {
            keys.add(Path.of(query.get("keyfile")));
        } else {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                Path p = home.resolve(".ssh").resolve(name);
                if (Files.isReadable(p)) {
                    keys.add(p);
                }
            }
        }
        Path knownHosts = query.containsKey("known_hosts") ? Path.of(query.get("known_hosts")) : home.resolve(".ssh/known_hosts");
        String user = uri.getUserInfo() != null && !uri.getUserInfo().isEmpty() ? uri.getUserInfo() : System.getProperty("user.name");
        return new HostJump(user, host, uri.getPort() > 0 ? uri.getPort() : 22, keys, knownHosts);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@code user@host:port}, for messages. */
    public String target() {
        return user + "@" + hostname + ":" + port;
    }

    @Override
    public Hop open(String address, int port) throws IOException {
        ClientSession s = session();
        ExplicitPortForwardingTracker tracker;
        try {
            tracker = s.createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(address, port));
        } catch (IOException e) {
            throw new IOException("no forward to " + address + ":" + port + " through " + target() + ": " + e.getMessage(), e);
        }
        return new Hop(tracker.getBoundAddress().toInetSocketAddress(), () -> {
            try {
                tracker.close();
            } catch (IOException e) {
                log.debug("closing the forward to {}:{} through {}: {}", address, port, target(), e.toString());
            }
        });
    }

    @Override
    public Result run(List<String> argv, String stdin, Duration timeout) throws IOException {
        String command = argv.stream().map(HostShell::quote).collect(Collectors.joining(" "));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChannelExec channel = session().createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(out);
            channel.setIn(new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)));
            channel.open().verify(timeout);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(command + " on " + target() + " did not end within " + timeout.toSeconds() + " s");
            }
            Integer exit = channel.getExitStatus();
            if (exit == null) {
                throw new IOException(command + " on " + target() + " ended without an exit status (the session to the host dropped?)");
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8));
        }
    }

    @Override
    public String where() {
        return target();
    }

    /** Whether the session to the host is open now (it opens on first use). */
    public synchronized boolean isOpen() {
        return session != null && session.isOpen();
    }

    /** The session to the host, opened (again) if it is not open. */
    public synchronized ClientSession session() throws IOException {
        if (closed) {
            throw new IOException("the SSH session to " + target() + " is closed");
        }
        if (session != null && session.isOpen()) {
            return session;
        }
        if (session != null) {
            log.warn("SSH session to libvirt host {} ended: opening it again", target());
        }
        session = connect();
        return session;
    }

    private ClientSession connect() throws IOException {
        List<KeyPair> identities = identities();
        ConnectFuture connecting = client.connect(user, hostname, port);
        if (!connecting.await(CONNECT_TIMEOUT)) {
            connecting.cancel();
            throw new IOException("libvirt host " + target() + " does not answer SSH within " + CONNECT_TIMEOUT.toSeconds() + " s");
        }
        ClientSession s = connecting.verify().getSession();
        boolean ok = false;
        try {
            identities.forEach(s::addPublicKeyIdentity);
            s.auth().verify(CONNECT_TIMEOUT);
            ok = true;
            log.info("SSH session to libvirt host {} open: its guests are reached through it", target());
            return s;
        } catch (IOException e) {
            throw new IOException("SSH to libvirt host " + target() + " failed: " + e.getMessage()
                    + " (the host's key must be in " + knownHosts + ", e.g. ssh-keyscan -p " + port + " " + hostname
                    + " >> " + knownHosts + ", and one of " + identityFiles + " authorized for " + user + " there)", e);
        } finally {
            if (!ok) {
                s.close(true);
            }
        }
    }

    private List<KeyPair> identities() throws IOException {
        if (identityFiles.isEmpty()) {
            throw new IOException("no SSH key for libvirt host " + target() + ": give one as the URI's keyfile parameter"
                    + " or create ~/.ssh/id_ed25519");
        }
        List<KeyPair> out = new ArrayList<>();
        try {
            new FileKeyPairProvider(identityFiles).loadKeys(null).forEach(out::add);
        } catch (RuntimeException e) {
            throw new IOException("cannot read the SSH key " + identityFiles + " for libvirt host " + target()
                    + " (a key with a passphrase is not supported): " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.close(true);
        }
        client.stop();
    }

    @Override
    public String toString() {
        return "ssh " + target();
    }
}
