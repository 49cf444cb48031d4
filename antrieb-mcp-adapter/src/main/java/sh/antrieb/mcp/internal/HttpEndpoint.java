package sh.antrieb.mcp.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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

/** An embedded Tomcat serving servlets (the MCP one at {@code /mcp}, {@code /metrics}, ...), each behind filters of its own. */
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
     * One servlet at {@code urlPatterns} (servlet URL patterns, e.g. {@code /mcp}, {@code /dash/*}), with {@code filters}
     * in front of it, the first one first.
     */
    public record Mount(String name, HttpServlet servlet, List<String> urlPatterns, List<Filter> filters) {
        /** Validates the mount. */
        public Mount {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(servlet, "servlet");
            urlPatterns = List.copyOf(urlPatterns);
            filters = List.copyOf(filters);
        }
    }

    /**
     * Starts serving {@code servlet} at {@code bind:port}{@value #PATH}, {@code filters} in front of it
     * (the first one first).
     *
     * @param port 0 for any free port
     */
    public static HttpEndpoint start(String bind, int port, HttpServlet servlet, Filter... filters) {
        return start(bind, port, List.of(new Mount("mcp", servlet, List.of(PATH), List.of(filters))));
    }

    /**
     * Starts serving {@code mounts} at {@code bind:port}; paths no mount names answer 404. The first mount is the
     * one whose URL {@link #uri()} gives.
     *
     * @param port 0 for any free port
     */
    public static HttpEndpoint start(String bind, int port, List<Mount> mounts) {
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
            // Servlets of our own, no web application to unload: skip the leak hunt and its warnings at stop.
            sc.setClearReferencesThreadLocals(false);
            sc.setClearReferencesRmiTargets(false);
        }
        for (Mount m : mounts) {
            Wrapper wrapper = Tomcat.addServlet(ctx, m.name(), m.servlet());
            wrapper.setAsyncSupported(true);
            wrapper.setLoadOnStartup(1);
            for (String pattern : m.urlPatterns()) {
                ctx.addServletMappingDecoded(pattern, m.name());
            }
            for (int i = 0; i < m.filters().size(); i++) {
                String filterName = m.name() + "-filter-" + i;
                FilterDef def = new FilterDef();
                def.setFilterName(filterName);
                def.setFilter(m.filters().get(i));
                def.setAsyncSupported("true");
                ctx.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName(filterName);
                map.addServletName(m.name());
                ctx.addFilterMap(map);
            }
        }
        String firstPath = mounts.isEmpty() || mounts.get(0).urlPatterns().isEmpty() ? "/"
                : mounts.get(0).urlPatterns().get(0).replace("/*", "");

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
        URI uri = URI.create("http://" + host + ":" + actual + firstPath);
        log.info("HTTP endpoint at {} ({})", uri, mounts.stream().map(m -> String.join(" ", m.urlPatterns())).toList());
        return new HttpEndpoint(tomcat, base, uri);
    }

    /** The first mount's URL, e.g. {@code http://127.0.0.1:8470/mcp}. */
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
