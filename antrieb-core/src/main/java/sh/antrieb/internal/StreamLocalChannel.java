package sh.antrieb.internal;

import java.io.IOException;

import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A client channel to a Unix socket on the server ({@code direct-streamlocal@openssh.com}, OpenSSH's
 * PROTOCOL section 2.4), which MINA SSHD's client does not offer itself. OpenSSH's sshd serves it in the
 * connection's own process: no fork, no PAM session, no shell, unlike an exec channel. Streams as a
 * direct-tcpip channel: {@code setOut} before {@code open}, then {@code getInvertedIn}.
 */
final class StreamLocalChannel extends AsyncCapableClientChannel {
    private final String socketPath;

    private StreamLocalChannel(String socketPath) {
        super("direct-streamlocal@openssh.com", false);
        this.socketPath = socketPath;
    }

    /** A new channel on {@code session} to the server's socket {@code socketPath}, registered but not yet open. */
    static StreamLocalChannel create(ClientSession session, String socketPath) throws IOException {
        StreamLocalChannel c = new StreamLocalChannel(socketPath);
        ConnectionService service = session.getService(ConnectionService.class);
        if (service == null) {
            throw new SshException("the session has no connection service yet");
        }
        service.registerChannel(c);
        return c;
    }

    @Override
    public synchronized OpenFuture open() throws IOException {
        if (closeFuture.isClosed()) {
            throw new SshException("Session has been closed");
        }
        openFuture = new DefaultOpenFuture(socketPath, futureLock);
        LocalWindow window = getLocalWindow();
        String type = getChannelType();
        Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, type.length() + socketPath.length() + 64);
        b.putString(type);
        b.putUInt(getChannelId());
        b.putUInt(window.getSize());
        b.putUInt(window.getPacketSize());
        b.putString(socketPath);
        b.putString(""); // reserved
        b.putUInt(0);    // reserved
        writePacket(b);
        return openFuture;
    }
}
