package sh.antrieb.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.OutputDirectoryProvider;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventType;

/**
 * Runs fixture test classes through the JUnit Platform (EngineTestKit), the way a build tool would, and
 * reads what they published. Fixture classes carry {@link Fixture} so that they only run here, never
 * when a build tool or IDE picks them up directly.
 */
final class Kit {
    /** Configuration parameter that lets {@link Fixture} classes run. */
    static final String FIXTURES = "antrieb.junit.test.fixtures";

    private final Map<String, String> parameters = new HashMap<>();
    private Path outputDir;

    private Kit() {
        parameters.put(FIXTURES, "true");
    }

    /** A run with the in-memory provisioner. */
    static Kit fake() {
        FakeProvisioner.reset();
        return new Kit().parameter(SharedClient.PROVISIONER_PARAMETER, FakeProvisioner.class.getName());
    }

    /** A run with the real client (configured through {@link #parameter}). */
    static Kit real() {
        return new Kit();
    }

    Kit parameter(String key, String value) {
        parameters.put(key, value);
        return this;
    }

    /** Publish files under {@code dir} (without it, file publishing is disabled as in a bare EngineTestKit). */
    Kit outputDir(Path dir) {
        this.outputDir = dir;
        return this;
    }

    EngineExecutionResults run(Class<?>... classes) {
        EngineTestKit.Builder b = EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(classes).map(c -> selectClass(c)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(parameters);
        if (outputDir != null) {
            b.outputDirectoryProvider(new DirectoryPerTest(outputDir));
        }
        return b.execute();
    }

    /** The files published during a run. */
    static List<FileEntry> files(EngineExecutionResults results) {
        return results.allEvents().stream().filter(e -> e.getType() == EventType.FILE_ENTRY_PUBLISHED)
                .map(e -> e.getRequiredPayload(FileEntry.class)).toList();
    }

    /** The thrown exception of the first failed event of a test or container named {@code name}. */
    static Throwable failureOf(EngineExecutionResults results, String name) {
        return results.allEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().contains(name))
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow())
                .findFirst().orElseThrow(() -> new AssertionError("no failure of " + name + " in " + results.allEvents().list()));
    }

    static String read(FileEntry file) {
        try {
            return Files.readString(file.getPath());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Marks a fixture class: runs only inside {@link Kit}. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(OnlyInKit.class)
    @interface Fixture {
    }

    static final class OnlyInKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(FIXTURES).isPresent()
                    ? ConditionEvaluationResult.enabled("run by Kit")
                    : ConditionEvaluationResult.disabled("fixture: runs only through Kit");
        }
    }

    private record DirectoryPerTest(Path root) implements OutputDirectoryProvider {
        @Override
        public Path getRootDirectory() {
            return root;
        }

        @Override
        public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
            String name = descriptor.getUniqueId().toString().replaceAll("[^A-Za-z0-9._-]", "_");
            return Files.createDirectories(root.resolve(name));
        }
    }
}
