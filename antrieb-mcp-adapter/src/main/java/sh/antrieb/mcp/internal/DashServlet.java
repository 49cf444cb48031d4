package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

import io.modelcontextprotocol.server.transport.ServerHttpHeaderValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import sh.antrieb.Artifact;
import sh.antrieb.Catalog;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterExpiredException;
import sh.antrieb.HostCapacity;
import sh.antrieb.Node;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.AccountLimits;
import sh.antrieb.mcp.ApiKeyStore;
import sh.antrieb.mcp.CommandLog;
import sh.antrieb.mcp.ValidationRuns;

/**
 * The web dashboard at {@code /dash}: server-side pages (Thymeleaf templates under {@code /sh/antrieb/mcp/dash/},
 * every value escaped by {@code th:text}; no page needs JavaScript, one small script counts TTLs down).
 * <ul>
 *   <li>{@code GET /dash/login}, {@code POST /dash/login} (an API key; then an HttpOnly, SameSite=Strict session
 *       cookie, Secure on TLS), {@code POST /dash/logout};</li>
 *   <li>{@code GET /dash}: the account's live clusters (nodes, images, addresses per network, accelerator, TTL),
 *       {@code POST /dash/clusters/ID/delete};</li>
 *   <li>{@code GET /dash/commands?cluster=ID&q=WORDS}: the account's command log, newest first, outputs cut with
 *       their true sizes (secret env values were replaced before the log was written);</li>
 *   <li>{@code GET /dash/validations}, {@code GET /dash/validations/ID}: the account's validation runs, newest first; a
 *       run's outcome, a timeline of where the time went, each iteration (cluster, code, findings, the recovery
 *       path and why), the distilled runbook and the whole report (commonmark, raw HTML escaped);</li>
 *   <li>{@code GET /dash/catalog}, {@code GET /dash/catalog/TYPE/NS/NAME}: images, runbooks (rendered) and network
 *       specs of the account's namespace and {@code antrieb/};</li>
 *   <li>{@code GET /dash/account}: namespace, limits and keys; {@code POST /dash/account/namespace} moves the account to
 *       another namespace ({@link ApiKeyStore#changeNamespace}'s rules; a refused one is shown with its reason);
 *       {@code POST /dash/account/keys} creates a key and shows it once; {@code POST /dash/account/keys/ID/revoke}
 *       revokes one of the account's keys (its own key: signed out);</li>
 *   <li>{@code GET /dash/operator}, for operator accounts ({@code key create --operator true}) only, 404 for others:
 *       the host's capacity ({@link AntriebBackend#hosts()}: memory, CPUs, running guests, accelerator, storage pool) and
 *       the server's limits, every account's keys, live clusters, nodes and logged commands, every live cluster, tool
 *       failures by cause.</li>
 * </ul>
 * Every request passes the same Origin/Host validator as {@code /mcp} (403 foreign Origin, 421 foreign Host); every
 * POST needs its form's CSRF token (the session's; for sign-in, a token also set as a cookie), else 403. An account
 * sees and deletes only its own clusters and commands.
 */
public final class DashServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DashServlet.class);
    /** Where the dashboard is served. */
    public static final String PATH = "/dash";
    static final String SESSION_COOKIE = "antrieb_dash";
    static final String LOGIN_COOKIE = "antrieb_dash_login";
    /** How many of the newest log entries the command page reads. */
    static final int LOG_WINDOW = 2000;
    /** How many entries the command page shows. */
    static final int SHOWN = 200;
    /** How much of each output stream a page shows. */
    static final int SHOWN_OUTPUT_CHARS = 8 * 1024;
    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final transient DashSessions sessions;
    private final transient ClusterRegistry registry;
    private final transient CommandLog commandLog;
    private final transient ValidationRuns runs;
    private final transient AntriebBackend backend;
    private final transient ApiKeyStore keys;
    private final transient ServerMetrics metrics;
    private final transient AccountLimits accountDefaults;
    private final transient ServerHttpHeaderValidator originAndHost;
    private final transient Clock clock;
    private transient TemplateEngine engine;
    private transient JakartaServletWebApplication application;

    /**
     * The dashboard over {@code registry} and {@code commandLog}, signing in with {@code sessions}.
     *
     * @param accountDefaults the limits of accounts that have none of their own (the operator page shows them)
     */
    public DashServlet(DashSessions sessions, ApiKeyStore keys, ClusterRegistry registry, CommandLog commandLog, ValidationRuns runs,
                       AntriebBackend backend, ServerMetrics metrics, AccountLimits accountDefaults, ServerHttpHeaderValidator originAndHost,
                       Clock clock) {
        this.accountDefaults = accountDefaults;
        this.runs = runs;
        this.sessions = sessions;
        this.metrics = metrics;
        this.keys = keys;
        this.registry = registry;
        this.commandLog = commandLog;
        this.backend = backend;
        this.originAndHost = originAndHost;
        this.clock = clock;
    }

    @Override
    public void init() throws ServletException {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(DashServlet.class.getClassLoader());
        resolver.setPrefix("sh/antrieb/mcp/dash/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
        application = JakartaServletWebApplication.buildApplication(getServletContext());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Content-Security-Policy", CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Referrer-Policy", "same-origin");
        res.setHeader("Cache-Control", "no-store");
        try {
            originAndHost.validate(new ServletHeaders(req));
        } catch (ServerTransportSecurityException e) {
            boolean origin = e.getStatusCode() == HttpServletResponse.SC_FORBIDDEN;
            log.warn("dashboard: refused {} {} from {}: {}", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), e.getMessage());
            plain(res, e.getStatusCode(), origin
                    ? "Origin " + req.getHeader("Origin") + " is not allowed on this server (start it with --allowed-origin to allow it)"
                    : "Host " + req.getHeader("Host") + " is not this server (start it with --allowed-host to allow it)");
            return;
        }
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        String method = req.getMethod();
        try {
            if (path.startsWith("/static/") && method.equals("GET")) {
                serveStatic(path.substring("/static/".length()), res);
                return;
            }
            if (path.equals("/login")) {
                if (method.equals("GET")) {
                    loginPage(req, res, null, HttpServletResponse.SC_OK);
                } else if (method.equals("POST")) {
                    login(req, res);
                } else {
                    plain(res, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "GET or POST " + PATH + "/login");
                }
                return;
            }
            Optional<DashSessions.Session> session = sessions.find(cookie(req, SESSION_COOKIE));
            if (session.isEmpty()) {
                if (method.equals("GET")) {
                    res.sendRedirect(PATH + "/login");
                } else {
                    plain(res, HttpServletResponse.SC_FORBIDDEN, "not signed in (or the session ended): sign in at " + PATH + "/login");
                }
                return;
            }
            DashSessions.Session s = session.get();
            if (method.equals("POST") && !DashSessions.csrfMatches(s, req.getParameter("csrf"))) {
                log.warn("dashboard: refused {} {} for account {}: missing or wrong CSRF token", method, path, s.account().name());
                page(req, res, HttpServletResponse.SC_FORBIDDEN, "error", s, Map.of("message",
                        "This action's form token is missing or stale, so it was refused (the server guards against requests "
                                + "made by other sites). Reload the page and try again."));
                return;
            }
            route(req, res, s, method, path);
        } catch (RuntimeException e) {
            log.warn("dashboard: {} {} failed", method, path, e);
            if (!res.isCommitted()) {
                plain(res, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "the dashboard failed on this page: " + e.getClass().getSimpleName()
                        + ". This is a bug of the server; the page can be reloaded.");
            }
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s, String method, String path) throws IOException {
        if (method.equals("GET") && (path.equals("/") || path.equals("/clusters"))) {
            clustersPage(req, res, s);
        } else if (method.equals("GET") && path.equals("/commands")) {
            commandsPage(req, res, s);
        } else if (method.equals("GET") && path.equals("/account")) {
            accountPage(req, res, s, null, null, HttpServletResponse.SC_OK);
        } else if (method.equals("POST") && path.equals("/account/namespace")) {
            changeNamespace(req, res, s);
        } else if (method.equals("POST") && path.equals("/account/keys")) {
            ApiKeyStore.CreatedKey k = keys.create(s.account().name(), null, null);
            log.info("dashboard: account {} created key {}", s.account().name(), k.id());
            // Shown in this one response only (no-store), never again.
            accountPage(req, res, s, k, null, HttpServletResponse.SC_OK);
        } else if (method.equals("POST") && path.startsWith("/account/keys/") && path.endsWith("/revoke")) {
            String id = path.substring("/account/keys/".length(), path.length() - "/revoke".length());
            boolean own = keys.list().stream().anyMatch(k -> k.id().equals(id) && k.account().equals(s.account().name()));
            if (!own) {
                accountPage(req, res, s, null, "This account has no key " + id + ".", HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            keys.revoke(id);
            log.info("dashboard: account {} revoked key {}", s.account().name(), id);
            if (id.equals(s.keyId())) {
                sessions.signOut(s.id());
                res.addHeader("Set-Cookie", cookieHeader(req, SESSION_COOKIE, "", 0));
                res.sendRedirect(PATH + "/login?signed_out=1");
            } else {
                res.sendRedirect(PATH + "/account?revoked=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
            }
        } else if (method.equals("GET") && path.equals("/operator") && keys.isOperator(s.account().name())) {
            operatorPage(req, res, s);
        } else if (method.equals("GET") && path.equals("/validations")) {
            validationsPage(req, res, s);
        } else if (method.equals("GET") && path.startsWith("/validations/")) {
            validationPage(req, res, s, path.substring("/validations/".length()));
        } else if (method.equals("GET") && path.equals("/catalog")) {
            catalogPage(req, res, s);
        } else if (method.equals("GET") && path.startsWith("/catalog/")) {
            artifactPage(req, res, s, path.substring("/catalog/".length()));
        } else if (method.equals("POST") && path.equals("/logout")) {
            sessions.signOut(s.id());
            res.addHeader("Set-Cookie", cookieHeader(req, SESSION_COOKIE, "", 0));
            log.info("dashboard: account {} signed out", s.account().name());
            res.sendRedirect(PATH + "/login?signed_out=1");
        } else if (method.equals("POST") && path.startsWith("/clusters/") && path.endsWith("/delete")) {
            String id = path.substring("/clusters/".length(), path.length() - "/delete".length());
            String done;
            try {
                registry.delete(s.account(), id);
                log.info("dashboard: account {} deleted cluster {}", s.account().name(), id);
                done = "deleted";
            } catch (ClusterExpiredException e) {
                done = "gone";
            }
            res.sendRedirect(PATH + "?" + done + "=" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
        } else {
            page(req, res, HttpServletResponse.SC_NOT_FOUND, "error", s, Map.of("message", "There is no such page on the dashboard."));
        }
    }

    // ---- sign-in ----------------------------------------------------------------------------------

    private void loginPage(HttpServletRequest req, HttpServletResponse res, String error, int status) throws IOException {
        if (error == null && sessions.find(cookie(req, SESSION_COOKIE)).isPresent()) {
            res.sendRedirect(PATH);
            return;
        }
        String token = sessions.token();
        res.addHeader("Set-Cookie", cookieHeader(req, LOGIN_COOKIE, token, 600));
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("csrf", token);
        vars.put("error", error);
        vars.put("signedOut", req.getParameter("signed_out") != null);
        page(req, res, status, "login", null, vars);
    }

    private void login(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String expected = cookie(req, LOGIN_COOKIE);
        String presented = req.getParameter("csrf");
        if (expected == null || presented == null || !java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            log.warn("dashboard: refused a sign-in from {}: missing or wrong form token", req.getRemoteAddr());
            loginPage(req, res, "The sign-in form was stale or not this server's. Try again.", HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        Optional<DashSessions.Session> s = sessions.signIn(req.getParameter("key"));
        if (s.isEmpty()) {
            log.info("dashboard: a sign-in from {} with an invalid key", req.getRemoteAddr());
            loginPage(req, res, "That API key is not valid on this server (create one with: bin/antrieb-mcp key create --account NAME).",
                    HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        log.info("dashboard: account {} signed in from {}", s.get().account().name(), req.getRemoteAddr());
        res.addHeader("Set-Cookie", cookieHeader(req, LOGIN_COOKIE, "", 0));
        res.addHeader("Set-Cookie", cookieHeader(req, SESSION_COOKIE, s.get().id(), -1));
        res.sendRedirect(PATH);
    }

    /**
     * A cookie scoped to the dashboard: HttpOnly, SameSite=Strict, Secure when the browser's request came over TLS:
     * to this server, or to a TLS-terminating proxy in front of it that says so ({@code X-Forwarded-Proto: https} or
     * {@code Forwarded: proto=https}). The proxy's word is safe to take here without trusting it: a client that
     * forges it only gets a cookie its own browser will not send back over plain HTTP.
     */
    static String cookieHeader(HttpServletRequest req, String name, String value, int maxAgeSeconds) {
        StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=").append(PATH)
                .append("; HttpOnly; SameSite=Strict");
        if (maxAgeSeconds >= 0) {
            b.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (overTls(req)) {
            b.append("; Secure");
        }
        return b.toString();
    }

    private static boolean overTls(HttpServletRequest req) {
        if (req.isSecure() || "https".equalsIgnoreCase(String.valueOf(req.getHeader("X-Forwarded-Proto")).strip())) {
            return true;
        }
        String forwarded = req.getHeader("Forwarded");
        return forwarded != null && forwarded.toLowerCase(java.util.Locale.ROOT).matches("(?s).*\\bproto=\"?https\"?\\b.*");
    }

    // ---- pages ------------------------------------------------------------------------------------

    private void clustersPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        Instant now = clock.instant();
        List<Map<String, Object>> clusters = new ArrayList<>();
        for (Cluster c : registry.list(s.account())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("createdAt", shownTime(c.createdAt().toString()));
            m.put("expiresAt", c.expiresAt().toString()); // machine-readable for the countdown
            m.put("expiresShown", shownTime(c.expiresAt().toString()));
            m.put("ttlLeft", left(Duration.between(now, c.expiresAt())));
            m.put("accelerator", String.valueOf(c.accelerator()).toLowerCase(Locale.ROOT));
            m.put("provisionSeconds", String.format(Locale.ROOT, "%.1f", c.provisionTime().toMillis() / 1000.0));
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (Node n : c.nodes()) {
                Map<String, Object> nm = new LinkedHashMap<>();
                nm.put("name", n.name());
                nm.put("image", AntriebTools.shown(n.image()));
                List<String> addresses = new ArrayList<>();
                n.addresses().forEach((net, ip) -> addresses.add(net + " " + ip));
                nm.put("addresses", addresses.isEmpty() ? List.of("no platform address") : addresses);
                nodes.add(nm);
            }
            m.put("nodes", nodes);
            clusters.add(m);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("clusters", clusters);
        vars.put("deleted", req.getParameter("deleted"));
        vars.put("gone", req.getParameter("gone"));
        page(req, res, HttpServletResponse.SC_OK, "clusters", s, vars);
    }

    /**
     * Moves the account to the namespace of the form, by the key store's rules ({@link ApiKeyStore#changeNamespace});
     * a refused one is shown on the account page with the reason, and nothing changes.
     */
    private void changeNamespace(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        String asked = req.getParameter("namespace");
        Account moved;
        try {
            moved = keys.changeNamespace(s.account().name(), asked);
        } catch (IllegalArgumentException e) {
            log.info("dashboard: account {} could not change its namespace: {}", s.account().name(), e.getMessage());
            accountPage(req, res, s, null, "The namespace was not changed: " + e.getMessage(), HttpServletResponse.SC_BAD_REQUEST,
                    asked);
            return;
        }
        if (moved.namespace().equals(s.account().namespace())) {
            res.sendRedirect(PATH + "/account"); // the one it had: nothing to say
            return;
        }
        log.info("dashboard: account {} changed its namespace from {} to {}", s.account().name(), s.account().namespace(), moved.namespace());
        res.sendRedirect(PATH + "/account?namespace_changed=" + java.net.URLEncoder.encode(s.account().namespace(), StandardCharsets.UTF_8));
    }

    private void accountPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s, ApiKeyStore.CreatedKey created,
                             String error, int status) throws IOException {
        accountPage(req, res, s, created, error, status, null);
    }

    private void accountPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s, ApiKeyStore.CreatedKey created,
                             String error, int status, String askedNamespace) throws IOException {
        List<Map<String, Object>> own = new ArrayList<>();
        for (ApiKeyStore.KeyInfo k : keys.list()) {
            if (k.account().equals(s.account().name())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", k.id());
                m.put("createdAt", shownTime(k.createdAt().toString()));
                m.put("current", k.id().equals(s.keyId()));
                own.add(m);
            }
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("keys", own);
        vars.put("limits", s.account().limits().maxConcurrentClusters() + " concurrent clusters, " + s.account().limits().maxNodes()
                + " nodes per cluster (+1 controller), TTL " + s.account().limits().ttl().toMinutes() + " min");
        vars.put("createdKey", created == null ? null : created.key());
        vars.put("createdId", created == null ? null : created.id());
        vars.put("revoked", req.getParameter("revoked"));
        vars.put("formerNamespace", error == null ? req.getParameter("namespace_changed") : null);
        vars.put("askedNamespace", askedNamespace == null ? s.account().namespace() : askedNamespace);
        vars.put("error", error);
        page(req, res, status, "account", s, vars);
    }

    /** Every account's usage, every live cluster, failures by cause: for operators only (others get 404). */
    private void operatorPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        Instant now = clock.instant();
        Map<String, List<Cluster>> live = registry.byAccount();
        Map<String, Long> keyCounts = new java.util.TreeMap<>();
        for (ApiKeyStore.KeyInfo k : keys.list()) {
            keyCounts.merge(k.account(), 1L, Long::sum);
        }
        java.util.Set<String> names = new java.util.TreeSet<>(keys.accountNames());
        names.addAll(live.keySet());
        List<Map<String, Object>> accounts = new ArrayList<>();
        int clusterTotal = 0;
        int nodeTotal = 0;
        for (String name : names) {
            List<Cluster> cs = live.getOrDefault(name, List.of());
            int nodes = cs.stream().mapToInt(c -> c.nodes().size()).sum();
            clusterTotal += cs.size();
            nodeTotal += nodes;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("namespace", keys.account(name).map(Account::namespace).orElse(name));
            m.put("operator", keys.isOperator(name));
            m.put("keys", keyCounts.getOrDefault(name, 0L));
            m.put("clusters", cs.size());
            m.put("nodes", nodes);
            long commands;
            try {
                commands = sh.antrieb.mcp.Account.NAME.matcher(name).matches() ? commandLog.count(name) : 0;
            } catch (java.io.UncheckedIOException e) {
                commands = -1;
            }
            m.put("commands", commands);
            m.put("limits", keys.account(name).map(a -> a.limits().maxConcurrentClusters() + " clusters, " + a.limits().maxNodes()
                    + " nodes, TTL " + a.limits().ttl().toMinutes() + " min").orElse(""));
            accounts.add(m);
        }
        List<Map<String, Object>> clusters = new ArrayList<>();
        live.forEach((account, cs) -> {
            for (Cluster c : cs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("account", account);
                m.put("nodes", c.nodes().stream().map(n -> n.name() + " " + AntriebTools.shown(n.image())).toList());
                m.put("accelerator", String.valueOf(c.accelerator()).toLowerCase(Locale.ROOT));
                m.put("expiresAt", c.expiresAt().toString());
                m.put("ttlLeft", left(Duration.between(now, c.expiresAt())));
                clusters.add(m);
            }
        });
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("accounts", accounts);
        vars.put("clusters", clusters);
        vars.put("clusterTotal", clusterTotal);
        vars.put("nodeTotal", nodeTotal);
        vars.put("failures", metrics.failures());
        hostsView(vars);
        page(req, res, HttpServletResponse.SC_OK, "operator", s, vars);
    }

    /** The host(s) as the operator page shows them, or why they could not be asked; and the server's own limits. */
    private void hostsView(Map<String, Object> vars) {
        List<Map<String, Object>> hosts = new ArrayList<>();
        String error = null;
        try {
            for (HostCapacity h : backend.hosts()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("uri", h.uri().toString());
                m.put("accelerator", h.accelerator().name().toLowerCase(Locale.ROOT));
                m.put("memory", size(h.freeMemoryBytes()) + " free of " + size(h.memoryBytes()));
                m.put("cpus", h.cpus() + " CPUs; running guests have " + h.guestVcpus() + " vCPUs");
                m.put("guests", h.runningGuests() + " running (" + size(h.guestMemoryBytes()) + "); Antrieb: " + h.clusters()
                        + " clusters, " + h.nodes() + " nodes");
                m.put("pool", h.poolKnown() ? size(h.poolAllocationBytes()) + " used, " + size(h.poolAvailableBytes()) + " free of "
                        + size(h.poolCapacityBytes()) : "not created yet");
                m.put("limits", "at most " + h.maxConcurrentClusters() + " concurrent clusters in all (now " + h.clusters() + "), "
                        + h.maxNodes() + " nodes per cluster (+1 controller), TTL at most " + h.maxTtl().toMinutes() + " min, nodes of "
                        + h.defaultVmSize().vcpus() + " vCPU / " + h.defaultVmSize().memoryMiB() + " MiB / " + h.defaultVmSize().diskGiB()
                        + " GiB unless asked otherwise");
                hosts.add(m);
            }
        } catch (RuntimeException e) { // a lost libvirt connection: the rest of the page is still worth showing
            log.warn("dashboard: cannot read host capacity: {}", e.getMessage());
            error = "The host could not be asked for its capacity: " + e.getMessage();
        }
        vars.put("hosts", hosts);
        vars.put("hostsError", error);
        vars.put("accountDefaults", accountDefaults.maxConcurrentClusters() + " clusters, " + accountDefaults.maxNodes()
                + " nodes per cluster (+1 controller), TTL " + accountDefaults.ttl().toMinutes() + " min");
    }

    private void catalogPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        String q = blankToNull(req.getParameter("q"));
        Map<String, Object> vars = new LinkedHashMap<>();
        for (Catalog.Type t : SHOWN_TYPES) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (Artifact a : backend.catalog(s.account().namespace()).search(t, q, SHOWN)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("fqName", a.fqName());
                m.put("description", a.description() == null ? "" : a.description());
                m.put("builtin", a.builtin());
                m.put("href", PATH + "/catalog/" + t.wireName() + "/" + a.fqName());
                m.put("attributes", attributes(a));
                items.add(m);
            }
            vars.put(t.wireName() + "s", items);
        }
        vars.put("q", q);
        page(req, res, HttpServletResponse.SC_OK, "catalog", s, vars);
    }

    private void artifactPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s, String rest) throws IOException {
        int slash = rest.indexOf('/');
        Optional<Catalog.Type> type = Optional.empty();
        if (slash > 0) {
            try {
                type = Optional.of(Catalog.Type.of(rest.substring(0, slash))).filter(SHOWN_TYPES::contains);
            } catch (RuntimeException e) { // core's CatalogException for a type it does not know
                type = Optional.empty();
            }
        }
        Optional<Artifact> a = type.isEmpty() ? Optional.empty()
                : backend.catalog(s.account().namespace()).fetch(type.get(), rest.substring(slash + 1));
        if (a.isEmpty()) {
            page(req, res, HttpServletResponse.SC_NOT_FOUND, "error", s, Map.of("message",
                    "No such image, runbook or network in this account's namespace or antrieb/."));
            return;
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("type", a.get().type().wireName());
        vars.put("fqName", a.get().fqName());
        vars.put("description", a.get().description() == null ? "" : a.get().description());
        vars.put("builtin", a.get().builtin());
        vars.put("attributes", attributes(a.get()));
        String body = a.get().body();
        vars.put("body", body);
        // Runbooks as pages: commonmark with raw HTML escaped and unsafe link targets dropped, so the markup is ours.
        vars.put("bodyHtml", body != null && a.get().type() == Catalog.Type.RUNBOOK ? renderRunbook(body) : null);
        page(req, res, HttpServletResponse.SC_OK, "artifact", s, vars);
    }

    /** What the catalog pages show (clusters have their own page). */
    private static final List<Catalog.Type> SHOWN_TYPES = List.of(Catalog.Type.IMAGE, Catalog.Type.RUNBOOK, Catalog.Type.NETWORK);
    private static final org.commonmark.parser.Parser PARSER = org.commonmark.parser.Parser.builder().build();
    private static final org.commonmark.renderer.html.HtmlRenderer MARKDOWN = org.commonmark.renderer.html.HtmlRenderer.builder()
            .escapeHtml(true).sanitizeUrls(true).build();

    /** A runbook's markdown as HTML the page may include: raw HTML in it escaped, unsafe link targets dropped. */
    public static String renderRunbook(String markdown) {
        return MARKDOWN.render(PARSER.parse(markdown));
    }

    private static List<String> attributes(Artifact a) {
        List<String> out = new ArrayList<>();
        a.attributes().forEach((k, v) -> out.add(k + ": " + v));
        out.add("version: " + a.version());
        if (a.createdAt() != null) {
            out.add("saved: " + shownTime(a.createdAt().toString()));
        }
        return out;
    }

    private void validationsPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> r : runs.list(s.account().name())) {
            shown.add(runView(r));
        }
        page(req, res, HttpServletResponse.SC_OK, "validations", s, Map.of("runs", shown));
    }

    private void validationPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s, String id) throws IOException {
        Optional<Map<String, Object>> r = runs.find(s.account().name(), id);
        if (r.isEmpty()) {
            page(req, res, HttpServletResponse.SC_NOT_FOUND, "error", s, Map.of("message", "This account has no validation run " + id + "."));
            return;
        }
        Map<String, Object> v = runView(r.get());
        List<Map<String, Object>> iterations = new ArrayList<>();
        if (r.get().get("iterations") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> i) {
                    Map<String, Object> iv = new LinkedHashMap<>();
                    iv.put("number", String.valueOf(i.get("number")));
                    iv.put("cluster", String.valueOf(i.get("cluster")));
                    iv.put("passed", Boolean.TRUE.equals(i.get("passed")));
                    iv.put("recovery", i.get("recovery") == null ? "" : String.valueOf(i.get("recovery")));
                    iv.put("reason", i.get("reason") == null ? "" : String.valueOf(i.get("reason")));
                    iv.put("code", String.valueOf(i.get("code")));
                    iv.put("findings", i.get("findings") instanceof List<?> f ? f.stream().map(String::valueOf).toList() : List.of());
                    iv.put("took", i.get("duration_ms") instanceof Number n ? millis(n.longValue()) : "");
                    iterations.add(iv);
                }
            }
        }
        v.put("iterations", iterations);
        v.put("runbook", r.get().get("runbook"));
        v.put("reportHtml", renderRunbook(String.valueOf(r.get().getOrDefault("markdown", ""))));
        page(req, res, HttpServletResponse.SC_OK, "validation", s, Map.of("run", v));
    }

    /** Where the time went, in the order it is spent; the timeline's parts. */
    private static final List<String> TIME_PARTS = List.of("provisioning", "code", "model", "troubleshooting", "teardown", "engine");

    /** A run as the pages show it: its fields, and the timeline's parts as x/width out of 1000. */
    private static Map<String, Object> runView(Map<String, Object> r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.get("id"));
        v.put("time", shownTime(String.valueOf(r.get("time"))));
        v.put("mode", r.get("mode"));
        v.put("outcome", r.get("outcome"));
        v.put("ok", "passed".equals(r.get("outcome")) || "verified".equals(r.get("outcome")));
        v.put("summary", r.get("summary"));
        v.put("task", r.get("task"));
        v.put("clusters", r.get("clusters") instanceof List<?> l ? l.size() : 0);
        long total = r.get("duration_ms") instanceof Number n ? n.longValue() : 0;
        v.put("took", millis(total));
        List<Map<String, Object>> parts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (r.get("timings_ms") instanceof Map<?, ?> t && total > 0) {
            int x = 0;
            for (String name : TIME_PARTS) {
                if (t.get(name) instanceof Number n && n.longValue() > 0) {
                    int width = (int) Math.min(1000 - x, Math.round(1000.0 * n.longValue() / total));
                    String label = name + " " + millis(n.longValue()) + String.format(Locale.ROOT, " (%.0f %%)", 100.0 * n.longValue() / total);
                    parts.add(Map.of("name", name, "x", x, "width", width, "label", label));
                    labels.add(label);
                    x += width;
                }
            }
        }
        v.put("parts", parts);
        v.put("timelineLabel", "where the time went: " + String.join(", ", labels));
        return v;
    }

    private void commandsPage(HttpServletRequest req, HttpServletResponse res, DashSessions.Session s) throws IOException {
        String cluster = blankToNull(req.getParameter("cluster"));
        String q = blankToNull(req.getParameter("q"));
        List<Map<String, Object>> entries = new ArrayList<>(commandLog.read(s.account().name(), LOG_WINDOW));
        Collections.reverse(entries);
        List<Map<String, Object>> shown = new ArrayList<>();
        int matching = 0;
        for (Map<String, Object> e : entries) {
            if (cluster != null && !cluster.equals(e.get("session_id"))) {
                continue;
            }
            if (q != null && !matches(e, q)) {
                continue;
            }
            matching++;
            if (shown.size() < SHOWN) {
                shown.add(view(e));
            }
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("entries", shown);
        vars.put("matching", matching);
        vars.put("cluster", cluster);
        vars.put("q", q);
        vars.put("window", LOG_WINDOW);
        vars.put("total", entries.size());
        page(req, res, HttpServletResponse.SC_OK, "commands", s, vars);
    }

    private static Map<String, Object> view(Map<String, Object> e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("time", shownTime(String.valueOf(e.get("time"))));
        v.put("cluster", e.get("session_id"));
        v.put("node", e.get("node"));
        v.put("command", output(e, "command"));
        v.put("exitCode", e.get("exit_code"));
        v.put("ok", Integer.valueOf(0).equals(e.get("exit_code")) && !Boolean.TRUE.equals(e.get("timed_out")));
        v.put("timedOut", Boolean.TRUE.equals(e.get("timed_out")));
        v.put("duration", e.get("duration_ms") instanceof Number n ? millis(n.longValue()) : "");
        v.put("secretNames", e.get("secret_env_names"));
        v.put("stdout", output(e, "stdout"));
        v.put("stderr", output(e, "stderr"));
        return v;
    }

    /** A stream as a page shows it: text (cut), its true size, and whether it was cut. */
    private static Map<String, Object> output(Map<String, Object> e, String stream) {
        Map<String, Object> o = new LinkedHashMap<>();
        String text = e.get(stream) instanceof String t ? t : "";
        long bytes = e.get(stream + "_bytes") instanceof Number n ? n.longValue() : text.getBytes(StandardCharsets.UTF_8).length;
        boolean cut = text.length() > SHOWN_OUTPUT_CHARS;
        String shownText = cut ? text.substring(0, Character.isHighSurrogate(text.charAt(SHOWN_OUTPUT_CHARS - 1))
                ? SHOWN_OUTPUT_CHARS - 1 : SHOWN_OUTPUT_CHARS) : text;
        o.put("text", shownText);
        o.put("bytes", bytes);
        // Keys that are no java.util.Map method's name: templates read them as properties.
        o.put("shownSize", size(bytes));
        o.put("cut", cut || bytes > shownText.getBytes(StandardCharsets.UTF_8).length);
        o.put("none", bytes == 0);
        return o;
    }

    private static boolean matches(Map<String, Object> e, String q) {
        String hay = (e.get("command") + "\n" + e.get("node") + "\n" + e.get("session_id") + "\n" + e.get("stdout") + "\n"
                + e.get("stderr") + "\nexit " + e.get("exit_code")).toLowerCase(Locale.ROOT);
        for (String w : q.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!w.isEmpty() && !hay.contains(w)) {
                return false;
            }
        }
        return true;
    }

    private void page(HttpServletRequest req, HttpServletResponse res, int status, String template, DashSessions.Session s,
                      Map<String, Object> vars) throws IOException {
        WebContext ctx = new WebContext(application.buildExchange(req, res), Locale.ENGLISH);
        ctx.setVariables(vars);
        ctx.setVariable("account", s == null ? null : s.account().name());
        ctx.setVariable("namespace", s == null ? null : s.account().namespace());
        ctx.setVariable("sessionCsrf", s == null ? null : s.csrfToken());
        ctx.setVariable("operator", s != null && keys.isOperator(s.account().name()));
        res.setStatus(status);
        res.setContentType("text/html;charset=UTF-8");
        engine.process(template, ctx, res.getWriter());
    }

    private void serveStatic(String name, HttpServletResponse res) throws IOException {
        String type = name.endsWith(".css") ? "text/css;charset=UTF-8" : name.endsWith(".js") ? "text/javascript;charset=UTF-8" : null;
        InputStream in = type == null || !name.matches("[a-z0-9-]+\\.(css|js)") ? null
                : DashServlet.class.getResourceAsStream("/sh/antrieb/mcp/dash/static/" + name);
        if (in == null) {
            plain(res, HttpServletResponse.SC_NOT_FOUND, "no such file");
            return;
        }
        try (in) {
            byte[] body = in.readAllBytes();
            res.setStatus(HttpServletResponse.SC_OK);
            res.setContentType(type);
            res.setHeader("Cache-Control", "max-age=300");
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
        }
    }

    private static void plain(HttpServletResponse res, int status, String message) throws IOException {
        res.setStatus(status);
        res.setContentType("text/plain;charset=UTF-8");
        res.getWriter().write(message + "\n");
    }

    private static String cookie(HttpServletRequest req, String name) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** An ISO-8601 instant as a page shows it: to the second, in UTC; anything else as it is. */
    static String shownTime(String iso) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .withZone(java.time.ZoneOffset.UTC).format(Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    static String left(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "expired";
        }
        long s = d.toSeconds();
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s left" : s + " s left";
    }

    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    }

    static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : bytes < 1L << 30 ? String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024))
                : String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
