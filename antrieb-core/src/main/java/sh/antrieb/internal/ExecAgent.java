package sh.antrieb.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest side of exec: one long-lived SSH exec channel per node running a small python3 agent
 * ({@code exec-agent.py}) that starts each command in its own bash and frames back its stdout, stderr
 * and exit status. A command then costs a few frames on an open channel instead of a new SSH channel
 * (and sshd's fork, set-up and bash start-up in the guest, slow under emulation).
 *
 * <p>The guest's CPU is the scarce one (emulated), so the work per command happens here: the node's own
 * variables go to the agent once, at start, into the environment of every bash it starts, and each
 * request is bash source written here (exports of what differs from those, then the command) that the
 * agent hands to a waiting bash without reading it.
 */
final class ExecAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecAgent.class);
    private static final byte[] MAGIC = "\0ANTRIEB-AGENT-1\0".getBytes(StandardCharsets.US_ASCII);
    /** The agent's source (exec-agent.py). */
    static final String SOURCE = loadSource();
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** How a command ended: exit code (-1 if none), bytes the agent cut per stream, the killing signal or "". */
    record Exit(int code, long droppedOut, long droppedErr, String signal) {
    }

    /** A submitted command. */
    record Pending(int id, BoundedOutput out, BoundedOutput err, CompletableFuture<Exit> done) {
    }

    private final String node;
    private final ClientSession session;
    private final AbstractClientChannel channel;
    private final OutputStream toAgent;
    private final long outputLimit;
    /** The variables every bash the agent starts has already (the B frame). */
    private final Map<String, String> base;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final CompletableFuture<Void> hello = new CompletableFuture<>();
    private volatile boolean open = true;

    private ExecAgent(String node, ClientSession session, long outputLimit, Map<String, String> baseEnv, String socketPath)
            throws IOException {
        this.node = node;
        this.session = session;
        this.outputLimit = outputLimit;
        Map<String, String> b = new LinkedHashMap<>();
        baseEnv.forEach((k, v) -> {
            if (NAME.matcher(k).matches() && v.indexOf('\0') < 0) {
                b.put(k, v);
            }
        });
        this.base = Collections.unmodifiableMap(b);
        if (socketPath == null) {
            String cmd = "exec python3 -S -I -c '" + SOURCE.replace("'", "'\\''") + "' " + outputLimit;
            channel = session.createExecChannel(cmd);
        } else {
            channel = StreamLocalChannel.create(session, socketPath);
        }
        channel.setOut(new FrameReader());
        if (socketPath == null) { // a socket has no error stream: the listener logs to the guest's journal
            channel.setErr(new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    if (b == '\n') {
                        log.warn("{} exec agent: {}", node, line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else if (line.size() < 4096) {
                        line.write(b);
                    }
                }
            });
        }
        channel.addCloseFutureListener(f -> broken(new IOException("the exec agent's channel to " + node + " closed")));
        try {
            channel.open().verify(Duration.ofSeconds(60)); // as NodeChannel.CHANNEL_OPEN_TIMEOUT: a PAM session may be slow under emulation
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw e;
        }
        toAgent = channel.getInvertedIn();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        if (socketPath == null) {
            writeEnv(payload, base);
        } else {
            // The listener's agent is no child of this session: it gets the session's own variables from here.
            send('L', 0, ByteBuffer.allocate(8).putLong(outputLimit).array());
            Map<String, String> withSession = new LinkedHashMap<>(base);
            withSession.putAll(sessionVariables(session));
            writeEnv(payload, withSession);
        }
        send('B', 0, payload.toByteArray());
    }

    /** SSH_CLIENT and SSH_CONNECTION as sshd sets them for a channel of {@code session}. */
    static Map<String, String> sessionVariables(ClientSession session) {
        Map<String, String> vars = new LinkedHashMap<>();
        if (session.getIoSession().getLocalAddress() instanceof InetSocketAddress local
                && session.getIoSession().getRemoteAddress() instanceof InetSocketAddress remote) {
            String client = local.getAddress().getHostAddress() + " " + local.getPort();
            vars.put("SSH_CLIENT", client + " " + remote.getPort());
            vars.put("SSH_CONNECTION", client + " " + remote.getAddress().getHostAddress() + " " + remote.getPort());
        }
        return vars;
    }

    /**
     * Starts the agent on {@code session} and waits until it says hello. {@code baseEnv}: variables (the
     * node's) that most commands get with the same values; each bash the agent starts has them already.
     */
    static ExecAgent start(String node, ClientSession session, long outputLimit, Map<String, String> baseEnv, Duration timeout)
            throws IOException {
        return await(new ExecAgent(node, session, outputLimit, baseEnv, null), node, timeout);
    }

    /**
     * Connects to the agent listening on the guest's Unix socket {@code socketPath} (a warm-start copy's,
     * started in its template) over {@code session} and waits until it says hello; fails at once when nothing
     * listens there.
     */
    static ExecAgent attach(String node, ClientSession session, String socketPath, long outputLimit, Map<String, String> baseEnv,
                            Duration timeout) throws IOException {
        return await(new ExecAgent(node, session, outputLimit, baseEnv, socketPath), node, timeout);
    }

    private static ExecAgent await(ExecAgent a, String node, Duration timeout) throws IOException {
        try {
            a.hello.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return a;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            a.close();
            throw new IOException("interrupted while starting the exec agent on " + node);
        } catch (ExecutionException | TimeoutException e) {
            a.close();
            throw new IOException("exec agent on " + node + " did not start: " + e, e);
        }
    }

    /** The SSH session this agent runs in. */
    ClientSession session() {
        return session;
    }

    boolean isOpen() {
        return open && channel.isOpen() && !session.isClosing();
    }

    /** Sends a command to the agent; the result comes through {@link Pending#done()}. */
    Pending submit(String command, Map<String, String> env) throws IOException {
        int id = ids.incrementAndGet();
        Pending p = new Pending(id, new BoundedOutput(outputLimit), new BoundedOutput(outputLimit), new CompletableFuture<>());
        pending.put(id, p);
        try {
            send('R', id, request(command, env, base));
        } catch (IOException e) {
            pending.remove(id);
            throw e;
        }
        if (!open) {
            p.done().completeExceptionally(new IOException("the exec agent on " + node + " is gone"));
        }
        return p;
    }

    /** Kills the command's process group; its exit follows through {@link Pending#done()}. */
    void kill(int id) throws IOException {
        send('K', id, new byte[0]);
    }

    /**
     * The bash source a waiting bash runs for a command: exports of {@code env} where it differs from {@code base},
     * unsets of what {@code base} has and {@code env} has not, then the command in {@code __antrieb_c}. Names bash
     * cannot hold are left out.
     */
    static byte[] request(String command, Map<String, String> env, Map<String, String> base) {
        StringBuilder sb = new StringBuilder(64 + command.length());
        for (Map.Entry<String, String> e : env.entrySet()) {
            String k = e.getKey();
            if (!e.getValue().equals(base.get(k)) && NAME.matcher(k).matches()) {
                sb.append("export ").append(k).append('=');
                quote(sb, e.getValue()).append('\n');
            }
        }
        for (String k : base.keySet()) {
            if (!env.containsKey(k)) {
                sb.append("unset -v ").append(k).append('\n');
            }
        }
        sb.append("__antrieb_c=");
        quote(sb, command).append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                sb.append("'\\''");
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'');
    }

    private static void writeEnv(ByteArrayOutputStream out, Map<String, String> env) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(env.size()).array());
        for (Map.Entry<String, String> e : env.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }

    private void send(char type, int id, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(9).put((byte) type).putInt(id).putInt(payload.length);
        synchronized (toAgent) {
            toAgent.write(header.array());
            toAgent.write(payload);
            toAgent.flush();
        }
    }

    private void broken(IOException cause) {
        open = false;
        hello.completeExceptionally(cause);
        for (Pending p : pending.values()) {
            p.done().completeExceptionally(cause);
        }
        pending.clear();
    }

    private void onFrame(char type, int id, byte[] payload) {
        switch (type) {
            case 'H' -> hello.complete(null);
            case 'O', 'E' -> {
                Pending p = pending.get(id);
                if (p != null) {
                    (type == 'O' ? p.out() : p.err()).write(payload, 0, payload.length);
                }
            }
            case 'X' -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    ByteBuffer b = ByteBuffer.wrap(payload);
                    int code = b.getInt();
                    long dOut = b.getLong();
                    long dErr = b.getLong();
                    String signal = new String(payload, b.position(), b.remaining(), StandardCharsets.US_ASCII);
                    p.out().addDropped(dOut);
                    p.err().addDropped(dErr);
                    p.done().complete(new Exit(code, dOut, dErr, signal));
                }
            }
            default -> log.warn("{} exec agent: unknown frame type {}", node, (int) type);
        }
    }

    /** Parses the agent's stdout: anything before the magic (a chatty ~/.bashrc), then frames. */
    private final class FrameReader extends OutputStream {
        private int magicAt;
        private final byte[] header = new byte[9];
        private int headerAt;
        private byte[] payload;
        private int payloadAt;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int end = off + len;
            int i = off;
            while (i < end) {
                if (magicAt < MAGIC.length) {
                    byte x = b[i++];
                    magicAt = x == MAGIC[magicAt] ? magicAt + 1 : (x == MAGIC[0] ? 1 : 0);
                } else if (payload == null) {
                    header[headerAt++] = b[i++];
                    if (headerAt == header.length) {
                        int n = ByteBuffer.wrap(header, 5, 4).getInt();
                        payload = new byte[n];
                        payloadAt = 0;
                        if (n == 0) {
                            frameDone();
                        }
                    }
                } else {
                    int n = Math.min(end - i, payload.length - payloadAt);
                    System.arraycopy(b, i, payload, payloadAt, n);
                    payloadAt += n;
                    i += n;
                    if (payloadAt == payload.length) {
                        frameDone();
                    }
                }
            }
        }

        private void frameDone() {
            char type = (char) header[0];
            int id = ByteBuffer.wrap(header, 1, 4).getInt();
            byte[] p = payload;
            payload = null;
            headerAt = 0;
            onFrame(type, id, p);
        }
    }

    private static String loadSource() {
        try (InputStream in = ExecAgent.class.getResourceAsStream("/sh/antrieb/core/agent/exec-agent.py")) {
            if (in == null) {
                throw new IllegalStateException("exec-agent.py missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        open = false;
        channel.close(true);
        broken(new IOException("the exec agent on " + node + " was closed"));
    }
}
