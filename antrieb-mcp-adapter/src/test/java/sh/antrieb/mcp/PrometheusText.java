package sh.antrieb.mcp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader of the Prometheus text exposition format (version 0.0.4), strict enough to fail on a malformed line:
 * {@code # HELP} / {@code # TYPE} comments and {@code name{label="value",...} number} samples.
 */
final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    final String text;
    final List<Sample> samples;
    final Map<String, String> types = new LinkedHashMap<>();

    private PrometheusText(String text) {
        this.text = text;
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                if (end != m.group(3).length()) {
                    throw new IllegalArgumentException("malformed labels in: " + line);
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))));
        }
        this.samples = List.copyOf(out);
    }

    static PrometheusText parse(String text) {
        return new PrometheusText(text);
    }

    /** {@code GET url} with {@code key} as bearer; fails unless 200 with the Prometheus text type. */
    static PrometheusText scrape(URI url, String key) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").replace(" ", "").startsWith("text/plain;version=0.0.4")) {
            throw new IllegalStateException("GET " + url + ": " + r.statusCode() + " " + r.headers().map() + "\n" + r.body());
        }
        return parse(r.body());
    }

    /** The sample names. */
    Set<String> names() {
        Set<String> s = new TreeSet<>();
        samples.forEach(x -> s.add(x.name()));
        return s;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels}. */
    double value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }
}
