package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.Node;
import sh.antrieb.runbook.RunbookException;
import sh.antrieb.runbook.Variable;
import sh.antrieb.runbook.validation.internal.Plan;
import sh.antrieb.runbook.validation.internal.Runner;

/**
 * One pass of infrastructure code on a fresh cluster: run it, run it again to see that it changes nothing
 * (idempotence), run the verify checks, and say exactly what failed and why. Immutable and reusable:
 * every {@link #run(Antrieb)} provisions a cluster of its own.
 *
 * <pre>{@code
 * Validation v = Validation.of(Code.bash(script))
 *         .on("debian12")
 *         .verify("node1", "curl -fs localhost:8080 | grep -q hello")
 *         .idempotence(true)
 *         .build();
 * Findings f = v.run(antrieb);
 * f.passed(); f.failures();     // per node and step: command, exit code, output tail, cause + evidence
 * }</pre>
 */
public final class Validation {
    private static final Logger log = LoggerFactory.getLogger(Validation.class);

    private final Code code;
    private final ClusterSpec spec;
    private final List<Check> checks;
    private final boolean idempotence;
    private final DestroyPolicy destroy;
    private final ExecOptions options;

    private Validation(Builder b) {
        this.code = b.code;
        this.spec = b.spec;
        this.checks = List.copyOf(b.checks);
        this.idempotence = b.idempotence;
        this.destroy = b.destroy;
        this.options = b.options;
    }

    /** A builder for validating {@code code}. */
    public static Builder of(Code code) {
        return new Builder(code);
    }

    /** The code. */
    public Code code() {
        return code;
    }

    /** The cluster shape each run provisions. */
    public ClusterSpec spec() {
        return spec;
    }

    /** The caller's verify checks (a runbook's own verify blocks run too). */
    public List<Check> checks() {
        return checks;
    }

    /** Whether the steps run twice. */
    public boolean idempotence() {
        return idempotence;
    }

    /** What happens to the cluster after {@link #run(Antrieb)}. */
    public DestroyPolicy destroyPolicy() {
        return destroy;
    }

    /** A builder starting from this validation's settings. */
    public Builder newBuilder() {
        Builder b = new Builder(code).on(spec).idempotence(idempotence).destroy(destroy).execOptions(options);
        b.checks.addAll(checks);
        return b;
    }

    /**
     * Provisions a fresh cluster of {@link #spec()}, runs one pass on it, and destroys or keeps it by the
     * destroy policy (a kept cluster is in {@link Findings#cluster()}).
     *
     * @throws sh.antrieb.AntriebException when provisioning fails (nothing is left behind then)
     */
    public Findings run(Antrieb antrieb) {
        Objects.requireNonNull(antrieb, "antrieb");
        return run(antrieb::provision);
    }

    /**
     * {@link #run(Antrieb)} with clusters from {@code provision} (given {@link #spec()}, it returns a fresh
     * cluster), e.g. an MCP server provisioning on behalf of an account.
     */
    public Findings run(Function<ClusterSpec, Cluster> provision) {
        Objects.requireNonNull(provision, "provision");
        Cluster cluster = provision.apply(spec);
        Findings f;
        try {
            f = pass(cluster, cluster.provisionTime());
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        boolean keep = destroy == DestroyPolicy.NEVER || (destroy == DestroyPolicy.PASSING && !f.passed());
        if (keep) {
            log.info("validation: keeping cluster {} until {} (destroy policy {})", cluster.id(), cluster.expiresAt(), destroy);
            return f.withCluster(cluster);
        }
        cluster.close();
        return f;
    }

    /**
     * Runs one pass on {@code cluster}, the caller's, which stays open as the code left it. The cluster
     * must have the nodes the code and checks name.
     *
     * @throws IllegalArgumentException when a step or check names a node the cluster does not have
     */
    public Findings runOn(Cluster cluster) {
        Objects.requireNonNull(cluster, "cluster");
        return pass(cluster, Duration.ZERO);
    }

    private Findings pass(Cluster cluster, Duration provisionTime) {
        List<String> nodes = cluster.nodes().stream().map(Node::name).toList();
        Plan plan = Plan.of(code, nodes, checks);
        return Runner.run(plan, cluster, idempotence, options, provisionTime);
    }

    /** Builds a {@link Validation}. Not thread-safe. */
    public static final class Builder extends PassBuilder<Builder> {
        private final Code code;

        private Builder(Code code) {
            this.code = Objects.requireNonNull(code, "code");
            if (code.runbook() != null) {
                spec = code.runbook().topology().toClusterSpec();
            }
        }

        /** The cluster shape, in provision's shorthand: {@code on("debian12 x3")}. */
        public Builder on(String... shorthand) {
            return on(ClusterSpec.of(shorthand));
        }

        /** The cluster shape; a runbook's own topology is the default. */
        public Builder on(ClusterSpec spec) {
            return shape(spec);
        }

        /**
         * The validation.
         *
         * @throws IllegalArgumentException without a cluster shape, or when the code or a check names a node
         *                                  the shape does not have
         * @throws RunbookException         for a runbook variable with no value
         */
        public Validation build() {
            requireShape(".on(\"debian12\")");
            if (code.runbook() != null && !code.runbook().missingVariables().isEmpty()) {
                throw new RunbookException("the runbook's variables " + code.runbook().missingVariables().stream().map(Variable::name).toList()
                        + " have no value: give them with runbook.withVariables(...) before Code.runbook(...)");
            }
            Plan.of(code, spec.nodeNames(), checks); // refuses unknown nodes before anything is provisioned
            return new Validation(this);
        }
    }
}
