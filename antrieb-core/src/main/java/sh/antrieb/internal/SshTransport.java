package sh.antrieb.internal;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MINA SSHD client of one libvirt host's guests, reached by its {@link GuestRoute}. Host keys are pinned: each connection carries the host key
 * Antrieb generated for that node, and any other key is refused.
 */
public final class SshTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SshTransport.class);
    private static final AttributeKey<PublicKey> EXPECTED_HOST_KEY = new AttributeKey<>();

    private final SshClient client;
    private final GuestRoute route;

    /** A client that reaches guests directly: the JVM runs on their libvirt host. */
    public SshTransport() {
        this(GuestRoute.DIRECT);
    }

    /** A client that reaches guests by {@code route} (see {@link HostJump#forUri}). */
    public SshTransport(GuestRoute route) {
        this.route = route;
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, remote, key) -> {
            AttributeRepository context = session.getConnectionContext();
            PublicKey expected = context == null ? null : context.getAttribute(EXPECTED_HOST_KEY);
            boolean ok = expected != null && KeyUtils.compareKeys(expected, key);
            if (!ok) {
                log.warn("refusing host key {} of {}: Antrieb gave that node {}", KeyUtils.getFingerPrint(key), remote,
                        expected == null ? "no key" : KeyUtils.getFingerPrint(expected));
            }
            return ok;
        });
        // Commands may run for many minutes without output; the cluster TTL bounds them, not SSH.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ofHours(2));
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(client, Duration.ZERO);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(15));
        // Small request/response exchanges (an exec agent frame, then its answer): never hold a segment back
        // for the ACK of the one before (Nagle against the guest's delayed ACK).
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    /**
     * Opens an authenticated root session.
     *
     * @throws IOException when the node does not answer, or answers with another host key
     */
    public ClientSession connect(String host, int port, PublicKey hostKey, KeyPair identity, Duration timeout) throws IOException {
        return connect(host, port, hostKey, identity, timeout, timeout);
    }

    /**
     * Opens an authenticated root session, waiting at most {@code connectTimeout} for the TCP connection and
     * {@code authTimeout} for key exchange and authentication (slow in a guest under emulation). A connection
     * that completes after its timeout is closed.
     *
     * @throws IOException when the node does not answer, or answers with another host key
     */
    public ClientSession connect(String host, int port, PublicKey hostKey, KeyPair identity, Duration connectTimeout,
                                 Duration authTimeout) throws IOException {
        return connect(route, host, port, hostKey, identity, connectTimeout, authTimeout);
    }

    /**
     * Opens an authenticated root session to {@code host:port} as reached by {@code route} (directly, or through
     * the libvirt host's SSH session); what the route holds for it is released when the session closes.
     *
     * @throws IOException when the node or the way to it does not answer, or the node answers with another host key
     */
    public ClientSession connect(GuestRoute route, String host, int port, PublicKey hostKey, KeyPair identity,
                                 Duration connectTimeout, Duration authTimeout) throws IOException {
        GuestRoute.Hop hop = route.open(host, port);
        try {
            ClientSession session = connect(hop, host, port, hostKey, identity, connectTimeout, authTimeout);
            session.addCloseFutureListener(f -> hop.close());
            return session;
        } catch (IOException | RuntimeException e) {
            hop.close();
            throw e;
        }
    }

    private ClientSession connect(GuestRoute.Hop hop, String host, int port, PublicKey hostKey, KeyPair identity,
                                  Duration connectTimeout, Duration authTimeout) throws IOException {
        ConnectFuture connecting = client.connect("root", hop.address().getHostString(), hop.address().getPort(),
                AttributeRepository.ofKeyValuePair(EXPECTED_HOST_KEY, hostKey));
        if (!connecting.await(connectTimeout)) {
            connecting.addListener(f -> {
                if (f.isConnected()) {
                    f.getSession().close(true);
                }
            });
            connecting.cancel();
            throw new IOException("no connection to " + host + ":" + port + " within " + connectTimeout.toMillis() + " ms");
        }
        ClientSession session = connecting.verify().getSession();
        boolean ok = false;
        try {
            session.addPublicKeyIdentity(identity);
            session.auth().verify(authTimeout);
            ok = true;
            return session;
        } finally {
            if (!ok) {
                session.close(true);
            }
        }
    }

    /** How this client reaches guests. */
    public GuestRoute route() {
        return route;
    }

    @Override
    public void close() {
        client.stop();
        route.close();
    }
}
