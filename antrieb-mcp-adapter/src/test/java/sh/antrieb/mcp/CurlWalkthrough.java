package sh.antrieb.mcp;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs the README's curl walk-through script, unchanged, against a server. */
final class CurlWalkthrough {
    /** The script as the README shows it. */
    static final Path SCRIPT = Path.of("src/test/resources/curl-walkthrough.sh");

    record Run(int exitCode, String output) {
    }

    private CurlWalkthrough() {
    }

    static Run run(URI url, String key, Duration timeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new IllegalStateException(SCRIPT.toAbsolutePath() + " is missing (tests run from the module directory)");
        }
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("ANTRIEB_URL", url.toString());
        pb.environment().put("ANTRIEB_KEY", key);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the walk-through did not finish in " + timeout);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
