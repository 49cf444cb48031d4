package sh.antrieb.junit;

/**
 * The short summary of the clusters a failed test used, attached to the test's own exception as a
 * suppressed exception: the failure stays the test's exception, with its type, message and stack trace,
 * and the summary is printed beneath it. It names the file holding the full report.
 */
final class ClusterReport extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClusterReport(String summary) {
        // No stack trace: where the extension noticed the failure says nothing about it.
        super(summary, null, false, false);
    }
}
