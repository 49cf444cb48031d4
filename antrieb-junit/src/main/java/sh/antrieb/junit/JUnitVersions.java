package sh.antrieb.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit releases on the test class path, checked before the extension does anything: the extension
 * passes no JUnit on to the user's project, so the user's JUnit is the one that runs, and it must be one
 * release (all artifacts of one {@code junit-bom}) no older than the oldest the extension supports.
 * JUnit Jupiter 5.x pairs with JUnit Platform 1.x of the same minor line; from 6.0 on both carry one
 * version. Versions come from the jars' manifests; an artifact whose version cannot be read is left out.
 */
final class JUnitVersions {
    /** A class of each artifact, by artifact name, in the order the message names them. */
    private static final Map<String, String> PROBES = probes();

    private static final String FIX = "Take all JUnit artifacts from one release: in Maven import org.junit:junit-bom:<version> "
            + "(type pom, scope import) in <dependencyManagement> and drop the versions of the single JUnit artifacts "
            + "(Gradle: testImplementation(platform(\"org.junit:junit-bom:<version>\"))).";

    private final String oldest;
    private final String newest;
    private final Map<String, String> versions;

    JUnitVersions(String oldest, String newest, Map<String, String> versions) {
        this.oldest = oldest;
        this.newest = newest;
        this.versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
    }

    /** The versions of the JUnit artifacts this class loader sees, and the range this build supports. */
    static JUnitVersions ofClassPath() {
        Properties range = new Properties();
        try (InputStream in = JUnitVersions.class.getResourceAsStream("junit-versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("junit-versions.properties is missing from antrieb-junit's jar");
            }
            range.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        PROBES.forEach((artifact, className) -> version(className).ifPresent(v -> versions.put(artifact, v)));
        return new JUnitVersions(range.getProperty("oldest"), range.getProperty("newest"), versions);
    }

    private static Optional<String> version(String className) {
        return ReflectionSupport.tryToLoadClass(className).toOptional()
                .map(c -> c.getPackage() == null ? null : c.getPackage().getImplementationVersion());
    }

    /** The supported range as a reader says it, e.g. {@code 5.10.3 to 6.1.3}. */
    String range() {
        return oldest + " to " + newest;
    }

    /**
     * Passes when every JUnit artifact found is of one release, no older than the oldest supported.
     *
     * @throws ExtensionConfigurationException naming the two versions that differ (or the version that is
     *                                         too old) and the fix
     */
    void check() {
        String api = versions.get("junit-jupiter-api");
        if (api == null) {
            return;
        }
        for (Map.Entry<String, String> e : versions.entrySet()) {
            if (!line(e.getValue()).equals(line(api))) {
                throw new ExtensionConfigurationException("Antrieb: the JUnit artifacts on the test class path are of "
                        + "different releases: junit-jupiter-api " + api + " but " + e.getKey() + " " + e.getValue()
                        + " (all found: " + versions + "). JUnit fails in odd ways when they are mixed. " + FIX);
            }
        }
        if (numeric(api) && numeric(oldest) && compare(line(api), line(oldest)) < 0) {
            throw new ExtensionConfigurationException("Antrieb: this test runs JUnit " + api + ", but antrieb-junit "
                    + "supports JUnit " + range() + ". Use JUnit " + oldest + " or newer: in Maven import "
                    + "org.junit:junit-bom:" + oldest + " or later (Gradle: testImplementation(platform(\"org.junit:junit-bom:"
                    + oldest + "\"))).");
        }
    }

    /** The release line as Jupiter numbers it: {@code 1.13.4} (Platform) and {@code 5.13.4} are both {@code 5.13}. */
    static String line(String version) {
        String[] parts = version.split("[.-]");
        String major = parts[0].equals("1") ? "5" : parts[0];
        return major + "." + (parts.length > 1 ? parts[1] : "0");
    }

    private static boolean numeric(String version) {
        return version.matches("\\d+\\.\\d+.*");
    }

    private static int compare(String line1, String line2) {
        Function<String, int[]> parse = l -> {
            String[] p = l.split("\\.");
            return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
        };
        int[] a = parse.apply(line1);
        int[] b = parse.apply(line2);
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    private static Map<String, String> probes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("junit-jupiter-api", "org.junit.jupiter.api.Test");
        m.put("junit-jupiter-engine", "org.junit.jupiter.engine.JupiterTestEngine");
        m.put("junit-platform-commons", "org.junit.platform.commons.support.AnnotationSupport");
        m.put("junit-platform-engine", "org.junit.platform.engine.TestEngine");
        m.put("junit-platform-launcher", "org.junit.platform.launcher.Launcher");
        return m;
    }
}
