package sh.antrieb.runbook.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;

/**
 * What {@link Validation.Builder} and {@link Convergence.Builder} both say about a pass: the cluster shape, the
 * verify checks, idempotence, what happens to the cluster, exec options. One place for the settings and
 * their defaults.
 *
 * @param <B> the builder, for chaining
 */
abstract class PassBuilder<B extends PassBuilder<B>> {
    ClusterSpec spec;
    final List<Check> checks = new ArrayList<>();
    boolean idempotence = true;
    DestroyPolicy destroy = DestroyPolicy.ALWAYS;
    ExecOptions options = ExecOptions.DEFAULTS;

    PassBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    B shape(ClusterSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        return self();
    }

    /** Adds a verify check: {@code command} must exit 0 on {@code node} after the steps. */
    public B verify(String node, String command) {
        checks.add(new Check(node, command));
        return self();
    }

    /** Adds verify checks. */
    public B verify(List<Check> checks) {
        this.checks.addAll(checks);
        return self();
    }

    /** Whether the steps run a second time and must pass and change nothing (default true). */
    public B idempotence(boolean idempotence) {
        this.idempotence = idempotence;
        return self();
    }

    /** What happens to clusters after a pass (default {@link DestroyPolicy#ALWAYS}). */
    public B destroy(DestroyPolicy destroy) {
        this.destroy = Objects.requireNonNull(destroy, "destroy");
        return self();
    }

    /** Exec options for every command, e.g. a longer timeout ({@code ExecOptions.timeout(...)}). */
    public B execOptions(ExecOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return self();
    }

    /**
     * The shape, or an {@link IllegalArgumentException} saying how to give one ({@code example}: the call
     * that would).
     */
    ClusterSpec requireShape(String example) {
        if (spec == null) {
            throw new IllegalArgumentException("no cluster shape: say where the code runs, e.g. " + example);
        }
        return spec;
    }
}
