package sh.antrieb;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-call options of {@link Cluster#exec(String, String, ExecOptions)}. Immutable.
 *
 * <pre>{@code
 * cluster.exec("node1", "deploy.sh", ExecOptions.timeout(Duration.ofMinutes(3)).withSecretEnv(Map.of("TOKEN", token)));
 * }</pre>
 */
public final class ExecOptions {
    /** No options: the client's default timeout, no extra environment. */
    public static final ExecOptions DEFAULTS = new ExecOptions(null, Map.of(), Map.of());

    private final Duration timeout;
    private final Map<String, String> env;
    private final Map<String, String> secretEnv;

    private ExecOptions(Duration timeout, Map<String, String> env, Map<String, String> secretEnv) {
        this.timeout = timeout;
        this.env = env;
        this.secretEnv = secretEnv;
    }

    /** Options with a timeout: the command is stopped when it passes. */
    public static ExecOptions timeout(Duration timeout) {
        return DEFAULTS.withTimeout(timeout);
    }

    /** These options with a timeout. */
    public ExecOptions withTimeout(Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new InvalidSpecException("exec timeout must be positive, was " + timeout);
        }
        return new ExecOptions(timeout, env, secretEnv);
    }

    /** These options with extra environment variables, recorded with the command in the cluster's history. */
    public ExecOptions withEnv(Map<String, String> env) {
        return new ExecOptions(timeout, merge(this.env, env), secretEnv);
    }

    /** These options with secret environment variables: exported to the command, never logged, stored or echoed. */
    public ExecOptions withSecretEnv(Map<String, String> secretEnv) {
        return new ExecOptions(timeout, env, merge(this.secretEnv, secretEnv));
    }

    /** The timeout, or empty for the client's default. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Extra environment variables. */
    public Map<String, String> env() {
        return env;
    }

    /** Secret environment variables. */
    public Map<String, String> secretEnv() {
        return secretEnv;
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new LinkedHashMap<>(a);
        b.forEach((k, v) -> {
            if (k == null || !k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InvalidSpecException("invalid environment variable name '" + k + "': use letters, digits and '_'");
            }
            m.put(k, v == null ? "" : v);
        });
        return Map.copyOf(m);
    }

    @Override
    public String toString() {
        return "ExecOptions[timeout=" + timeout + ", env=" + env.keySet() + ", secretEnv=" + secretEnv.size() + " names]";
    }
}
