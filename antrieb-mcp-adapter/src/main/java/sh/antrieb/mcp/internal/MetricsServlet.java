package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics}: {@link ServerMetrics} in the Prometheus text format, for a Prometheus that scrapes with an
 * API key ({@code authorization: {type: Bearer, credentials_file: ...}} in its scrape config). Behind
 * {@link HttpSecurityFilter}, as {@code /mcp} is.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Where the metrics are served. */
    public static final String PATH = "/metrics";
    /** The Prometheus text exposition format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient ServerMetrics metrics;

    /** The servlet serving {@code metrics}. */
    public MetricsServlet(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        res.setStatus(HttpServletResponse.SC_OK);
        res.setContentType(CONTENT_TYPE);
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
