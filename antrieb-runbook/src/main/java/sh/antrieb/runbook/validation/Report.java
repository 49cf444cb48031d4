package sh.antrieb.runbook.validation;

import java.util.Objects;

import sh.antrieb.runbook.validation.internal.ReportRenderer;

/**
 * A convergence run as a report: outcome and why it stopped, wall time split (provisioning, the code's own
 * commands, the model, troubleshooting, teardown, the engine), every iteration with its code, cluster,
 * commands with outputs and timings, findings, recovery path and why, model requests and replies, and the
 * distilled runbook with its proof.
 */
public final class Report {
    private final Convergence convergence;

    Report(Convergence convergence) {
        this.convergence = Objects.requireNonNull(convergence, "convergence");
    }

    /** The run reported on. */
    public Convergence convergence() {
        return convergence;
    }

    /** The report as a JSON object (snake_case keys). */
    public String toJson() {
        return ReportRenderer.json(convergence);
    }

    /** The report as markdown. */
    public String toMarkdown() {
        return ReportRenderer.markdown(convergence);
    }

    /** The report as one self-contained HTML page (no scripts, no external resources). */
    public String toHtml() {
        return ReportRenderer.html(convergence);
    }
}
