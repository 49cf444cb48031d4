package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import sh.antrieb.mcp.internal.HttpEndpoint;
import sh.antrieb.mcp.internal.HttpSecurityFilter;

/** The filter in front of /mcp, on a real embedded Tomcat: 401, 403, 421, and what passes. */
class HttpSecurityFilterTest {
    @TempDir
    Path state;
    private HttpEndpoint endpoint;
    private String key;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Answers with the account the filter attached, and the Accept/Content-Type it saw. */
    static final class Echo extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            Account a = (Account) req.getAttribute(HttpSecurityFilter.ACCOUNT_ATTRIBUTE);
            res.setContentType("text/plain");
            res.getWriter().write(a.name() + "|" + req.getHeader("Accept") + "|" + req.getContentType());
        }
    }

    @BeforeEach
    void start() {
        ApiKeyStore keys = ApiKeyStore.open(state, AccountLimits.DEFAULTS);
        key = keys.create("alice", null, null).key();
        DefaultServerTransportSecurityValidator validator = DefaultServerTransportSecurityValidator.builder()
                .allowedOrigins(List.of("http://localhost:*", "https://app.example.com"))
                .allowedHosts(List.of("localhost:*", "127.0.0.1:*"))
                .build();
        endpoint = HttpEndpoint.start("127.0.0.1", 0, new Echo(), new HttpSecurityFilter(keys, validator));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private HttpResponse<String> post(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.uri()).POST(HttpRequest.BodyPublishers.ofString("{}"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutAKeyEveryRequestIs401() throws Exception {
        HttpResponse<String> r = post();
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"antrieb\"");
        assertThat(r.body()).contains("\"error\":\"unauthorized\"").contains("Authorization: Bearer");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(endpoint.uri()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(401);
    }

    @Test
    void aWrongOrMalformedKeyIs401AndIsNeverEchoed() throws Exception {
        String wrong = "ant_" + "x".repeat(43);
        for (String auth : List.of("Bearer " + wrong, "Bearer", "Basic YWxpY2U6c2VjcmV0", key, "Bearer " + key + "junk")) {
            HttpResponse<String> r = post("Authorization", auth);
            assertThat(r.statusCode()).as(auth).isEqualTo(401);
            assertThat(r.body()).doesNotContain(wrong).doesNotContain(key);
        }
    }

    @Test
    void aValidKeyPassesWithTheAccountAttached() throws Exception {
        HttpResponse<String> r = post("Authorization", "Bearer " + key, "Content-Type", "application/json",
                "Accept", "application/json, text/event-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("alice|application/json, text/event-stream|application/json");
        assertThat(post("Authorization", "bearer  " + key + " ").statusCode()).as("scheme is case-insensitive").isEqualTo(200);
    }

    @Test
    void missingAcceptAndContentTypeAreFilledInForPosts() throws Exception {
        HttpResponse<String> r = post("Authorization", "Bearer " + key);
        assertThat(r.body()).isEqualTo("alice|application/json, text/event-stream|application/json");
        r = post("Authorization", "Bearer " + key, "Accept", "application/json", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(r.body()).isEqualTo("alice|application/json, application/json, text/event-stream|application/json");
    }

    @Test
    void aForeignOriginIs403EvenWithAValidKey() throws Exception {
        HttpResponse<String> r = post("Authorization", "Bearer " + key, "Origin", "https://evil.example");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"error\":\"forbidden_origin\"").contains("--allowed-origin");
        assertThat(post("Origin", "https://evil.example").statusCode()).as("origin is checked before the key").isEqualTo(403);
        assertThat(post("Authorization", "Bearer " + key, "Origin", "null").statusCode()).isEqualTo(403);
    }

    @Test
    void allowedOriginsPass() throws Exception {
        assertThat(post("Authorization", "Bearer " + key, "Origin", "http://localhost:5173").statusCode()).isEqualTo(200);
        assertThat(post("Authorization", "Bearer " + key, "Origin", "https://app.example.com").statusCode()).isEqualTo(200);
        assertThat(post("Authorization", "Bearer " + key, "Origin", "https://app.example.com.evil.example").statusCode()).isEqualTo(403);
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        assertThat(rawStatus("evil.example")).isEqualTo(421);
        assertThat(rawStatus("localhost:" + endpoint.uri().getPort())).isEqualTo(200);
    }

    /** The JDK client will not send a Host header of our choosing, so speak HTTP/1.1 by hand. */
    private int rawStatus(String host) throws IOException {
        URI uri = endpoint.uri();
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            String req = "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
            OutputStream out = s.getOutputStream();
            out.write(req.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return Integer.parseInt(status.split(" ")[1]);
        }
    }
}
