package sh.antrieb.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.mcp.internal.Json;
import sh.antrieb.runbook.validation.Convergence;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.Iteration;

/**
 * The validation runs of each account, as the dashboard shows them: one JSON file per {@code validate} call under
 * {@code <state-dir>/accounts/NAME/validations/}, with the outcome, where the time went, every iteration (cluster,
 * code, findings, the recovery path and why), the distilled runbook and the whole report as markdown. Written
 * once, atomically; the newest {@link #KEPT} per account are kept.
 */
public final class ValidationRuns {
    private static final Logger log = LoggerFactory.getLogger(ValidationRuns.class);
    /** Runs kept per account; older ones are deleted when a new one is recorded. */
    public static final int KEPT = 200;
    /** The form of a run's id. */
    public static final Pattern ID = Pattern.compile("[a-z0-9]{12}");
    private static final String DIR = "validations";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path stateDir;

    /** The runs under {@code stateDir}. */
    public ValidationRuns(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** Records one pass ({@code validate} without {@code converge}); returns the run's id. */
    public String record(Account account, Findings f) {
        Map<String, Object> run = header("validate", f.passed() ? "passed" : "failed",
                f.passed() ? "passed on " + f.clusterId() : f.failures().get(0).summary(), null, f.duration());
        run.put("clusters", List.of(f.clusterId()));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("provisioning", f.provisionTime().toMillis());
        t.put("code", f.codeTime().toMillis());
        t.put("engine", Math.max(0, f.duration().minus(f.codeTime()).toMillis()));
        run.put("timings_ms", t);
        run.put("iterations", List.of(iteration("1", f.clusterId(), f.passed(), null, null, f)));
        run.put("runbook", null);
        run.put("markdown", f.toMarkdown());
        return write(account, run);
    }

    /** Records a convergence ({@code validate} with {@code converge}); returns the run's id. */
    public String record(Account account, Convergence c) {
        Map<String, Object> run = header("converge", c.verified() ? "verified" : c.stop().id(), c.stopReason(), c.task(), c.duration());
        run.put("clusters", c.clusterIds());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("provisioning", c.provisionTime().toMillis());
        t.put("code", c.codeTime().toMillis());
        t.put("model", c.modelTime().toMillis());
        t.put("troubleshooting", c.troubleshootTime().toMillis());
        t.put("teardown", c.teardownTime().toMillis());
        t.put("engine", c.engineTime().toMillis());
        run.put("timings_ms", t);
        List<Map<String, Object>> iterations = new ArrayList<>();
        for (Iteration i : c.iterations()) {
            iterations.add(iteration(String.valueOf(i.number()), i.clusterId(), i.passed(), i.recovery().map(p -> p.id()).orElse(null),
                    i.reason(), i.findings()));
        }
        c.proof().ifPresent(p -> iterations.add(iteration("proof", p.clusterId(), p.passed(), null, null, p)));
        run.put("iterations", iterations);
        run.put("runbook", c.runbook().orElse(null));
        run.put("markdown", c.report().toMarkdown());
        return write(account, run);
    }

    /** The account's runs, newest first, without their markdown. */
    public List<Map<String, Object>> list(String account) {
        Path dir = dir(account);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path p : files(dir)) {
            read(p).ifPresent(m -> {
                m.remove("markdown");
                out.add(m);
            });
        }
        out.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("time"))).reversed());
        return out;
    }

    /** The account's run {@code id}, whole; empty when the account has none of that id. */
    public Optional<Map<String, Object>> find(String account, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(dir(account).resolve(id + ".json"));
    }

    private static Map<String, Object> header(String mode, String outcome, String summary, String task, Duration duration) {
        Map<String, Object> run = new LinkedHashMap<>();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            id.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        run.put("id", id.toString());
        run.put("time", Instant.now().toString());
        run.put("mode", mode);
        run.put("outcome", outcome);
        run.put("summary", summary);
        run.put("task", task);
        run.put("duration_ms", duration.toMillis());
        return run;
    }

    private static Map<String, Object> iteration(String number, String cluster, boolean passed, String recovery, String reason,
                                                 Findings f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", number);
        m.put("cluster", cluster);
        m.put("passed", passed);
        m.put("recovery", recovery);
        m.put("reason", reason);
        m.put("code", f.code().text());
        m.put("findings", f.failures().stream().map(x -> x.summary()).toList());
        m.put("duration_ms", f.duration().toMillis());
        return m;
    }

    private String write(Account account, Map<String, Object> run) {
        String id = (String) run.get("id");
        Path dir = dir(account.name());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(id + ".json.tmp");
            Files.writeString(tmp, Json.write(run), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
            List<Path> all = files(dir);
            if (all.size() > KEPT) {
                all.stream().sorted(Comparator.comparing(ValidationRuns::modified)).limit(all.size() - KEPT).forEach(ValidationRuns::delete);
            }
        } catch (IOException e) {
            // The run itself succeeded; losing its page is logged, not made the caller's failure.
            log.warn("account {}: cannot keep validation run {} in {}: {}", account.name(), id, dir, e.toString());
        }
        return id;
    }

    private Path dir(String account) {
        if (!Account.NAME.matcher(account).matches()) {
            throw new IllegalArgumentException("not an account name: " + account);
        }
        return stateDir.resolve("accounts").resolve(account).resolve(DIR);
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Optional<Map<String, Object>> read(Path p) {
        try {
            return Files.isRegularFile(p) ? Optional.of(new LinkedHashMap<>(Json.readMap(Files.readString(p, StandardCharsets.UTF_8))))
                    : Optional.empty();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read validation run {}: {}", p, e.toString());
            return Optional.empty();
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete old validation run {}: {}", p, e.toString());
        }
    }
}
