package sh.antrieb.junit;

import sh.antrieb.ExecResult;

/**
 * Entry point of the AssertJ assertions for Antrieb values. Statically imported next to AssertJ's own
 * {@code Assertions.assertThat}, overload resolution picks this one for an {@link ExecResult}.
 *
 * <pre>{@code
 * import static sh.antrieb.junit.AntriebAssertions.assertThat;
 *
 * assertThat(cluster.exec("node1", "curl -s localhost")).succeeded().stdoutContains("node2");
 * assertThat(cluster.exec("node1", "systemctl is-active nginx")).stdoutIsEqualTo("active");
 * assertThat(cluster.exec("node1", "cat /missing")).failed().stderrContains("No such file");
 * }</pre>
 */
public final class AntriebAssertions {
    private AntriebAssertions() {
    }

    /**
     * Assertions on what a command did.
     *
     * @param actual the result of {@link sh.antrieb.Cluster#exec(String, String)}
     * @return the assertion object
     */
    public static ExecResultAssert assertThat(ExecResult actual) {
        return new ExecResultAssert(actual);
    }
}
