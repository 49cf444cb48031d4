package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One request to the model and its reply, as the report shows it.
 *
 * @param role     what the request was for
 * @param request  the last message sent (the system prompt and earlier messages are the role's)
 * @param reply    the model's text, or the tool call it made ({@code run_command node1: systemctl status web})
 * @param duration how long the model took
 */
public record ModelExchange(Role role, String request, String reply, Duration duration) {

    /** The prompt roles of the engine; each has a narrow context (see {@link Prompts}). */
    public enum Role {
        /** Writes the first code from the task. */
        GENERATE,
        /** Rewrites the code from its findings (retry path, and the end of troubleshooting). */
        REWRITE,
        /** Asks for one command at a time on the failed cluster. */
        TROUBLESHOOT;

        /** The lower-case name. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the values. */
    public ModelExchange {
        Objects.requireNonNull(role, "role");
        request = request == null ? "" : request;
        reply = reply == null ? "" : reply;
        Objects.requireNonNull(duration, "duration");
    }
}
