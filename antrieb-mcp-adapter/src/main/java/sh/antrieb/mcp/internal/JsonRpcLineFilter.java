package sh.antrieb.mcp.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * Stdin for the SDK's stdio transport, passing through only lines that are JSON-RPC messages. The SDK's
 * reader (2.1.0) stops reading for good at the first line it cannot parse, which would let one bad line
 * kill the server; here such a line is dropped with a warning (its text is not logged: it may hold secrets).
 * End of input is signalled through {@link #endOfInput()}.
 *
 * <p>The SDK's stdio session also holds every request after {@code initialize} until the client's
 * {@code notifications/initialized} arrives, so a client that skips it (existing Antrieb clients may) would
 * wait forever. When a request comes while no {@code initialized} has been seen, the filter passes that
 * notification on first, as the client should have.
 */
public final class JsonRpcLineFilter extends InputStream {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcLineFilter.class);

    private final InputStream in;
    private final McpJsonMapper mapper;
    private final int maxLineBytes;
    private final CountDownLatch eof = new CountDownLatch(1);
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
    private byte[] line = new byte[0];
    private int pos;
    private boolean initialized;

    /** Filters {@code in}; lines longer than {@code maxLineBytes} are dropped. */
    public JsonRpcLineFilter(InputStream in, McpJsonMapper mapper, int maxLineBytes) {
        this.in = new BufferedInputStream(in);
        this.mapper = mapper;
        this.maxLineBytes = maxLineBytes;
    }

    /** Counted down once the underlying input has ended. */
    public CountDownLatch endOfInput() {
        return eof;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        while (pos >= line.length) {
            if (!nextLine()) {
                eof.countDown();
                return -1;
            }
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    /** Reads lines until one is a JSON-RPC message; false at end of input. */
    private boolean nextLine() throws IOException {
        while (true) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            boolean tooLong = false;
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (buf.size() < maxLineBytes) {
                    buf.write(c);
                } else {
                    tooLong = true;
                }
            }
            if (c == -1 && buf.size() == 0) {
                return false;
            }
            String text = buf.toString(StandardCharsets.UTF_8).strip();
            if (tooLong) {
                log.warn("dropped an input line longer than {} bytes", maxLineBytes);
            } else if (!text.isEmpty()) {
                try {
                    McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(mapper, text);
                    String prefix = "";
                    if (message instanceof McpSchema.JSONRPCRequest r) {
                        if (r.method().equals(McpSchema.METHOD_INITIALIZE)) {
                            initialized = false;
                        } else if (!initialized) {
                            prefix = INITIALIZED;
                            initialized = true;
                        }
                    } else if (message instanceof McpSchema.JSONRPCNotification n && n.method().equals(McpSchema.METHOD_NOTIFICATION_INITIALIZED)) {
                        initialized = true;
                    }
                    line = (prefix + text + "\n").getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                    return true;
                } catch (IOException | RuntimeException e) {
                    log.warn("dropped an input line that is not a JSON-RPC message ({} bytes): {}", text.length(),
                            e.getClass().getSimpleName());
                }
            }
            if (c == -1) {
                return false;
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
