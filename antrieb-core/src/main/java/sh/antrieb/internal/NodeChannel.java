package sh.antrieb.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.ExecResult;

/**
 * The control connection to one node: an SSH session over the cluster's control network, opened
 * lazily and reopened after the guest reboots. Many commands may run over it at once.
 */
public final class NodeChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeChannel.class);
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String node;
    private final String address;
    private final PublicKey hostKey;
    private final KeyPair identity;
    private final SshTransport transport;
    private final long outputLimit;
    private ClientSession session;
    private boolean closed;

    public NodeChannel(String node, String address, PublicKey hostKey, KeyPair identity, SshTransport transport, long outputLimit) {
        this.node = node;
        this.address = address;
        this.hostKey = hostKey;
        this.identity = identity;
        this.transport = transport;
        this.outputLimit = outputLimit;
    }

    /** The node's control address. */
    public String address() {
        return address;
    }

    /** One attempt to connect, for readiness checks; true when an authenticated session is open. */
    public boolean tryConnect(Duration timeout) {
        try {
            session(timeout);
            return true;
        } catch (IOException e) {
            log.trace("{} not ready yet: {}", node, e.toString());
            return false;
        }
    }

    private synchronized ClientSession session(Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("control connection of " + node + " is closed");
        }
        if (session == null || session.isClosing() || session.isClosed()) {
            session = transport.connect(address, 22, hostKey, identity, timeout);
        }
        return session;
    }

    private synchronized void dropSession(ClientSession broken) {
        if (session == broken) {
            session = null;
        }
        broken.close(true);
    }

    /**
     * Runs a command. {@code env} goes into the command's environment through SSH env requests;
     * the result's command text is {@code displayCommand}.
     */
    public ExecResult exec(String command, Map<String, String> env, Duration timeout) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        ClientSession s;
        try {
            s = session(RECONNECT_TIMEOUT);
        } catch (IOException e) {
            return unreachable(command, started, t0, e);
        }
        String execId = UUID.randomUUID().toString().replace("-", "");
        Map<String, String> fullEnv = new LinkedHashMap<>(env);
        fullEnv.put("ANTRIEB_EXEC_ID", execId);
        // The shell's pid is its session id (sshd calls setsid), so a timeout can kill exactly this command's
        // process group, sparing what it started with `setsid`. Same line, so the user's line numbers hold.
        String wrapped = "echo $$ >/run/antrieb-exec-$ANTRIEB_EXEC_ID; trap 'rm -f /run/antrieb-exec-$ANTRIEB_EXEC_ID' EXIT; " + command;
        BoundedOutput out = new BoundedOutput(outputLimit);
        BoundedOutput err = new BoundedOutput(outputLimit);
        ChannelExec ch = null;
        try {
            ch = s.createExecChannel(wrapped, StandardCharsets.UTF_8, null, fullEnv);
            ch.setIn(new ByteArrayInputStream(new byte[0]));
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(RECONNECT_TIMEOUT);
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout.toMillis());
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                kill(s, execId);
                ch.close(true);
                return new ExecResult(node, command, -1, out.text(),
                        err.text() + "\n[antrieb: command timed out after " + timeout.toSeconds() + " s on " + node
                                + "; its processes were killed. Raise the timeout, or start long work in the background with `nohup setsid ... &`]\n",
                        started, elapsed(t0), true);
            }
            Integer status = ch.getExitStatus();
            if (status == null) {
                String signal = ch.getExitSignal();
                if (signal != null) {
                    return new ExecResult(node, command, 128 + signalNumber(signal), out.text(),
                            err.text() + "[antrieb: command killed by signal " + signal + "]\n", started, elapsed(t0), false);
                }
                dropSession(s);
                return new ExecResult(node, command, -1, out.text(), err.text()
                        + "[antrieb: connection to " + node + " was lost before the command finished (is it rebooting?)]\n",
                        started, elapsed(t0), false);
            }
            return new ExecResult(node, command, status, out.text(), err.text(), started, elapsed(t0), false);
        } catch (IOException e) {
            dropSession(s);
            return unreachable(command, started, t0, e);
        } finally {
            if (ch != null) {
                ch.close(false);
            }
        }
    }

    private void kill(ClientSession s, String execId) {
        String cmd = "f=/run/antrieb-exec-" + execId + "; [ -f $f ] && kill -KILL -- -$(cat $f); rm -f $f";
        try (ChannelExec k = s.createExecChannel(cmd)) {
            k.open().verify(RECONNECT_TIMEOUT);
            k.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), RECONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            log.warn("could not kill timed-out command on {}: {}", node, e.toString());
        }
    }

    private ExecResult unreachable(String command, Instant started, long t0, IOException e) {
        return new ExecResult(node, command, -1, "", "[antrieb: " + node + " is not reachable over its control connection ("
                + e.getMessage() + "); if it is rebooting, retry in a few seconds]\n", started, elapsed(t0), false);
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static int signalNumber(String signal) {
        return switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (session != null) {
            session.close(true);
            session = null;
        }
    }
}
