package sh.antrieb.runbook;

import java.util.List;

/**
 * One numbered step of a runbook's {@code ## Steps}: why it is done (the prose) and its command blocks,
 * run in order.
 *
 * @param number   1-based position among the steps
 * @param title    the step's heading (or the first line of its list item), without the number
 * @param why      the step's prose in markdown: everything in the step that is not a command block
 * @param commands the command blocks in document order; may be empty for a step that only explains
 * @param line     1-based line where the step starts, 0 when not parsed from markdown
 */
public record Step(int number, String title, String why, List<CommandBlock> commands, int line) {

    /** Copies the command list. */
    public Step {
        commands = List.copyOf(commands);
        title = title == null ? "" : title;
        why = why == null ? "" : why;
    }
}
