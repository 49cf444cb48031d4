package sh.antrieb.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.ExecResult;
import sh.antrieb.mcp.internal.Json;
import sh.antrieb.mcp.internal.StateFiles;

/**
 * Every command an account ran, one JSON object per line, in
 * {@code <state-dir>/accounts/<account>/commands.jsonl} (read it with {@code bin/antrieb-mcp log --account NAME},
 * or any JSON-lines tool). A line has {@code time} (when the command started, ISO-8601), {@code session_id},
 * {@code node}, {@code command}, {@code exit_code}, {@code duration_ms}, {@code timed_out},
 * {@code secret_env_names} (the names of the secret variables the command got, never their values),
 * {@code stdout} and {@code stderr} (the first {@value #KEPT_OUTPUT_CHARS} characters of each) and
 * {@code stdout_bytes}, {@code stderr_bytes} (their true sizes in UTF-8). Every secret value the command got
 * is replaced by {@code [secret NAME]} in the command and its output before anything is written.
 *
 * <p>Writing never fails a command: when the state directory is not writable the log says so once and the
 * command's result is returned as usual.
 */
public final class CommandLog {
    private static final Logger log = LoggerFactory.getLogger(CommandLog.class);
    /** The file name under each account's directory. */
    public static final String FILE = "commands.jsonl";
    /** How much of each output stream a line keeps (the rest is counted in {@code stdout_bytes}/{@code stderr_bytes}). */
    public static final int KEPT_OUTPUT_CHARS = 64 * 1024;

    private final Path stateDir;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** The command logs under {@code stateDir}. */
    public CommandLog(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** The log file of {@code account}. */
    public Path file(String account) {
        if (!Account.NAME.matcher(account).matches()) {
            throw new IllegalArgumentException("invalid account name '" + account + "'");
        }
        return stateDir.resolve("accounts").resolve(account).resolve(FILE);
    }

    /**
     * Appends one command of {@code account} on cluster {@code sessionId}, which got the secret variables
     * {@code secretEnv}: their names are kept, their values are cut out of everything written.
     */
    public void record(Account account, String sessionId, ExecResult result, Map<String, String> secretEnv) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", result.startedAt().toString());
        line.put("session_id", sessionId);
        line.put("node", result.node());
        line.put("command", redact(result.command(), secretEnv));
        line.put("exit_code", result.exitCode());
        line.put("duration_ms", result.duration().toMillis());
        line.put("timed_out", result.timedOut());
        line.put("secret_env_names", new TreeSet<>(secretEnv.keySet()));
        String stdout = redact(result.stdout(), secretEnv);
        String stderr = redact(result.stderr(), secretEnv);
        line.put("stdout", cut(stdout));
        line.put("stdout_bytes", stdout.getBytes(StandardCharsets.UTF_8).length);
        line.put("stderr", cut(stderr));
        line.put("stderr_bytes", stderr.getBytes(StandardCharsets.UTF_8).length);
        Path file = file(account.name());
        try {
            synchronized (this) {
                StateFiles.createPrivateDirectories(file.getParent());
                StateFiles.appendLine(file, Json.write(line));
            }
        } catch (IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                log.warn("cannot write the command log {}: {} (commands still run; fix the state directory's permissions)",
                        file, e.getMessage());
            }
        }
    }

    /** {@code text} with every secret value replaced by {@code [secret NAME]}, longest values first. */
    static String redact(String text, Map<String, String> secretEnv) {
        if (text == null || secretEnv.isEmpty()) {
            return text == null ? "" : text;
        }
        List<Map.Entry<String, String>> byLength = new ArrayList<>(secretEnv.entrySet());
        byLength.sort((a, b) -> Integer.compare(b.getValue().length(), a.getValue().length()));
        String out = text;
        for (Map.Entry<String, String> e : byLength) {
            if (!e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), "[secret " + e.getKey() + "]");
            }
        }
        return out;
    }

    private static String cut(String s) {
        if (s.length() <= KEPT_OUTPUT_CHARS) {
            return s;
        }
        // Do not split a surrogate pair.
        int end = Character.isHighSurrogate(s.charAt(KEPT_OUTPUT_CHARS - 1)) ? KEPT_OUTPUT_CHARS - 1 : KEPT_OUTPUT_CHARS;
        return s.substring(0, end);
    }

    /** How many commands {@code account}'s log holds (0 when it has none). */
    public long count(String account) {
        Path file = file(account);
        try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The last {@code limit} entries of {@code account}'s log, oldest first (empty when it has none). */
    public List<Map<String, Object>> read(String account, int limit) {
        Path file = file(account);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
            if (!l.isBlank()) {
                out.add(Json.readMap(l));
            }
        }
        return out;
    }
}
