package sh.antrieb.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ModifierSupport;
import org.opentest4j.TestAbortedException;

import sh.antrieb.AntriebException;
import sh.antrieb.Cluster;
import sh.antrieb.ClusterSpec;
import sh.antrieb.HostNotReadyException;

/**
 * The JUnit Jupiter extension behind {@link AntriebTest} and {@link AntriebCluster}: provisions the
 * clusters that fields and parameters ask for, keeps each in the {@link ExtensionContext.Store} of the
 * class or test it belongs to (so JUnit destroys it when that scope ends, whatever the outcome), and
 * attaches a report of the clusters to a failing test.
 *
 * <p>Usually registered through the annotations; {@code @ExtendWith(AntriebExtension.class)} works too.
 * All clusters of a test run come from one shared {@link sh.antrieb.Antrieb} client that is closed when
 * the run ends. Configuration parameters (also read from system properties and
 * {@code junit-platform.properties}):
 * <ul>
 *   <li>{@code antrieb.maxConcurrentClusters}: clusters held at once (default
 *       {@value sh.antrieb.Antrieb#DEFAULT_MAX_CONCURRENT_CLUSTERS}). Further requests wait
 *       for a free slot, so classes running in parallel queue instead of failing. A test that needs more
 *       clusters at once than this (class, field and parameter clusters together) cannot start.</li>
 *   <li>{@code antrieb.queueTimeoutSeconds}: how long a request waits for a slot (default 600).</li>
 *   <li>{@code antrieb.libvirt.uri}: the libvirt URI (default {@link sh.antrieb.Antrieb#DEFAULT_LIBVIRT_URI}, or
 *       {@code ANTRIEB_LIBVIRT_URI}).</li>
 * </ul>
 *
 * <p>When the host cannot run VMs the tests fail with the set-up step in the message; with
 * {@link AntriebTest#disabledWithoutVirtualization()} they are skipped instead.
 *
 * <p>On failure of a test or lifecycle method, a report with every command run on the clusters in scope
 * (exit code, output tails) and each node's console tail is published as the file
 * {@code antrieb-report-<phase>.txt} ({@code ExtensionContext.publishFile}, JUnit 5.12+; a report entry on older
 * JUnit), and a summary naming that
 * file is added to the failure as a suppressed exception; the failure itself is rethrown unchanged.
 */
public final class AntriebExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver,
        ExecutionCondition, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AntriebExtension.class);
    private static final String TEST_START = "testStart";

    /** Created by JUnit. */
    public AntriebExtension() {
    }

    // ---- skipping without virtualization ------------------------------------------------------------

    /**
     * Disables the tests when {@link AntriebTest#disabledWithoutVirtualization()} is set and this host
     * cannot run VMs; enabled otherwise.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        checkJUnit(context);
        if (!skipsWithoutVirtualization(context)) {
            return ConditionEvaluationResult.enabled("Antrieb tests fail on a host without virtualization");
        }
        try {
            SharedClient.of(context).provisioner();
            return ConditionEvaluationResult.enabled("this host can run VMs");
        } catch (HostNotReadyException e) {
            return ConditionEvaluationResult.disabled("Antrieb: this host cannot run VMs, and the test class asked to be "
                    + "skipped then (disabledWithoutVirtualization = true): " + e.getMessage());
        }
    }

    /** Fails when the JUnit artifacts on the class path are of mixed releases or older than supported; checked once per run. */
    private static void checkJUnit(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(JUnitVersions.class, k -> JUnitVersions.ofClassPath(), JUnitVersions.class)
                .check();
    }

    private static boolean skipsWithoutVirtualization(ExtensionContext context) {
        for (Class<?> c = context.getTestClass().orElse(null); c != null; c = c.getEnclosingClass()) {
            Optional<AntriebTest> a = AnnotationSupport.findAnnotation(c, AntriebTest.class);
            if (a.isPresent()) {
                return a.get().disabledWithoutVirtualization();
            }
        }
        return false;
    }

    // ---- injection ----------------------------------------------------------------------------------

    /** Provisions the clusters of the test class's static {@link AntriebCluster} fields. */
    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        for (Field field : clusterFields(testClass, ModifierSupport::isStatic)) {
            inject(context, field, null, testClass);
        }
    }

    /**
     * Provisions the clusters of the {@link AntriebCluster} instance fields of the test instance (and of
     * the enclosing instances of a {@code @Nested} test), one set per test method.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(TEST_START, Instant.now());
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field field : clusterFields(instance.getClass(), ModifierSupport::isNotStatic)) {
                inject(context, field, instance, instance.getClass());
            }
        }
    }

    private static List<Field> clusterFields(Class<?> type, Predicate<Field> kind) {
        return AnnotationSupport.findAnnotatedFields(type, AntriebCluster.class, kind, HierarchyTraversalMode.TOP_DOWN);
    }

    private void inject(ExtensionContext context, Field field, Object instance, Class<?> testClass) {
        String target = "field " + field.getDeclaringClass().getSimpleName() + "." + field.getName();
        if (field.getType() != Cluster.class) {
            throw new ExtensionConfigurationException("@AntriebCluster on " + target + ": the field must be of type "
                    + Cluster.class.getName() + ", not " + field.getType().getName());
        }
        if (ModifierSupport.isFinal(field)) {
            throw new ExtensionConfigurationException("@AntriebCluster on " + target + ": the field must not be final");
        }
        AntriebCluster annotation = AnnotationSupport.findAnnotation(field, AntriebCluster.class).orElseThrow();
        Cluster cluster = provision(context, new ClusterRequest(annotation, testClass, target));
        try {
            field.setAccessible(true);
            field.set(instance, cluster);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("@AntriebCluster on " + target + ": cannot set the field: " + e, e);
        }
    }

    /** Whether the parameter is annotated with {@link AntriebCluster}; it must then be a {@link Cluster}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (!parameterContext.isAnnotated(AntriebCluster.class)) {
            return false;
        }
        if (parameterContext.getParameter().getType() != Cluster.class) {
            throw new ParameterResolutionException("@AntriebCluster on " + describe(parameterContext)
                    + ": the parameter must be of type " + Cluster.class.getName() + ", not "
                    + parameterContext.getParameter().getType().getName());
        }
        return true;
    }

    /** Provisions a cluster for the parameter, living as long as {@code extensionContext}. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        AntriebCluster annotation = parameterContext.findAnnotation(AntriebCluster.class).orElseThrow();
        Class<?> testClass = extensionContext.getTestClass().orElse(parameterContext.getDeclaringExecutable().getDeclaringClass());
        return provision(extensionContext, new ClusterRequest(annotation, testClass, describe(parameterContext)));
    }

    private static String describe(ParameterContext pc) {
        Parameter p = pc.getParameter();
        String name = p.isNamePresent() ? p.getName() : "#" + pc.getIndex();
        return "parameter " + name + " of " + pc.getDeclaringExecutable().getDeclaringClass().getSimpleName() + "."
                + pc.getDeclaringExecutable().getName() + "()";
    }

    private Cluster provision(ExtensionContext context, ClusterRequest request) {
        checkJUnit(context);
        ClusterSpec spec = request.toSpec();
        ScopedClusters scope = ScopedClusters.of(context);
        Cluster cluster;
        try {
            cluster = SharedClient.of(context).provisioner().provision(spec);
        } catch (HostNotReadyException e) {
            if (skipsWithoutVirtualization(context)) {
                throw new TestAbortedException("Antrieb: this host cannot run VMs, and the test class asked to be skipped "
                        + "then (disabledWithoutVirtualization = true): " + e.getMessage(), e);
            }
            throw e;
        } catch (AntriebException e) {
            throw request.provisionFailure(e);
        }
        // Into the store first: from here on JUnit destroys the cluster when the scope ends.
        context.getStore(NAMESPACE).put(new Object(), new StoredCluster(cluster));
        scope.add(request.target(), cluster);
        return cluster;
    }

    // ---- failure reports ----------------------------------------------------------------------------

    /** Attaches the cluster report to a failing test, then rethrows the failure unchanged. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, "test", throwable);
        throw throwable;
    }

    /** Attaches the cluster report to a failing {@code @BeforeAll} method, then rethrows the failure. */
    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, "@BeforeAll", throwable);
        throw throwable;
    }

    /** Attaches the cluster report to a failing {@code @BeforeEach} method, then rethrows the failure. */
    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, "@BeforeEach", throwable);
        throw throwable;
    }

    /** Attaches the cluster report to a failing {@code @AfterEach} method, then rethrows the failure. */
    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, "@AfterEach", throwable);
        throw throwable;
    }

    /** Attaches the cluster report to a failing {@code @AfterAll} method, then rethrows the failure. */
    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        report(context, "@AfterAll", throwable);
        throw throwable;
    }

    private static void report(ExtensionContext context, String phase, Throwable failure) {
        if (failure instanceof TestAbortedException || alreadyReported(failure)) {
            return;
        }
        List<ScopedClusters.Entry> clusters = new ArrayList<>();
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            ScopedClusters scope = ScopedClusters.find(c);
            if (scope != null) {
                clusters.addAll(scope.entries());
            }
        }
        if (clusters.isEmpty()) {
            return;
        }
        try {
            Instant testStart = context.getTestMethod().isPresent() ? context.getStore(NAMESPACE).get(TEST_START, Instant.class) : null;
            FailureReport report = new FailureReport(context.getDisplayName() + " [" + context.getUniqueId() + "]", phase,
                    failure, clusters, testStart);
            String location = publish(context, "antrieb-report-" + phase.replace("@", "") + ".txt", report.text());
            String summary = report.summary(location);
            context.publishReportEntry("antrieb.report", location);
            failure.addSuppressed(new ClusterReport(summary));
        } catch (RuntimeException e) {
            // The report must never hide the failure it is about.
            failure.addSuppressed(new ClusterReport("Antrieb: could not write the cluster report: " + e));
        }
    }

    private static boolean alreadyReported(Throwable failure) {
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof ClusterReport) {
                return true;
            }
        }
        return false;
    }

    /**
     * Publishes the report as a file; where files cannot be published (JUnit before 5.12, or no output
     * directory), as a report entry. Returns where it went.
     */
    private static String publish(ExtensionContext context, String name, String text) {
        AtomicReference<Path> written = new AtomicReference<>();
        ThrowingConsumer<Path> writer = path -> {
            Files.writeString(path, text);
            written.set(path.toAbsolutePath());
        };
        try {
            // publishFile(String, MediaType, ThrowingConsumer) is JUnit 5.12+; this jar is compiled against the oldest
            // supported JUnit, so it is looked up, not linked.
            Class<?> mediaType = Class.forName("org.junit.jupiter.api.extension.MediaType", true, ExtensionContext.class.getClassLoader());
            Method publishFile = ExtensionContext.class.getMethod("publishFile", String.class, mediaType, ThrowingConsumer.class);
            publishFile.invoke(context, name, mediaType.getField("TEXT_PLAIN_UTF_8").get(null), writer);
            if (written.get() != null) {
                return written.get().toString();
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // fall through to the report entry
        }
        context.publishReportEntry("antrieb.report.text", text);
        return "the report entry antrieb.report.text of this test";
    }
}
