package sh.antrieb.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on a libvirt host: the host's nftables rules, its route table and CPU flags, its log files. On
 * this machine it starts processes ({@link #LOCAL}); for a host reached over SSH the command travels over that
 * host's one session ({@link HostJump}). Callers never ask which: the command runs where the clusters run.
 */
public interface HostShell {

    /** Commands on this machine. */
    HostShell LOCAL = new HostShell() {
        @Override
        public Result run(List<String> argv, String stdin, Duration timeout) throws IOException {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream is = p.getInputStream()) {
                is.transferTo(out);
            }
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", argv) + " did not end within " + timeout.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", argv), e);
            }
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        }

        @Override
        public String where() {
            return "this machine";
        }
    };

    /**
     * Runs {@code argv} (no shell in between on this machine; over SSH each word is quoted for the remote shell),
     * feeding it {@code stdin} (null: none), and returns its exit status and its output (stdout and stderr together).
     *
     * @throws IOException when the command cannot be started, does not end within {@code timeout}, or the way to
     *         the host is down
     */
    Result run(List<String> argv, String stdin, Duration timeout) throws IOException;

    /** Where the commands run, for messages: {@code this machine} or {@code root@kvm1:22}. */
    String where();

    /** What a command ended with. */
    record Result(int exit, String output) {
        /** Whether it exited 0. */
        public boolean ok() {
            return exit == 0;
        }
    }

    /** {@code word} quoted for a POSIX shell, so that it arrives as one argument whatever it holds. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:@%+,".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
