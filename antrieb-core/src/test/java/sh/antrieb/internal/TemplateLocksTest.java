package sh.antrieb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The locks between processes that make, restore from and delete warm-start templates. */
class TemplateLocksTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesMakingTheSameTemplateEndWithOne() throws Exception {
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), TemplateLocksChild.class.getName(), dir.toString())
                    .redirectErrorStream(true).start());
        }
        for (Process p : children) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        }
        try (Stream<Path> made = Files.list(dir)) {
            assertThat(made.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("template-"))).hasSize(1);
        }
    }

    @Test
    void aTemplateARestoreRunsFromCannotBeTakenForDeletion() throws Exception {
        TemplateLocks locks = new TemplateLocks(dir);
        AutoCloseable one = locks.shared("use-t");
        AutoCloseable two = locks.shared("use-t"); // a second restore of the same template in this process
        assertThat(locks.tryExclusive("use-t")).isEmpty();
        one.close();
        assertThat(locks.tryExclusive("use-t")).as("one restore still runs").isEmpty();
        two.close();
        Optional<AutoCloseable> gc = locks.tryExclusive("use-t");
        assertThat(gc).isPresent();
        gc.get().close();
    }

    /** Run in a child JVM: makes "the template" under the build lock unless it exists, slowly. */
    public static final class TemplateLocksChild {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            new TemplateLocks(dir).exclusive("build-k", () -> {
                try (Stream<Path> files = Files.list(dir)) {
                    if (files.anyMatch(p -> p.getFileName().toString().startsWith("template-"))) {
                        return null;
                    }
                }
                Thread.sleep(1500); // a boot, in short
                Files.writeString(dir.resolve("template-" + ProcessHandle.current().pid()), "made");
                return null;
            });
        }
    }
}
