package sh.antrieb;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "The outside" for network tests, without leaving the machine: a network namespace joined to the host by
 * a veth pair, {@link #HOST_SIDE} on the host and {@link #ADDRESS} inside (a /30 of TEST-NET-2 picked by
 * this JVM's pid, so that test JVMs running at once do not collide), where tiny HTTP servers answer on the
 * given ports with {@code upstream:<port>}. Guests reach it the way they would reach the internet:
 * routed and masqueraded by the host.
 */
final class FakeUpstream implements AutoCloseable {
    private static final int SLOT = (int) (ProcessHandle.current().pid() % 64);
    static final String HOST_SIDE = "198.51.100." + (4 * SLOT + 1);
    static final String ADDRESS = "198.51.100." + (4 * SLOT + 2);

    private final String ns;
    private final String veth;
    private final List<Process> servers = new ArrayList<>();

    private FakeUpstream(String suffix) {
        this.ns = "antrieb-up-" + suffix;
        this.veth = "aup" + suffix;
    }

    /** Starts the namespace with HTTP servers on {@code ports}; waits until the host can reach each. */
    static FakeUpstream start(int... ports) throws IOException, InterruptedException {
        String suffix = Integer.toHexString(new SecureRandom().nextInt(0xfffff) | 0x100000);
        FakeUpstream up = new FakeUpstream(suffix);
        try {
            up.run("ip", "netns", "add", up.ns);
            up.run("ip", "link", "add", up.veth, "type", "veth", "peer", "name", "eth0", "netns", up.ns);
            up.run("ip", "addr", "add", HOST_SIDE + "/30", "dev", up.veth);
            up.run("ip", "link", "set", up.veth, "up");
            up.run("ip", "netns", "exec", up.ns, "ip", "addr", "add", ADDRESS + "/30", "dev", "eth0");
            up.run("ip", "netns", "exec", up.ns, "ip", "link", "set", "eth0", "up");
            up.run("ip", "netns", "exec", up.ns, "ip", "link", "set", "lo", "up");
            up.run("ip", "netns", "exec", up.ns, "ip", "route", "add", "default", "via", HOST_SIDE);
            for (int port : ports) {
                String server = "import http.server as h\n"
                        + "class H(h.BaseHTTPRequestHandler):\n"
                        + "    def do_GET(self):\n"
                        + "        b = b'upstream:" + port + "\\n'\n"
                        + "        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)\n"
                        + "    def log_message(self, *a): pass\n"
                        + "h.HTTPServer(('" + ADDRESS + "', " + port + "), H).serve_forever()\n";
                up.servers.add(new ProcessBuilder("ip", "netns", "exec", up.ns, "python3", "-c", server)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (int port : ports) {
                up.awaitFromHost(port);
            }
            return up;
        } catch (IOException | InterruptedException | RuntimeException e) {
            up.close();
            throw e;
        }
    }

    /** The URL of the server on {@code port}. */
    String url(int port) {
        return "http://" + ADDRESS + ":" + port + "/";
    }

    private void awaitFromHost(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url(port)).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(1000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("fake upstream on port " + port + " did not answer the host", e);
                }
            }
            Thread.sleep(200);
        }
    }

    private void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        servers.forEach(Process::destroyForcibly);
        for (String[] cmd : List.of(new String[] {"ip", "link", "del", veth}, new String[] {"ip", "netns", "del", ns})) {
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // best effort
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
