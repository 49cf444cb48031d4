package sh.antrieb.mcp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import sh.antrieb.Antrieb;
import sh.antrieb.mcp.internal.Json;

/**
 * A bounded load on the MCP server over streamable HTTP, on real clusters: {@code accounts} API keys, each
 * with {@code clustersPerAccount} one-node clusters, {@code concurrency} execs in flight per cluster for
 * {@code duration}, every call checked (HTTP 200, a result, exit code 0, the node's own name back). Counts
 * the calls, the ones not answered as they should be, the latencies, and the process's threads and file
 * descriptors after one warm-up wave of every worker, at the peak, and after the load (plus a settle time). Used by {@code McpLoadIT} with a
 * small size, and as a benchmark ({@link #main}) with the size of docs/benchmarks.md.
 */
final class McpLoad {
    /** What a run did and measured. */
    record Result(int accounts, int clustersPerAccount, int concurrency, Duration duration, long calls, long failures,
                  List<String> failureSamples, List<Long> latenciesMillis, int threadsBefore, int threadsPeak, int threadsAfter,
                  int fdsBefore, int fdsPeak, int fdsAfter) {
        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(latenciesMillis);
            Collections.sort(sorted);
            return sorted.isEmpty() ? -1 : sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
        }

        @Override
        public String toString() {
            return String.format("%d account(s) x %d cluster(s) x %d concurrent execs for %d s: %d calls, %d not answered as they"
                            + " should be, %.1f calls/s, p50 %d ms, p99 %d ms, max %d ms; threads %d -> peak %d -> %d after; fds %d -> peak %d -> %d after",
                    accounts, clustersPerAccount, concurrency, duration.toSeconds(), calls, failures, calls / (double) duration.toSeconds(),
                    percentile(0.5), percentile(0.99), percentile(1.0), threadsBefore, threadsPeak, threadsAfter, fdsBefore, fdsPeak, fdsAfter);
        }
    }

    private McpLoad() {
    }

    /**
     * Runs the load against a server on {@code antrieb} in this process; clusters are provisioned first and deleted
     * at the end; {@code settle} is waited before the "after" figures (idle pool threads end after 60 s).
     */
    static Result run(Antrieb antrieb, Path state, int accounts, int clustersPerAccount, int concurrency, Duration duration,
                      Duration settle) throws Exception {
        AccountLimits limits = AccountLimits.DEFAULTS.withMaxConcurrentClusters(clustersPerAccount);
        try (AntriebMcpServer server = AntriebMcpServer.builder(antrieb).stateDir(state).build()) {
            List<String> keys = new ArrayList<>();
            for (int a = 1; a <= accounts; a++) {
                keys.add(server.keys().create("load" + a, null, limits).key());
            }
            URI url = server.startHttp("127.0.0.1", 0);
            HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
            // Provision every cluster (accounts in parallel, each account's clusters one after another).
            List<String[]> clusters = Collections.synchronizedList(new ArrayList<>());
            ExecutorService provisioners = Executors.newFixedThreadPool(accounts);
            List<Future<?>> made = new ArrayList<>();
            for (String key : keys) {
                made.add(provisioners.submit(() -> {
                    for (int c = 0; c < clustersPerAccount; c++) {
                        Map<String, Object> r = call(http, url, key, "provision", Map.of("cluster", List.of("debian12")));
                        clusters.add(new String[] {key, (String) r.get("session_id")});
                    }
                    return null;
                }));
            }
            for (Future<?> f : made) {
                f.get();
            }
            provisioners.shutdown();

            int workers = clusters.size() * concurrency;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            // One wave of every worker first: pools (HTTP connections, server threads, exec agents) reach their size
            // before the "before" figures, so that "after" shows what the load itself left.
            List<Future<?>> warm = new ArrayList<>();
            for (String[] cluster : clusters) {
                for (int w = 0; w < concurrency; w++) {
                    warm.add(pool.submit(() -> call(http, url, cluster[0], "exec", Map.of("session_id", cluster[1], "node", "node1", "command", "true"))));
                }
            }
            for (Future<?> f : warm) {
                f.get();
            }
            int threadsBefore = threads();
            int fdsBefore = fds();
            AtomicLong calls = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            long end = System.nanoTime() + duration.toNanos();
            int[] peak = {threads(), fds()};
            List<Future<?>> running = new ArrayList<>();
            for (String[] cluster : clusters) {
                for (int w = 0; w < concurrency; w++) {
                    running.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            calls.incrementAndGet();
                            try {
                                Map<String, Object> r = call(http, url, cluster[0], "exec",
                                        Map.of("session_id", cluster[1], "node", "node1", "command", "echo $NODE_NAME"));
                                if (!Integer.valueOf(0).equals(r.get("exit_code")) || !"node1\n".equals(r.get("stdout"))) {
                                    throw new IllegalStateException("unexpected result " + r);
                                }
                                latencies.add((System.nanoTime() - t0) / 1_000_000);
                            } catch (Exception e) {
                                failures.incrementAndGet();
                                if (samples.size() < 5) {
                                    samples.add(e.toString());
                                }
                            }
                        }
                        return null;
                    }));
                }
            }
            while (running.stream().anyMatch(f -> !f.isDone())) {
                peak[0] = Math.max(peak[0], threads());
                peak[1] = Math.max(peak[1], fds());
                Thread.sleep(500);
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            Thread.sleep(settle.toMillis());
            Result r = new Result(accounts, clustersPerAccount, concurrency, duration, calls.get(), failures.get(), List.copyOf(samples),
                    List.copyOf(latencies), threadsBefore, peak[0], threads(), fdsBefore, peak[1], fds());
            for (String[] cluster : clusters) {
                call(http, url, cluster[0], "delete", Map.of("type", "cluster", "name", cluster[1]));
            }
            ((ExecutorService) http.executor().orElseThrow()).shutdown();
            return r;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(HttpClient http, URI url, String key, String tool, Map<String, Object> args)
            throws IOException, InterruptedException {
        String body = Json.write(Map.of("jsonrpc", "2.0", "id", 1, "method", "tools/call", "params", Map.of("name", tool, "arguments", args)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream").build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(tool + ": HTTP " + r.statusCode() + " " + r.body());
        }
        Map<String, Object> rpc = Json.readMap(r.body());
        Map<String, Object> result = (Map<String, Object>) rpc.get("result");
        if (result == null || Boolean.TRUE.equals(result.get("isError"))) {
            throw new IllegalStateException(tool + ": " + r.body());
        }
        return (Map<String, Object>) result.get("structuredContent");
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static int fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        }
    }

    /**
     * The benchmark: {@code McpLoad [accounts] [clustersPerAccount] [concurrency] [seconds]} (defaults 4 2 8 180),
     * 1 vCPU / 768 MiB nodes; prints one line of figures.
     */
    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int clusters = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Duration duration = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 180);
        Path state = Files.createTempDirectory("antrieb-mcp-load-");
        try (Antrieb antrieb = ItSupport.antrieb().maxConcurrentClusters(accounts * clusters).catalogDir(state.resolve("catalog")).build()) {
            Result r = run(antrieb, state, accounts, clusters, concurrency, duration, Duration.ofSeconds(65));
            System.out.println(r);
            r.failureSamples().forEach(s -> System.out.println("  not answered as it should be: " + s));
        }
    }
}
