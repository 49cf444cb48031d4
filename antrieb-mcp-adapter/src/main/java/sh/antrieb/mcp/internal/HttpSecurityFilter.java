package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.ApiKeyStore;

/**
 * In front of the MCP servlet, on every request (an MCP session id never stands in for a key):
 * <ol>
 *   <li>Origin and Host, checked by the same validator the SDK transport is given: 403 for an Origin that is
 *       present and not allowed, 421 for a Host that is not this server (DNS rebinding);</li>
 *   <li>{@code Authorization: Bearer ant_...}: 401 without a valid key; the account goes into a request
 *       attribute for the tools. Keys are never logged or echoed.</li>
 * </ol>
 * It also fills in what strict transports reject but existing clients omit: an {@code Accept} header
 * naming both {@code application/json} and {@code text/event-stream}, and a JSON {@code Content-Type}
 * (curl's {@code -d} sends a form type).
 */
public final class HttpSecurityFilter implements Filter {
    private static final Logger log = LoggerFactory.getLogger(HttpSecurityFilter.class);
    /** The request attribute holding the authenticated {@link Account}. */
    public static final String ACCOUNT_ATTRIBUTE = "sh.antrieb.mcp.account";

    private final ApiKeyStore keys;
    private final ServerHttpHeaderValidator originAndHost;

    /** A filter authenticating against {@code keys} after {@code originAndHost} accepted the request. */
    public HttpSecurityFilter(ApiKeyStore keys, ServerHttpHeaderValidator originAndHost) {
        this.keys = keys;
        this.originAndHost = originAndHost;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        try {
            originAndHost.validate(new ServletHeaders(req));
        } catch (ServerTransportSecurityException e) {
            boolean origin = e.getStatusCode() == HttpServletResponse.SC_FORBIDDEN;
            log.warn("refused {} {} from {}: {}", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), e.getMessage());
            deny(res, e.getStatusCode(), origin ? "forbidden_origin" : "invalid_host", origin
                    ? "Origin " + req.getHeader("Origin") + " is not allowed on this server (start it with --allowed-origin to allow it)"
                    : "Host " + req.getHeader("Host") + " is not this server (start it with --allowed-host to allow it)");
            return;
        }
        String key = bearer(req.getHeader("Authorization"));
        Optional<Account> account = key == null ? Optional.empty() : keys.authenticate(key);
        if (account.isEmpty()) {
            log.debug("401 for {} {} from {} ({})", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(),
                    key == null ? "no bearer key" : "unknown key");
            res.setHeader("WWW-Authenticate", "Bearer realm=\"antrieb\"");
            deny(res, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", key == null
                    ? "send an API key as 'Authorization: Bearer ant_...' (create one with: bin/antrieb-mcp key create --account NAME)"
                    : "the API key is not valid on this server");
            return;
        }
        req.setAttribute(ACCOUNT_ATTRIBUTE, account.get());
        chain.doFilter("POST".equals(req.getMethod()) ? new Lenient(req) : req, res);
    }

    /** The key of an {@code Authorization: Bearer <key>} header, or null. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("bearer ")) {
            return null;
        }
        String key = h.substring(7).strip();
        return key.isEmpty() ? null : key;
    }

    private static void deny(HttpServletResponse res, int status, String code, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        res.getWriter().write(Json.write(body));
    }

    /** Supplies the Accept and Content-Type that the SDK's transport insists on when a client left them out. */
    private static final class Lenient extends HttpServletRequestWrapper {
        private static final String BOTH = "application/json, text/event-stream";

        Lenient(HttpServletRequest request) {
            super(request);
        }

        private String accept() {
            String a = super.getHeader("Accept");
            if (a == null || a.isBlank() || a.contains("*/*")) {
                return BOTH;
            }
            String lower = a.toLowerCase(Locale.ROOT);
            if (lower.contains("application/json") && lower.contains("text/event-stream")) {
                return a;
            }
            return a + ", " + BOTH;
        }

        @Override
        public String getHeader(String name) {
            return "Accept".equalsIgnoreCase(name) ? accept() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Accept".equalsIgnoreCase(name) ? Collections.enumeration(List.of(accept())) : super.getHeaders(name);
        }

        @Override
        public String getContentType() {
            String type = super.getContentType();
            if (type == null || type.isBlank() || type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                return "application/json";
            }
            return type;
        }
    }
}
