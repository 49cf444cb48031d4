package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.langchain4j.model.chat.ChatModel;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.runbook.validation.internal.Converger;
import sh.antrieb.runbook.validation.internal.Plan;

/**
 * Drives a model to make infrastructure code work: run it on a fresh cluster, read what failed, recover
 * (retry: a rewrite from the findings; troubleshoot: the model runs commands on the failed cluster, then
 * rewrites), and again on a fresh cluster; when it passes, distil one runbook and prove it in a single
 * pass (twice for idempotence, then verify) on a brand-new cluster. Only that proof sets
 * {@link #verified()}. Immutable result of {@link Builder#run(Antrieb)}.
 *
 * <pre>{@code
 * Convergence c = Convergence.task("a web page on node1, port 8080, served by a systemd unit")
 *         .topology("debian12")
 *         .start(Code.bash(draft))                  // or no draft: the model writes one
 *         .verify("node1", "curl -fs localhost:8080")
 *         .model(chatModel)                         // any LangChain4j ChatModel
 *         .maxIterations(6).timeLimit(Duration.ofMinutes(20))
 *         .run(antrieb);
 * c.verified(); c.stop(); c.runbook(); c.iterations(); c.report().toHtml();
 * }</pre>
 */
public final class Convergence {
    private final String task;
    private final Stop stop;
    private final String stopReason;
    private final List<Iteration> iterations;
    private final String runbook;
    private final Findings proof;
    private final Cluster kept;
    private final Instant startedAt;
    private final Duration duration;
    private final Duration teardownTime;

    /**
     * A result; made by the engine, public so renderers and tests can build one.
     *
     * @param task         the task
     * @param stop         why it ended
     * @param stopReason   the same in a sentence
     * @param iterations   the tries in order
     * @param runbook      the distilled runbook's markdown, or null when the code never passed
     * @param proof        the proof's findings, or null when there was none
     * @param kept         the cluster the destroy policy kept, or null
     * @param startedAt    when the run started
     * @param duration     its wall time
     * @param teardownTime time spent destroying clusters
     */
    public Convergence(String task, Stop stop, String stopReason, List<Iteration> iterations, String runbook, Findings proof,
                       Cluster kept, Instant startedAt, Duration duration, Duration teardownTime) {
        this.task = Objects.requireNonNull(task, "task");
        this.stop = Objects.requireNonNull(stop, "stop");
        this.stopReason = stopReason == null ? "" : stopReason;
        this.iterations = List.copyOf(iterations);
        this.runbook = runbook;
        this.proof = proof;
        this.kept = kept;
        this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
        this.duration = Objects.requireNonNull(duration, "duration");
        this.teardownTime = Objects.requireNonNull(teardownTime, "teardownTime");
    }

    /** A builder for a convergence on {@code task}, what the code must achieve, in words. */
    public static Builder task(String task) {
        return new Builder(task);
    }

    /** The task. */
    public String task() {
        return task;
    }

    /** True only when the distilled runbook passed on a brand-new cluster. */
    public boolean verified() {
        return stop == Stop.VERIFIED;
    }

    /** Why the run ended. */
    public Stop stop() {
        return stop;
    }

    /** Why the run ended, in a sentence. */
    public String stopReason() {
        return stopReason;
    }

    /** The tries in order. */
    public List<Iteration> iterations() {
        return iterations;
    }

    /**
     * The distilled runbook (markdown), ready for {@code catalog.saveRunbook}; proven when {@link #verified()}.
     * Empty when the code never passed.
     */
    public Optional<String> runbook() {
        return Optional.ofNullable(runbook);
    }

    /** The findings of the distilled runbook's run on a brand-new cluster, when it got that far. */
    public Optional<Findings> proof() {
        return Optional.ofNullable(proof);
    }

    /** The cluster the destroy policy kept (open until its TTL), if any. */
    public Optional<Cluster> keptCluster() {
        return Optional.ofNullable(kept);
    }

    /** When the run started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** Wall time of the whole run. */
    public Duration duration() {
        return duration;
    }

    /** Every cluster id used, iterations then proof: each a fresh cluster. */
    public List<String> clusterIds() {
        List<String> ids = new ArrayList<>(iterations.stream().map(Iteration::clusterId).toList());
        if (proof != null) {
            ids.add(proof.clusterId());
        }
        return ids;
    }

    /** Time spent provisioning clusters (iterations and proof). */
    public Duration provisionTime() {
        return allFindings().stream().map(Findings::provisionTime).reduce(Duration.ZERO, Duration::plus);
    }

    /** Wall time of the code's own commands (steps and checks) in every pass. */
    public Duration codeTime() {
        return allFindings().stream().map(Findings::codeTime).reduce(Duration.ZERO, Duration::plus);
    }

    /** Time the model took. */
    public Duration modelTime() {
        return iterations.stream().map(Iteration::modelTime).reduce(Duration.ZERO, Duration::plus);
    }

    /** Time of the troubleshooting commands the model asked for. */
    public Duration troubleshootTime() {
        return iterations.stream().flatMap(i -> i.troubleshootCommands().stream()).map(sh.antrieb.ExecResult::duration)
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** Time spent destroying clusters. */
    public Duration teardownTime() {
        return teardownTime;
    }

    /** What is left of the wall time: the engine's own work (its commands, classification, distillation, bookkeeping). */
    public Duration engineTime() {
        Duration d = duration.minus(provisionTime()).minus(codeTime()).minus(modelTime()).minus(troubleshootTime()).minus(teardownTime);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private List<Findings> allFindings() {
        List<Findings> all = new ArrayList<>(iterations.stream().map(Iteration::findings).toList());
        if (proof != null) {
            all.add(proof);
        }
        return all;
    }

    /** The whole run as JSON, markdown or a self-contained HTML page. */
    public Report report() {
        return new Report(this);
    }

    /** The outcome in one line. */
    @Override
    public String toString() {
        return "Convergence[" + stop.id() + " after " + iterations.size() + " iteration(s): " + stopReason + "]";
    }

    /** Builds and runs a {@link Convergence}. Not thread-safe. */
    public static final class Builder extends PassBuilder<Builder> {
        private final String task;
        private Code start;
        private Code.Language language = Code.Language.BASH;
        private ChatModel model;
        private int maxIterations = 6;
        private Duration timeLimit = Duration.ofMinutes(20);
        private RecoveryPolicy recovery = RecoveryPolicy.byCause();
        private int troubleshootCommands = 6;
        private int troubleshootOutputChars = 4000;
        private boolean toolCalling = true;
        private Prompts prompts = Prompts.DEFAULTS;

        private Builder(String task) {
            Objects.requireNonNull(task, "task");
            if (task.isBlank()) {
                throw new IllegalArgumentException("the task is empty: say what the code must achieve");
            }
            this.task = task;
        }

        /** The cluster shape, in provision's shorthand. */
        public Builder topology(String... shorthand) {
            return topology(ClusterSpec.of(shorthand));
        }

        /** The cluster shape; every iteration and the proof get a fresh cluster of it. */
        public Builder topology(ClusterSpec spec) {
            return shape(spec);
        }

        /** A first draft; without one the model writes it. Its language is the language of every rewrite. */
        public Builder start(Code draft) {
            this.start = Objects.requireNonNull(draft, "draft");
            this.language = draft.language();
            if (spec == null && draft.runbook() != null) {
                spec = draft.runbook().topology().toClusterSpec();
            }
            return this;
        }

        /** The language the model writes in when there is no draft (default bash). */
        public Builder language(Code.Language language) {
            this.language = Objects.requireNonNull(language, "language");
            return this;
        }

        /** The model: any LangChain4j {@link ChatModel}. */
        public Builder model(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Tries at most (default 6), each on a fresh cluster; the proof comes on top. */
        public Builder maxIterations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxIterations must be at least 1, not " + n);
            }
            this.maxIterations = n;
            return this;
        }

        /** Stops starting iterations after this (default 20 minutes); a running pass is finished. */
        public Builder timeLimit(Duration limit) {
            if (limit == null || limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("timeLimit must be positive, not " + limit);
            }
            this.timeLimit = limit;
            return this;
        }

        /** The "decide" role: which recovery path a failure takes (default {@link RecoveryPolicy#byCause()}). */
        public Builder recovery(RecoveryPolicy policy) {
            this.recovery = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Bounds of a troubleshooting session: commands (default 6) and characters of each output kept (default 4000). */
        public Builder troubleshootBudget(int commands, int outputChars) {
            if (commands < 1 || outputChars < 100) {
                throw new IllegalArgumentException("a troubleshooting budget needs at least 1 command and 100 characters");
            }
            this.troubleshootCommands = commands;
            this.troubleshootOutputChars = outputChars;
            return this;
        }

        /** Whether to offer the model a tool (default true); false makes it ask for commands in fenced {@code ```run node1} blocks. */
        public Builder toolCalling(boolean toolCalling) {
            this.toolCalling = toolCalling;
            return this;
        }

        /** The roles' system prompts (default {@link Prompts#DEFAULTS}). */
        public Builder prompts(Prompts prompts) {
            this.prompts = Objects.requireNonNull(prompts, "prompts");
            return this;
        }

        /**
         * Runs the convergence on {@code antrieb}: blocks until it stops.
         *
         * @throws IllegalArgumentException without a topology or a model, or when a check names a node the
         *                                  topology does not have
         */
        public Convergence run(Antrieb antrieb) {
            Objects.requireNonNull(antrieb, "antrieb");
            return run(antrieb::provision);
        }

        /**
         * {@link #run(Antrieb)} with clusters from {@code provision} (given the topology, it returns a fresh
         * cluster), e.g. an MCP server provisioning on behalf of an account.
         */
        public Convergence run(Function<ClusterSpec, Cluster> provision) {
            Objects.requireNonNull(provision, "provision");
            requireShape(".topology(\"debian12\")");
            if (model == null) {
                throw new IllegalArgumentException("no model: give a LangChain4j ChatModel with .model(...)");
            }
            Plan.requireNodes(checks, spec.nodeNames());
            return new Converger(new Converger.Settings(task, spec, start, language, checks, model, maxIterations, timeLimit,
                    idempotence, destroy, recovery, troubleshootCommands, troubleshootOutputChars, toolCalling, prompts, options))
                    .run(provision);
        }
    }
}
