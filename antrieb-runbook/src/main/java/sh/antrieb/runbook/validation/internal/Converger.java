package sh.antrieb.runbook.validation.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.model.chat.ChatModel;

import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.Node;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.RunbookException;
import sh.antrieb.runbook.validation.Check;
import sh.antrieb.runbook.validation.Code;
import sh.antrieb.runbook.validation.Convergence;
import sh.antrieb.runbook.validation.DestroyPolicy;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.Iteration;
import sh.antrieb.runbook.validation.ModelExchange;
import sh.antrieb.runbook.validation.Prompts;
import sh.antrieb.runbook.validation.RecoveryPath;
import sh.antrieb.runbook.validation.RecoveryPolicy;
import sh.antrieb.runbook.validation.Stop;

/** The convergence loop: fresh cluster, pass, recover, again; then distil and prove. */
public final class Converger {
    private static final Logger log = LoggerFactory.getLogger(Converger.class);

    /** Everything the builder collected. */
    public record Settings(String task, ClusterSpec spec, Code start, Code.Language language, List<Check> checks, ChatModel model,
                           int maxIterations, Duration timeLimit, boolean idempotence, DestroyPolicy destroy,
                           RecoveryPolicy recovery, int troubleshootCommands, int troubleshootOutputChars, boolean toolCalling,
                           Prompts prompts, ExecOptions options) {
        /** Copies the list. */
        public Settings {
            checks = List.copyOf(checks);
        }
    }

    private final Settings s;
    private final ModelSession model;
    private final List<Iteration> iterations = new ArrayList<>();
    /** The cluster the destroy policy may keep at the end; superseded ones are destroyed. */
    private Cluster held;
    private Duration teardown = Duration.ZERO;

    /** A loop with these settings; {@link #run} runs it once. */
    public Converger(Settings s) {
        this.s = s;
        this.model = new ModelSession(s.model(), s.prompts(), s.task(), s.language(), s.spec().nodeNames(), s.spec().nodeImages(),
                s.checks(), s.toolCalling());
    }

    /** Runs the loop with clusters from {@code antrieb}; every cluster it made is destroyed or kept by the policy. */
    public Convergence run(Function<ClusterSpec, Cluster> antrieb) {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        long deadline = t0 + s.timeLimit().toNanos();
        Stop stop = null;
        String reason = null;
        String runbook = null;
        Findings proof = null;
        try {
            Code code = s.start();
            if (code == null) {
                try {
                    code = model.generate();
                } catch (ModelSession.ModelFailure e) {
                    return done(Stop.MODEL_FAILED, e.getMessage(), null, null, startedAt, t0);
                }
            }
            for (int n = 1; ; n++) {
                long i0 = System.nanoTime();
                List<ModelExchange> generated = model.drainExchanges();
                Cluster cluster = provision(antrieb);
                Findings f;
                try {
                    f = pass(code, cluster, s.idempotence(), cluster.provisionTime());
                } catch (IllegalArgumentException e) {
                    // The model wrote a step for a node the cluster does not have: a finding of its own kind.
                    release(cluster, false);
                    stop = Stop.MODEL_FAILED;
                    reason = "iteration " + n + ": " + e.getMessage();
                    break;
                }
                if (f.passed()) {
                    iterations.add(new Iteration(n, code, cluster.id(), f, null, "passed", generated, List.of(), since(i0)));
                    release(cluster, true);
                    Plan plan = Plan.of(code, nodes(cluster), s.checks());
                    runbook = Distiller.distil(s.task(), s.spec(), plan, f, n);
                    proof = prove(antrieb, runbook);
                    stop = proof.passed() ? Stop.VERIFIED : Stop.NOT_PROVEN;
                    reason = proof.passed()
                            ? "iteration " + n + " passed; the distilled runbook passed on brand-new cluster " + proof.clusterId()
                            + " (twice, then verify)"
                            : "iteration " + n + " passed, but the distilled runbook failed on brand-new cluster " + proof.clusterId()
                            + ": " + proof.failures().get(0).summary();
                    break;
                }
                String sig = f.signature();
                Iteration repeated = iterations.stream().filter(i -> i.findings().signature().equals(sig)).findFirst().orElse(null);
                if (repeated != null) {
                    iterations.add(new Iteration(n, code, cluster.id(), f, null, "failed as iteration " + repeated.number() + " did",
                            generated, List.of(), since(i0)));
                    release(cluster, false);
                    stop = Stop.REPEATED_FAILURE;
                    reason = "iteration " + n + " failed the same way as iteration " + repeated.number() + ": "
                            + f.failures().get(0).summary();
                    break;
                }
                if (n >= s.maxIterations()) {
                    iterations.add(new Iteration(n, code, cluster.id(), f, null, "the iteration budget is used up", generated,
                            List.of(), since(i0)));
                    release(cluster, false);
                    stop = Stop.MAX_ITERATIONS;
                    reason = "no passing code after " + n + " iteration(s) (maxIterations " + s.maxIterations() + "); last: "
                            + f.failures().get(0).summary();
                    break;
                }
                if (System.nanoTime() > deadline) {
                    iterations.add(new Iteration(n, code, cluster.id(), f, null, "the time budget is used up", generated,
                            List.of(), since(i0)));
                    release(cluster, false);
                    stop = Stop.TIME_LIMIT;
                    reason = "no passing code within " + s.timeLimit().toSeconds() + " s; last: " + f.failures().get(0).summary();
                    break;
                }
                RecoveryPolicy.Decision d = s.recovery().decide(f, List.copyOf(iterations));
                log.info("convergence: iteration {} failed ({}); {}: {}", n, f.failures().get(0).summary(), d.path().id(), d.reason());
                Code next;
                List<ExecResult> troubleshooting = List.of();
                try {
                    if (d.path() == RecoveryPath.TROUBLESHOOT) {
                        ModelSession.Troubleshooting t = model.troubleshoot(cluster, code, f, s.troubleshootCommands(),
                                s.troubleshootOutputChars(), s.options());
                        troubleshooting = t.commands();
                        next = t.code();
                    } else {
                        next = model.rewrite(code, f);
                    }
                } catch (ModelSession.ModelFailure e) {
                    List<ModelExchange> ex = new ArrayList<>(generated);
                    ex.addAll(model.drainExchanges());
                    iterations.add(new Iteration(n, code, cluster.id(), f, d.path(), d.reason(), ex, troubleshooting, since(i0)));
                    release(cluster, false);
                    stop = Stop.MODEL_FAILED;
                    reason = e.getMessage();
                    break;
                }
                List<ModelExchange> ex = new ArrayList<>(generated);
                ex.addAll(model.drainExchanges());
                iterations.add(new Iteration(n, code, cluster.id(), f, d.path(), d.reason(), ex, troubleshooting, since(i0)));
                release(cluster, false);
                code = next;
                if (System.nanoTime() > deadline) {
                    stop = Stop.TIME_LIMIT;
                    reason = "no passing code within " + s.timeLimit().toSeconds() + " s (" + n + " iteration(s))";
                    break;
                }
            }
            return done(stop, reason, runbook, proof, startedAt, t0);
        } catch (RuntimeException | Error e) {
            if (held != null) {
                close(held);
                held = null;
            }
            throw e;
        }
    }

    private Convergence done(Stop stop, String reason, String runbook, Findings proof, Instant startedAt, long t0) {
        log.info("convergence: {} after {} iteration(s): {}", stop.id(), iterations.size(), reason);
        Cluster kept = held;
        held = null;
        return new Convergence(s.task(), stop, reason, iterations, runbook, proof, kept, startedAt, since(t0), teardown);
    }

    private Cluster provision(Function<ClusterSpec, Cluster> antrieb) {
        if (held != null) {
            // A newer cluster supersedes the one kept for debugging (and the concurrent-cluster cap counts it).
            close(held);
            held = null;
        }
        return antrieb.apply(s.spec());
    }

    private Findings pass(Code code, Cluster cluster, boolean idempotence, Duration provisionTime) {
        Plan plan = Plan.of(code, nodes(cluster), s.checks());
        return Runner.run(plan, cluster, idempotence, s.options(), provisionTime);
    }

    /** Runs the distilled runbook on a brand-new cluster: twice, then its verify. */
    private Findings prove(Function<ClusterSpec, Cluster> antrieb, String markdown) {
        Runbook rb;
        try {
            rb = Runbook.parse(markdown);
        } catch (RunbookException e) {
            throw new IllegalStateException("the distilled runbook does not parse (an engine bug): " + e.getMessage() + "\n" + markdown, e);
        }
        Code distilled = Code.runbook(rb);
        Cluster cluster = provision(antrieb);
        Findings f;
        try {
            // The runbook's verify blocks are the checks: no extra checks here.
            Plan plan = Plan.of(distilled, nodes(cluster), List.of());
            f = Runner.run(plan, cluster, true, s.options(), cluster.provisionTime());
        } catch (RuntimeException | Error e) {
            close(cluster);
            throw e;
        }
        release(cluster, f.passed());
        return f;
    }

    /** Destroys {@code cluster} or holds it, by the destroy policy. */
    private void release(Cluster cluster, boolean passed) {
        boolean keep = s.destroy() == DestroyPolicy.NEVER || (s.destroy() == DestroyPolicy.PASSING && !passed);
        if (keep) {
            held = cluster;
        } else {
            close(cluster);
        }
    }

    private void close(Cluster c) {
        long t = System.nanoTime();
        c.close();
        teardown = teardown.plus(since(t));
    }

    private static List<String> nodes(Cluster c) {
        return c.nodes().stream().map(Node::name).toList();
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
