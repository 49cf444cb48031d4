package sh.antrieb.mcp.internal;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import io.modelcontextprotocol.server.transport.HeaderAccessor;
import jakarta.servlet.http.HttpServletRequest;

/** A servlet request's headers as the SDK's Origin/Host validator reads them ({@code /mcp}, {@code /metrics}, {@code /dash}). */
record ServletHeaders(HttpServletRequest req) implements HeaderAccessor {
    @Override
    public List<String> getHeader(String name) {
        Enumeration<String> values = req.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public List<String> getHeaderNames() {
        Enumeration<String> names = req.getHeaderNames();
        return names == null ? List.of() : Collections.list(names);
    }
}
