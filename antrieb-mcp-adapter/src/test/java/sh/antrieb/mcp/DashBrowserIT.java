package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.io.File;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.modelcontextprotocol.client.McpSyncClient;
import sh.antrieb.Antrieb;

/**
 * The dashboard in a real browser (Debian's chromium, driven through Debian's chromedriver by Selenium) on a real
 * 1-node cluster (1 vCPU / 768 MiB) made through {@code /mcp}: sign in, see the cluster, open its command log, find a
 * command's output (markup shown as text, the secret value replaced), a built-in runbook as a page, the account page
 * and a namespace change there (a bad one refused with its reason, a good one used by the next MCP save), this host's
 * capacity on the operator page (read from the real libvirtd), refuse a delete without the form token or from a foreign Origin, delete the cluster from the page, sign out; a second
 * account sees none of it. Screenshots of each page go to {@code target/dash-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashBrowserIT {
    private static final String SECRET = "br0wser-s3cret-value";
    private static final String MARKUP = "<script>window.antriebPwned=1</script><b>bold?</b>";
    private static final Path SHOTS = Path.of("target", "dash-screenshots");
    @TempDir
    static Path state;
    static Antrieb antrieb;
    static AntriebMcpServer server;
    static URI base;
    static String aliceKey;
    static String bobKey;
    static McpSyncClient alice;
    static ChromeDriver browser;
    static String cluster;
    static ApiKeyStore.CreatedKey ops;

    @BeforeAll
    static void start() throws Exception {
        antrieb = ItSupport.antrieb().catalogDir(state.resolve("catalog")).build();
        server = AntriebMcpServer.builder(antrieb).stateDir(state).build();
        aliceKey = server.keys().create("alice", null, null).key();
        bobKey = server.keys().create("bob", null, null).key();
        URI mcp = server.startHttp("127.0.0.1", 0);
        base = mcp.resolve("/");
        alice = McpTestClients.http(mcp, aliceKey, Duration.ofMinutes(10));
        Files.createDirectories(SHOTS);
        browser = chromium();
    }

    /** Debian's chromium through Debian's chromedriver (bin/setup-host installs both); no driver download. */
    static ChromeDriver chromium() {
        File driver = new File("/usr/bin/chromedriver");
        File binary = new File("/usr/bin/chromium");
        if (!driver.canExecute() || !binary.canExecute()) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, "
                    + "/usr/bin/chromedriver): run bin/setup-host, or apt-get install chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        // root in a container: no sandbox; /dev/shm may be small.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return d;
    }

    @AfterAll
    static void stop() {
        AutoCloseable quit = browser == null ? null : () -> browser.quit();
        ItSupport.closeAll(quit, alice, server, antrieb);
    }

    static void shot(String name) throws Exception {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void open(String path) {
        browser.get(base.resolve(path).toString());
    }

    static void signIn(String key) throws InterruptedException {
        open("/dash/login");
        browser.findElement(By.id("key")).sendKeys(key);
        clickThrough(browser.findElement(By.id("sign-in")));
    }

    /**
     * Clicks {@code element} and waits (up to 60 s) for the page it leads to: a click returns as soon as the browser
     * has the event, before the form's POST (a delete tears VMs down) has answered.
     */
    static void clickThrough(WebElement element) throws InterruptedException {
        WebElement old = browser.findElement(By.tagName("html"));
        element.click();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                old.isDisplayed();
            } catch (StaleElementReferenceException e) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no new page within 60 s of the click, still at " + browser.getCurrentUrl());
            }
            Thread.sleep(50);
        }
        while (!"complete".equals(((JavascriptExecutor) browser).executeScript("return document.readyState"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page at " + browser.getCurrentUrl() + " did not finish loading within 60 s");
            }
            Thread.sleep(50);
        }
    }

    static String source() {
        return browser.getPageSource();
    }

    @Test
    @Order(1)
    void aliceSignsInAndSeesTheClusterMadeThroughMcp() throws Exception {
        Map<String, Object> p = ok(call(alice, "provision", Map.of("cluster", List.of("debian12"))));
        cluster = (String) p.get("session_id");
        ok(call(alice, "exec", Map.of("session_id", cluster, "node", "node1", "command", "printf '%s\\n' '" + MARKUP + "'; hostname")));
        ok(call(alice, "exec", Map.of("session_id", cluster, "node", "node1", "command", "echo \"token=$API_TOKEN\"",
                "secret_env", Map.of("API_TOKEN", SECRET))));
        ok(call(alice, "exec", Map.of("session_id", cluster, "node", "node1", "command", "echo to-stderr >&2; exit 7")));

        open("/dash");
        assertThat(browser.getCurrentUrl()).endsWith("/dash/login");
        shot("01-sign-in");
        signIn(aliceKey);
        assertThat(browser.findElement(By.id("account")).getText()).isEqualTo("alice");
        Cookie session = browser.manage().getCookieNamed("antrieb_dash");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        WebElement row = browser.findElement(By.id("cluster-" + cluster));
        assertThat(row.getText()).contains(cluster).contains("node1").contains("debian12").contains("left");
        assertThat(row.findElements(By.className("address"))).extracting(WebElement::getText)
                .anySatisfy(a -> assertThat(a).matches("default \\d+\\.\\d+\\.\\d+\\.\\d+"));
        shot("02-clusters");
    }

    @Test
    @Order(2)
    void theCommandLogShowsOutputAsTextWithTheSecretReplaced() throws Exception {
        clickThrough(browser.findElement(By.id("log-" + cluster)));
        assertThat(browser.findElement(By.id("log-cluster")).getText()).isEqualTo(cluster);
        List<WebElement> rows = browser.findElements(By.cssSelector("tr.command"));
        assertThat(rows).hasSize(3);
        // newest first: the failing command, then the secret one, then the markup
        assertThat(rows.get(0).findElement(By.className("exit")).getText()).isEqualTo("7");
        assertThat(rows.get(2).findElement(By.className("exit")).getText()).isEqualTo("0");
        shot("03-command-log");

        browser.findElement(By.id("q")).sendKeys("antriebPwned");
        clickThrough(browser.findElement(By.id("search-go")));
        List<WebElement> found = browser.findElements(By.cssSelector("tr.command"));
        assertThat(found).hasSize(1);
        WebElement details = found.get(0).findElement(By.cssSelector("details.stdout"));
        details.findElement(By.tagName("summary")).click();
        assertThat(details.findElement(By.cssSelector("pre.out")).getText()).isEqualTo(MARKUP + "\nnode1");
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof window.antriebPwned")).isEqualTo("undefined");
        assertThat(browser.findElements(By.cssSelector("pre.out b"))).isEmpty();
        shot("04-command-output");

        open("/dash/commands?q=token");
        WebElement secretRow = browser.findElement(By.cssSelector("tr.command"));
        secretRow.findElement(By.tagName("summary")).click();
        assertThat(secretRow.findElement(By.cssSelector("pre.out")).getText()).isEqualTo("token=[secret API_TOKEN]");
        for (String page : List.of("/dash", "/dash/commands", "/dash/commands?q=API_TOKEN", "/dash/commands?cluster=" + cluster)) {
            open(page);
            assertThat(source()).as(page).doesNotContain(SECRET).doesNotContain(aliceKey);
        }
        assertThat(PrometheusText.scrape(base.resolve("/metrics"), aliceKey).text).doesNotContain(SECRET);
    }

    @Test
    @Order(3)
    void onAPhoneWidthScreenThePagesFit() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            for (String page : List.of("/dash", "/dash/commands")) {
                open(page);
                Object overflow = ((JavascriptExecutor) browser).executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(((Number) overflow).intValue()).as("horizontal overflow of %s at 390 px", page).isLessThanOrEqualTo(0);
                shot("05-phone" + page.replace('/', '-'));
            }
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    @Order(4)
    void theCatalogShowsABuiltInRunbookAsAPage() throws Exception {
        open("/dash");
        clickThrough(browser.findElement(By.id("nav-catalog")));
        shot("06-catalog");
        clickThrough(browser.findElement(By.linkText("antrieb/primer")));
        assertThat(browser.findElement(By.id("artifact")).getText()).isEqualTo("antrieb/primer");
        assertThat(browser.findElements(By.cssSelector("article.runbook h2"))).isNotEmpty();
        shot("07-runbook");
        clickThrough(browser.findElement(By.id("nav-account")));
        assertThat(browser.findElement(By.id("namespace")).getText()).isEqualTo("alice");
        assertThat(browser.findElements(By.cssSelector("#keys tbody tr"))).hasSize(1);
        shot("07-account");

        // The namespace, changed on the page: a bad one is refused with the store's reason and changes nothing...
        WebElement field = browser.findElement(By.id("namespace-field"));
        field.clear();
        field.sendKeys("Not Valid");
        clickThrough(browser.findElement(By.id("change-namespace-button")));
        assertThat(browser.findElement(By.id("error")).getText()).contains("invalid namespace 'Not Valid'")
                .contains("lowercase letters, digits and '-'");
        assertThat(browser.findElement(By.id("namespace")).getText()).isEqualTo("alice");
        shot("07-account-bad-namespace");
        // ...a good one is the account's at once: the next MCP save lands there.
        field = browser.findElement(By.id("namespace-field"));
        field.clear();
        field.sendKeys("alice-team");
        clickThrough(browser.findElement(By.id("change-namespace-button")));
        assertThat(browser.findElement(By.id("namespace")).getText()).isEqualTo("alice-team");
        assertThat(browser.findElement(By.id("namespace-changed")).getText()).contains("@alice-team/").contains("@alice/");
        shot("07-account-namespace-changed");
        Map<String, Object> saved = ok(call(alice, "save", Map.of("type", "network", "name", "browser-lan", "egress", false)));
        assertThat(saved.get("fq_name")).isEqualTo("alice-team/browser-lan");
        assertThat(antrieb.catalog("alice").search(sh.antrieb.Catalog.Type.NETWORK, "browser-lan", 10)).isEmpty();
    }

    @Test
    @Order(4)
    void theOperatorPageShowsThisHostsCapacityAsLibvirtReportsIt() throws Exception {
        ops = server.keys().create("ops", null, null);
        server.keys().setOperator("ops", true);
        DashClient d = new DashClient(base);
        assertThat(d.signIn(ops.key()).statusCode()).isEqualTo(302);
        String page = d.get("/dash/operator").body();
        sh.antrieb.HostCapacity c = antrieb.capacity();
        assertThat(c.cpus()).isPositive();
        assertThat(c.freeMemoryBytes()).isPositive().isLessThan(c.memoryBytes());
        assertThat(c.runningGuests()).isPositive(); // our node, and any other guest on this host
        assertThat(c.guestVcpus()).isGreaterThanOrEqualTo(c.runningGuests());
        assertThat(c.poolKnown()).isTrue();
        assertThat(c.clusters()).isEqualTo(1);
        assertThat(page).contains("<code>" + c.uri() + "</code>")
                .contains("class=\"accelerator\">" + antrieb.accelerator().name().toLowerCase(java.util.Locale.ROOT) + "</td>")
                .containsPattern("class=\"memory\">[0-9.]+ [KMG]iB free of [0-9.]+ GiB</td>")
                .contains(c.cpus() + " CPUs").contains("Antrieb: 1 clusters, 1 nodes")
                .containsPattern("class=\"pool\">[0-9.]+ [KMG]?i?B used, [0-9.]+ [KMG]iB free of [0-9.]+ [KMG]iB</td>");
    }

    @Test
    @Order(4)
    void aDeleteWithoutTheFormTokenOrFromAForeignOriginIsRefused() throws Exception {
        DashClient d = new DashClient(base);
        d.cookies.put("antrieb_dash", browser.manage().getCookieNamed("antrieb_dash").getValue());
        String token = DashClient.csrf(d.get("/dash").body());
        HttpResponse<String> noToken = d.post("/dash/clusters/" + cluster + "/delete", Map.of());
        assertThat(noToken.statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = d.post("/dash/clusters/" + cluster + "/delete", Map.of("csrf", token), "Origin", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(antrieb.clusters()).extracting(c -> c.id()).contains(cluster);
    }

    @Test
    @Order(5)
    void aliceDeletesTheClusterFromThePageAndSignsOut() throws Exception {
        open("/dash");
        clickThrough(browser.findElement(By.id("delete-" + cluster)));
        assertThat(browser.findElement(By.id("deleted")).getText()).contains(cluster);
        assertThat(browser.findElements(By.id("cluster-" + cluster))).isEmpty();
        assertThat(browser.findElement(By.id("no-clusters")).isDisplayed()).isTrue();
        assertThat(antrieb.clusters()).isEmpty();
        shot("08-deleted");
        clickThrough(browser.findElement(By.id("sign-out")));
        assertThat(browser.findElement(By.id("signed-out")).isDisplayed()).isTrue();
        open("/dash");
        assertThat(browser.getCurrentUrl()).endsWith("/dash/login");
        shot("09-signed-out");
    }

    @Test
    @Order(6)
    void bobSeesNoneOfIt() throws Exception {
        signIn(bobKey);
        assertThat(browser.findElement(By.id("account")).getText()).isEqualTo("bob");
        assertThat(source()).doesNotContain(cluster);
        shot("10-bob-clusters");
        open("/dash/commands");
        assertThat(browser.findElement(By.id("no-commands")).isDisplayed()).isTrue();
        assertThat(source()).doesNotContain(cluster).doesNotContain("antriebPwned").doesNotContain("token=");
        open("/dash/commands?cluster=" + cluster);
        assertThat(browser.findElement(By.id("no-commands")).isDisplayed()).isTrue();
        shot("11-bob-commands");
        assertThat(browser.findElements(By.id("nav-operator"))).isEmpty();
        clickThrough(browser.findElement(By.id("sign-out")));
    }

    @Test
    @Order(7)
    void anOperatorSeesTheHostCapacityPage() throws Exception {
        signIn(ops.key());
        clickThrough(browser.findElement(By.id("nav-operator")));
        assertThat(browser.findElement(By.cssSelector("#hosts td.accelerator")).getText())
                .isEqualTo(antrieb.accelerator().name().toLowerCase(java.util.Locale.ROOT));
        assertThat(browser.findElement(By.cssSelector("#hosts td.guests")).getText()).contains("Antrieb: 0 clusters, 0 nodes");
        shot("12-operator");
        clickThrough(browser.findElement(By.id("sign-out")));
    }
}
