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
import java.util.Set;
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
 * {@code node}, {@code command}, {@code exit_code}, {@code duration_ms}, {@code timed_out} and
 * {@code secret_env_names}: the names of the secret variables the command got, never their values.
 *
 * <p>Writing never fails a command: when the state directory is not writable the log says so once and the
 * command's result is returned as usual.
 */
public final class CommandLog {
    private static final Logger log = LoggerFactory.getLogger(CommandLog.class);
    /** The file name under each account's directory. */
    public static final String FILE = "commands.jsonl";

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

    /** Appends one command of {@code account} on cluster {@code sessionId}. */
    public void record(Account account, String sessionId, ExecResult result, Set<String> secretEnvNames) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", result.startedAt().toString());
        line.put("session_id", sessionId);
        line.put("node", result.node());
        line.put("command", result.command());
        line.put("exit_code", result.exitCode());
        line.put("duration_ms", result.duration().toMillis());
        line.put("timed_out", result.timedOut());
        line.put("secret_env_names", new TreeSet<>(secretEnvNames));
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
