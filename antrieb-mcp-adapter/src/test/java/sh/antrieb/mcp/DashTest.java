package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;

/**
 * The dashboard on a real Tomcat over clusters that are objects, with the JDK HttpClient as the browser: sign-in and
 * its cookie, accounts that see only their own clusters and commands, escaping, secret values, CSRF, Origin and Host,
 * sign-out and revoked keys, the operator's host capacity, changing the namespace. The same flow in a real browser on real VMs: {@code DashBrowserIT}.
 */
class DashTest {
    private static final String SECRET = "dash-s3cret-value-42";
    @TempDir
    static Path state;
    static FakeClusters clusters;
    static AntriebMcpServer server;
    static URI base;
    static URI mcp;
    static String aliceKey;
    static String bobKey;
    static McpSyncClient alice;
    static McpSyncClient bob;

    @BeforeAll
    static void start() {
        clusters = new FakeClusters();
        server = AntriebMcpServer.builder(clusters).stateDir(state).build();
        aliceKey = server.keys().create("alice", null, null).key();
        bobKey = server.keys().create("bob", null, null).key();
        mcp = server.startHttp("127.0.0.1", 0);
        base = mcp.resolve("/");
        alice = McpTestClients.http(mcp, aliceKey, Duration.ofSeconds(30));
        bob = McpTestClients.http(mcp, bobKey, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        ItSupport.closeAll(alice, bob, server);
    }

    static String provision(McpSyncClient c) {
        return (String) ok(call(c, "provision", Map.of("cluster", List.of("debian12")))).get("session_id");
    }

    static DashClient signedIn(String key) throws Exception {
        DashClient d = new DashClient(base);
        HttpResponse<String> r = d.signIn(key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/dash");
        return d;
    }

    @Test
    void signInSetsAStrictHttpOnlySessionCookieAndSignOutEndsIt() throws Exception {
        DashClient d = new DashClient(base);
        HttpResponse<String> anonymous = d.get("/dash");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/dash/login");
        HttpResponse<String> form = d.get("/dash/login");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'").contains("script-src 'self'");
        assertThat(d.post("/dash/login", Map.of("csrf", DashClient.csrf(form.body()), "key", "ant_not-a-key")).statusCode()).isEqualTo(401);
        assertThat(d.cookies).doesNotContainKey("antrieb_dash");

        HttpResponse<String> in = d.signIn(aliceKey);
        assertThat(in.statusCode()).isEqualTo(302);
        String cookie = d.setCookies.stream().filter(c -> c.startsWith("antrieb_dash=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/dash").doesNotContain("Secure")
                .doesNotContain(aliceKey);
        HttpResponse<String> page = d.get("/dash");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<b id=\"account\">alice</b>").doesNotContain(aliceKey);

        String session = d.cookies.get("antrieb_dash");
        HttpResponse<String> out = d.post("/dash/logout", Map.of("csrf", DashClient.csrf(page.body())));
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(d.cookies).doesNotContainKey("antrieb_dash");
        d.cookies.put("antrieb_dash", session); // an old cookie replayed after sign-out
        assertThat(d.get("/dash").statusCode()).isEqualTo(302);
    }

    @Test
    void behindATlsTerminatingProxyTheSessionCookieIsSecure() throws Exception {
        for (String[] proxy : List.of(new String[] {"X-Forwarded-Proto", "https"}, new String[] {"Forwarded", "for=192.0.2.1;proto=https"})) {
            DashClient d = new DashClient(base);
            String token = DashClient.csrf(d.get("/dash/login", proxy).body());
            assertThat(d.post("/dash/login", Map.of("csrf", token, "key", aliceKey), proxy).statusCode()).isEqualTo(302);
            assertThat(d.setCookies.stream().filter(c -> c.startsWith("antrieb_dash=")).findFirst().orElseThrow())
                    .as(proxy[0]).contains("; Secure").contains("HttpOnly");
        }
        DashClient plain = new DashClient(base);
        String token = DashClient.csrf(plain.get("/dash/login", "X-Forwarded-Proto", "http").body());
        plain.post("/dash/login", Map.of("csrf", token, "key", aliceKey), "X-Forwarded-Proto", "http");
        assertThat(plain.setCookies.stream().filter(c -> c.startsWith("antrieb_dash=")).findFirst().orElseThrow()).doesNotContain("Secure");
    }

    @Test
    void signInWithoutTheFormTokenIsRefused() throws Exception {
        DashClient d = new DashClient(base);
        assertThat(d.post("/dash/login", Map.of("key", aliceKey)).statusCode()).isEqualTo(403);
        d.get("/dash/login");
        assertThat(d.post("/dash/login", Map.of("csrf", "forged", "key", aliceKey)).statusCode()).isEqualTo(403);
        assertThat(d.cookies).doesNotContainKey("antrieb_dash");
    }

    @Test
    void anAccountSeesOnlyItsOwnClustersAndCommandsAndOutputIsEscapedWithoutSecrets() throws Exception {
        String a = provision(alice);
        String b = provision(bob);
        try {
            ok(call(alice, "exec", Map.of("session_id", a, "node", "node1", "command", "echo '<script>alert(\"x\")</script>'")));
            ok(call(alice, "exec", Map.of("session_id", a, "node", "node1", "command", "echo " + SECRET,
                    "secret_env", Map.of("API_TOKEN", SECRET))));
            ok(call(alice, "exec", Map.of("session_id", a, "node", "node1", "command", "false")));
            ok(call(alice, "exec", Map.of("session_id", a, "node", "node1", "command", "x".repeat(20_000))));
            ok(call(bob, "exec", Map.of("session_id", b, "node", "node1", "command", "echo bob-only-marker")));

            DashClient d = signedIn(aliceKey);
            String clustersPage = d.get("/dash").body();
            assertThat(clustersPage).contains(a).doesNotContain(b).contains("node1").contains("debian12").contains("default 10.99.0.10")
                    .contains("data-expires=");
            String log = d.get("/dash/commands?cluster=" + a).body();
            assertThat(log).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;").doesNotContain("<script>alert")
                    .contains("[secret API_TOKEN]").doesNotContain(SECRET).doesNotContain("bob-only-marker")
                    .contains("exit bad").contains("cut: <span>20015</span> bytes in all");
            // newest first
            assertThat(log.indexOf("x".repeat(100))).isLessThan(log.indexOf("alert"));
            String found = d.get("/dash/commands?q=script").body();
            assertThat(found).contains("alert").doesNotContain("[secret API_TOKEN]").contains("<span>1</span> matching");
            assertThat(d.get("/dash/commands").body()).doesNotContain("bob-only-marker").doesNotContain(b);

            DashClient other = signedIn(bobKey);
            assertThat(other.get("/dash").body()).contains(b).doesNotContain(a);
            String bobLog = other.get("/dash/commands").body();
            assertThat(bobLog).contains("bob-only-marker").doesNotContain(a).doesNotContain("alert");
            assertThat(other.get("/dash/commands?cluster=" + a).body()).contains("No commands.");
            // bob cannot delete alice's cluster, even with a valid form of his own
            String bobToken = DashClient.csrf(other.get("/dash").body());
            assertThat(other.post("/dash/clusters/" + a + "/delete", Map.of("csrf", bobToken)).headers().firstValue("Location").orElseThrow())
                    .contains("gone=" + a);
            assertThat(clusters.made.get(a).isOpen()).isTrue();

            for (String page : List.of("/dash", "/dash/commands", "/dash/commands?q=API_TOKEN", "/dash/login")) {
                assertThat(d.get(page).body()).as(page).doesNotContain(SECRET);
            }
            assertThat(PrometheusText.scrape(base.resolve("/metrics"), aliceKey).text).doesNotContain(SECRET);
        } finally {
            clusters.made.get(a).close();
            clusters.made.get(b).close();
        }
    }

    @Test
    void validationRunsAreKeptPerAccountAndShownWithTheirTimelineIterationsAndEscapedCode() throws Exception {
        // Over clusters that are objects: every command "passes", which is all the pages need.
        String code = "# step: Greet\necho '<img src=x onerror=alert(7)>'";
        Map<String, Object> f = ok(call(alice, "validate", Map.of("code", code, "cluster", List.of("debian12"), "idempotence", false,
                "verify", List.of(Map.of("node", "node1", "command", "true")))));
        assertThat(f.get("passed")).isEqualTo(true);
        List<Map<String, Object>> kept = server.validationRuns().list("alice");
        assertThat(kept).hasSize(1);
        String id = (String) kept.get(0).get("id");
        assertThat(kept.get(0)).containsEntry("mode", "validate").containsEntry("outcome", "passed");
        assertThat(server.validationRuns().list("bob")).isEmpty();

        DashClient d = signedIn(aliceKey);
        String list = d.get("/dash/validations").body();
        assertThat(list).contains("/dash/validations/" + id).contains("validate").contains("passed");
        HttpResponse<String> run = d.get("/dash/validations/" + id);
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(run.body())
                .contains("id=\"timeline\"").contains("class=\"part code\"").contains("Where the time went")
                .contains("id=\"iterations\"").contains(f.get("cluster_id").toString())
                // The code and the report are attacker-controlled text: escaped, in the iteration and in the report.
                .contains("&lt;img src=x onerror=alert(7)&gt;").doesNotContain("<img src=x");
        // Another account sees neither the list entry nor the page.
        DashClient other = signedIn(bobKey);
        assertThat(other.get("/dash/validations").body()).doesNotContain(id).contains("No validation runs yet.");
        assertThat(other.get("/dash/validations/" + id).statusCode()).isEqualTo(404);
        assertThat(d.get("/dash/validations/../../keys").statusCode()).isEqualTo(404);
    }

    @Test
    void deleteNeedsTheSessionsTokenAndThisServersOriginAndHost() throws Exception {
        String a = provision(alice);
        DashClient d = signedIn(aliceKey);
        String token = DashClient.csrf(d.get("/dash").body());
        String delete = "/dash/clusters/" + a + "/delete";
        HttpResponse<String> noToken = d.post(delete, Map.of());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("form token is missing or stale");
        assertThat(d.post(delete, Map.of("csrf", token + "x")).statusCode()).isEqualTo(403);
        assertThat(d.post(delete, Map.of("csrf", token), "Origin", "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(d.get("/dash", "Origin", "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(rawStatus("evil.example")).isEqualTo(421);
        assertThat(rawStatus("localhost:" + base.getPort())).isEqualTo(200);
        assertThat(new DashClient(base).post(delete, Map.of("csrf", token)).statusCode()).as("no session").isEqualTo(403);
        assertThat(clusters.made.get(a).isOpen()).isTrue();

        HttpResponse<String> done = d.post(delete, Map.of("csrf", token), "Origin", base.toString().replaceAll("/$", ""));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(clusters.made.get(a).isOpen()).isFalse();
        assertThat(d.get(done.headers().firstValue("Location").orElseThrow()).body()).contains("deleted").doesNotContain("cluster-" + a);
    }

    /** The JDK client will not send a Host header of our choosing, so speak HTTP/1.1 by hand. */
    private static int rawStatus(String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
            String req = "GET /dash/login HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void aRevokedKeyEndsItsSessions() throws Exception {
        ApiKeyStore.CreatedKey k = server.keys().create("carol", null, null);
        DashClient d = signedIn(k.key());
        assertThat(d.get("/dash").statusCode()).isEqualTo(200);
        server.keys().revoke(k.id());
        assertThat(d.get("/dash").statusCode()).isEqualTo(302);
    }

    @Test
    void theCatalogListsBuiltInRunbooksAndRendersOneAsAPage() throws Exception {
        DashClient d = signedIn(aliceKey);
        String catalog = d.get("/dash/catalog").body();
        assertThat(catalog).contains("antrieb/primer").contains("href=\"/dash/catalog/runbook/antrieb/primer\"");
        HttpResponse<String> primer = d.get("/dash/catalog/runbook/antrieb/primer");
        assertThat(primer.statusCode()).isEqualTo(200);
        assertThat(primer.body()).contains("<article class=\"runbook\" id=\"body\">").contains("<h2>");
        assertThat(d.get("/dash/catalog/runbook/other/thing").statusCode()).isEqualTo(404);
        assertThat(d.get("/dash/catalog/nonsense/antrieb/primer").statusCode()).isEqualTo(404);
    }

    @Test
    void aRunbooksOwnMarkupIsEscapedWhenRendered() {
        String html = sh.antrieb.mcp.internal.DashServlet.renderRunbook(
                "# T\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>\n");
        assertThat(html).contains("<h1>T</h1>").contains("&lt;script&gt;").doesNotContain("<script").doesNotContain("javascript:")
                .doesNotContain("<img");
    }

    @Test
    void theAccountPageCreatesAKeyShownOnceAndRevokesOnlyTheAccountsOwnKeys() throws Exception {
        ApiKeyStore.CreatedKey first = server.keys().create("dave", null, null);
        ApiKeyStore.CreatedKey bobs = server.keys().create("bob", null, null);
        DashClient d = signedIn(first.key());
        String page = d.get("/dash/account").body();
        assertThat(page).contains("id=\"key-" + first.id() + "\"").contains("(this session's)").doesNotContain(bobs.id())
                .contains("<code id=\"namespace\">dave</code>");
        String token = DashClient.csrf(page);
        HttpResponse<String> made = d.post("/dash/account/keys", Map.of("csrf", token));
        assertThat(made.statusCode()).isEqualTo(200);
        assertThat(made.headers().firstValue("Cache-Control").orElseThrow()).isEqualTo("no-store");
        String key = made.body().replaceAll("(?s).*<pre id=\"created-key\">(ant_[A-Za-z0-9_-]+)</pre>.*", "$1");
        assertThat(server.keys().authenticate(key)).get().extracting(Account::name).isEqualTo("dave");
        assertThat(d.get("/dash/account").body()).doesNotContain(key);
        assertThat(d.post("/dash/account/keys", Map.of()).statusCode()).as("no token").isEqualTo(403);

        assertThat(d.post("/dash/account/keys/" + bobs.id() + "/revoke", Map.of("csrf", token)).statusCode()).isEqualTo(404);
        assertThat(server.keys().authenticate(bobs.key())).isPresent();
        String newId = ApiKeyStore.sha256(key).substring(0, 12);
        assertThat(d.post("/dash/account/keys/" + newId + "/revoke", Map.of("csrf", token)).headers().firstValue("Location").orElseThrow())
                .contains("revoked=" + newId);
        assertThat(server.keys().authenticate(key)).isEmpty();
        // revoking the session's own key signs it out
        HttpResponse<String> own = d.post("/dash/account/keys/" + first.id() + "/revoke", Map.of("csrf", token));
        assertThat(own.headers().firstValue("Location").orElseThrow()).endsWith("/dash/login?signed_out=1");
        assertThat(d.get("/dash").statusCode()).isEqualTo(302);
    }

    @Test
    void onlyAnOperatorSeesEveryAccountsUsageClustersAndFailures() throws Exception {
        String a = provision(alice);
        try {
            ok(call(alice, "exec", Map.of("session_id", a, "node", "node1", "command", "echo operator-view")));
            McpTestClients.error(call(alice, "exec", Map.of("session_id", "nosuch", "node", "node1", "command", "true")));
            assertThat(signedIn(aliceKey).get("/dash/operator").statusCode()).isEqualTo(404);
            assertThat(signedIn(aliceKey).get("/dash").body()).doesNotContain("nav-operator");

            ApiKeyStore.CreatedKey ops = server.keys().create("ops", null, null);
            server.keys().setOperator("ops", true);
            DashClient d = signedIn(ops.key());
            assertThat(d.get("/dash").body()).contains("id=\"nav-operator\"");
            String page = d.get("/dash/operator").body();
            assertThat(page).contains("id=\"account-alice\"").contains("id=\"account-bob\"").contains("<code>" + a + "</code>")
                    .contains("unknown_session").doesNotContain("operator-view");
            assertThat(page.replaceAll("(?s).*id=\"account-alice\">(.*?)</tr>.*", "$1"))
                    .contains("<td data-label=\"Live clusters\" class=\"clusters\">1</td>");
            server.keys().setOperator("ops", false);
            assertThat(d.get("/dash/operator").statusCode()).isEqualTo(404);
        } finally {
            clusters.made.get(a).close();
        }
    }

    @Test
    void staticFilesAndUnknownPages() throws Exception {
        DashClient d = new DashClient(base);
        assertThat(d.get("/dash/static/dash.css").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
        assertThat(d.get("/dash/static/..%2f..%2fkeys.json").statusCode()).isNotEqualTo(200);
        assertThat(d.get("/dash/static/layout.html").statusCode()).isEqualTo(404);
        assertThat(d.get("/dash/static/nope.css").statusCode()).isEqualTo(404);
        DashClient in = signedIn(aliceKey);
        assertThat(in.get("/dash/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void theOperatorViewShowsHostCapacityAndTheServersLimitsToAnOperatorOnly() throws Exception {
        String a = provision(alice);
        try {
            DashClient normal = signedIn(aliceKey);
            assertThat(normal.get("/dash/operator").statusCode()).isEqualTo(404);
            for (String page : List.of("/dash", "/dash/account", "/dash/operator", "/dash/commands")) {
                assertThat(normal.get(page).body()).as(page).doesNotContain("Host capacity").doesNotContain(FakeClusters.HOST.getHost())
                        .doesNotContain("64.0 GiB");
            }

            ApiKeyStore.CreatedKey ops = server.keys().create("ops-capacity", null, null);
            server.keys().setOperator("ops-capacity", true);
            HttpResponse<String> r = signedIn(ops.key()).get("/dash/operator");
            assertThat(r.statusCode()).isEqualTo(200);
            String hosts = r.body().replaceAll("(?s).*(<table class=\"cards\" id=\"hosts\">.*?</table>).*", "$1");
            assertThat(hosts).contains("<code>qemu+ssh://kvm-7.example/system</code>")
                    .contains("<td data-label=\"Accelerator\" class=\"accelerator\">kvm</td>")
                    .contains("40.0 GiB free of 64.0 GiB").contains("24 CPUs")
                    .contains("120.0 GiB used, 380.0 GiB free of 500.0 GiB")
                    .contains("at most 6 concurrent clusters in all").contains("4 nodes per cluster (+1 controller)")
                    .contains("TTL at most 10 min").contains("4 vCPU / 2048 MiB / 20 GiB");
            long open = clusters.made.values().stream().filter(FakeClusters.FakeCluster::isOpen).count();
            assertThat(open).isPositive();
            assertThat(hosts).contains("Antrieb: " + open + " clusters, " + open + " nodes");
            assertThat(r.body()).contains("Accounts without limits of their own: <span>2 clusters, 4 nodes per cluster (+1 controller), TTL 10 min</span>");

            // A host that cannot be asked: said so (escaped, like every value), and the rest of the page is still there.
            clusters.hostsFailure = "libvirt at qemu:///system is unavailable <b>now</b>";
            try {
                HttpResponse<String> lost = signedIn(ops.key()).get("/dash/operator");
                assertThat(lost.statusCode()).isEqualTo(200);
                assertThat(lost.body()).contains("id=\"hosts-error\"").contains("unavailable &lt;b&gt;now&lt;/b&gt;")
                        .doesNotContain("<b>now</b>").doesNotContain("id=\"hosts\"").contains("id=\"account-alice\"");
            } finally {
                clusters.hostsFailure = null;
            }
        } finally {
            clusters.made.get(a).close();
        }
    }

    @Test
    void theNamespaceChangesFromTheAccountPageWithTheStoresRulesAndTheNextMcpCallsUseIt() throws Exception {
        ApiKeyStore.CreatedKey erin = server.keys().create("erin", null, null);
        try (McpSyncClient client = McpTestClients.http(mcp, erin.key(), Duration.ofSeconds(30))) {
            String before = provision(client);
            assertThat(clusters.namespaces.get(before)).isEqualTo("erin");
            clusters.made.get(before).close();

            DashClient d = signedIn(erin.key());
            String page = d.get("/dash/account").body();
            assertThat(page).contains("<form method=\"post\" action=\"/dash/account/namespace\" id=\"change-namespace\">");
            String token = DashClient.csrf(page);
            String origin = base.toString().replaceAll("/$", "");

            HttpResponse<String> noToken = d.post("/dash/account/namespace", Map.of("namespace", "erin-team"));
            assertThat(noToken.statusCode()).isEqualTo(403);
            assertThat(noToken.body()).contains("form token is missing or stale");
            assertThat(d.post("/dash/account/namespace", Map.of("csrf", token + "x", "namespace", "erin-team")).statusCode()).isEqualTo(403);
            assertThat(d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "erin-team"), "Origin", "https://evil.example")
                    .statusCode()).isEqualTo(403);
            assertThat(server.keys().account("erin").orElseThrow().namespace()).isEqualTo("erin");

            // Bad input: the store's own reason, escaped, on the page; nothing changed.
            HttpResponse<String> bad = d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "Team <b>X</b>"), "Origin", origin);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("id=\"error\"").contains("The namespace was not changed: invalid namespace")
                    .contains("use lowercase letters, digits and &#39;-&#39;").contains("Team &lt;b&gt;X&lt;/b&gt;").doesNotContain("<b>X</b>")
                    .contains("<code id=\"namespace\">erin</code>");
            HttpResponse<String> taken = d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "bob"), "Origin", origin);
            assertThat(taken.statusCode()).isEqualTo(400);
            assertThat(taken.body()).contains("belongs to another account");
            assertThat(d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "antrieb")).body()).contains("is reserved");
            assertThat(server.keys().account("erin").orElseThrow().namespace()).isEqualTo("erin");

            HttpResponse<String> done = d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "erin-team"), "Origin", origin);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
            String shown = d.get(done.headers().firstValue("Location").orElseThrow()).body();
            assertThat(shown).contains("<code id=\"namespace\">erin-team</code>").contains("id=\"namespace-changed\"")
                    .contains("<code>@erin/</code>");
            assertThat(server.keys().account("erin").orElseThrow().namespace()).isEqualTo("erin-team");
            assertThat(d.post("/dash/account/namespace", Map.of("csrf", token, "namespace", "erin-team")).headers().firstValue("Location")
                    .orElseThrow()).as("the one it has: no change to report").endsWith("/dash/account");

            // The same MCP session's next calls act in the new namespace: provision resolves there, search reads there.
            String after = provision(client);
            assertThat(clusters.namespaces.get(after)).isEqualTo("erin-team");
            clusters.made.get(after).close();
            int asked = clusters.catalogNamespaces.size();
            ok(call(client, "search", Map.of("type", "runbook")));
            assertThat(clusters.catalogNamespaces.subList(asked, clusters.catalogNamespaces.size())).isNotEmpty().containsOnly("erin-team");
        }
    }
}
