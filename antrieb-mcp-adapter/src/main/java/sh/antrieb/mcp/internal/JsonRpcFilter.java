package sh.antrieb.mcp.internal;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Behind {@link HttpSecurityFilter}: reads each POST body once, answers one that {@link JsonRpcEnvelope}
 * refuses with its JSON-RPC error (HTTP 400; 413 past the size limit), and hands the SDK's transport the
 * same bytes otherwise. The body's text is never logged (it may hold secrets).
 */
public final class JsonRpcFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcFilter.class);

    private final McpJsonMapper mapper;
    private final int maxBodyBytes;

    /** A filter checking bodies of at most {@code maxBodyBytes} bytes with the SDK's {@code mapper}. */
    public JsonRpcFilter(McpJsonMapper mapper, int maxBodyBytes) {
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        if (!"POST".equals(req.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = read(req.getInputStream(), maxBodyBytes + 1L);
        if (body.length > maxBodyBytes) {
            answer(res, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, new JsonRpcEnvelope.Problem(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "invalid request: the body is larger than " + (maxBodyBytes >> 20) + " MiB; send large files through the catalog, not in one message"));
            return;
        }
        Charset charset = charset(req);
        Optional<JsonRpcEnvelope.Problem> problem = JsonRpcEnvelope.check(body, charset, mapper);
        if (problem.isPresent()) {
            log.info("refused a malformed JSON-RPC message ({} bytes) from {}: error {}", body.length, req.getRemoteAddr(), problem.get().code());
            answer(res, problem.get().httpStatus(), problem.get());
            return;
        }
        chain.doFilter(new Replayed(req, body, charset), response);
    }

    private static Charset charset(HttpServletRequest req) {
        try {
            return req.getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(req.getCharacterEncoding());
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static byte[] read(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while (out.size() < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - out.size()))) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static void answer(HttpServletResponse res, int status, JsonRpcEnvelope.Problem problem) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.getWriter().write(problem.toJson());
    }

    /** The request with its body read already: served again from memory. */
    private static final class Replayed extends HttpServletRequestWrapper {
        private final byte[] body;
        private final Charset charset;

        Replayed(HttpServletRequest request, byte[] body, Charset charset) {
            super(request);
            this.body = body;
            this.charset = charset;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already; no asynchronous reads");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }
    }
}
