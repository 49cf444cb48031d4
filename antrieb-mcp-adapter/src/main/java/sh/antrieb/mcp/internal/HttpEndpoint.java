package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;

/** An embedded Tomcat serving one servlet at {@code /mcp} behind filters on every path, applied in order. */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);
    /** The path of the MCP endpoint. */
    public static final String PATH = "/mcp";

    private final Tomcat tomcat;
    private final Path baseDir;
    private final URI uri;

    private HttpEndpoint(Tomcat tomcat, Path baseDir, URI uri) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.uri = uri;
    }

    /**
     * Starts serving {@code servlet} at {@code bind:port}{@value #PATH}, {@code filters} in front of every path
     * (the first one first).
     *
     * @param port 0 for any free port
     */
    public static HttpEndpoint start(String bind, int port, HttpServlet servlet, Filter... filters) {
        Path base;
        try {
            base = Files.createTempDirectory("antrieb-mcp-tomcat-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Tomcat's base directory", e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(port);
        connector.setProperty("address", bind);
        // No server banner: the port answers only to key holders anyway.
        connector.setProperty("server", "antrieb");
        tomcat.setConnector(connector);
        tomcat.getHost().setAutoDeploy(false);

        Context ctx = tomcat.addContext("", base.toString());
        if (ctx instanceof StandardContext sc) {
            // One servlet of our own, no web application to unload: skip the leak hunt and its warnings at stop.
            sc.setClearReferencesThreadLocals(false);
            sc.setClearReferencesRmiTargets(false);
        }
        Wrapper wrapper = Tomcat.addServlet(ctx, "mcp", servlet);
        wrapper.setAsyncSupported(true);
        wrapper.setLoadOnStartup(1);
        ctx.addServletMappingDecoded(PATH, "mcp");

        for (int i = 0; i < filters.length; i++) {
            FilterDef def = new FilterDef();
            def.setFilterName("antrieb-filter-" + i);
            def.setFilter(filters[i]);
            def.setAsyncSupported("true");
            ctx.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("antrieb-filter-" + i);
            map.addURLPattern("/*");
            ctx.addFilterMap(map);
        }

        try {
            tomcat.start();
        } catch (LifecycleException e) {
            destroyQuietly(tomcat);
            deleteTree(base);
            throw new IllegalStateException("cannot start the HTTP server on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        int actual = connector.getLocalPort();
        if (actual <= 0) {
            destroyQuietly(tomcat);
            deleteTree(base);
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + " (is the port in use?)");
        }
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        URI uri = URI.create("http://" + host + ":" + actual + PATH);
        log.info("MCP streamable HTTP endpoint at {}", uri);
        return new HttpEndpoint(tomcat, base, uri);
    }

    /** The endpoint's URL, e.g. {@code http://127.0.0.1:8470/mcp}. */
    public URI uri() {
        return uri;
    }

    /** Stops serving; requests in flight are cut. */
    @Override
    public void close() {
        destroyQuietly(tomcat);
        deleteTree(baseDir);
    }

    private static void destroyQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException | RuntimeException e) {
            log.warn("stopping the HTTP server: {}", e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
