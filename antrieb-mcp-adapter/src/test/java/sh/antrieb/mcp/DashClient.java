package sh.antrieb.mcp;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser stand-in for the dashboard over the JDK HttpClient: keeps its cookies, follows no redirect by itself. */
final class DashClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"");
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    final Map<String, String> cookies = new LinkedHashMap<>();
    /** Every Set-Cookie header received, as sent. */
    final List<String> setCookies = new java.util.ArrayList<>();

    DashClient(URI base) {
        this.base = base;
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded"), headers);
    }

    /** Signs in with {@code key} as a browser does: the form first (its token and cookie), then the POST. */
    HttpResponse<String> signIn(String key) throws IOException, InterruptedException {
        String token = csrf(get("/dash/login").body());
        return post("/dash/login", Map.of("csrf", token, "key", key));
    }

    /** The CSRF token in a page's first form. */
    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no csrf field in:\n" + html);
        }
        return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws IOException, InterruptedException {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        for (String c : r.headers().allValues("Set-Cookie")) {
            setCookies.add(c);
            String pair = c.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            if (value.isEmpty() || c.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return r;
    }
}
