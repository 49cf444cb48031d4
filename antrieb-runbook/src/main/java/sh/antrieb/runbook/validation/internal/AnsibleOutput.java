package sh.antrieb.runbook.validation.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an {@code ansible-playbook} run's output: which tasks reported {@code changed}, on which hosts. */
public final class AnsibleOutput {
    private static final Pattern TASK = Pattern.compile("^TASK \\[(.*)\\] \\**\\s*$");
    private static final Pattern CHANGED = Pattern.compile("^changed: \\[([^\\]]+)\\]");
    private static final Pattern RECAP = Pattern.compile("^(\\S+)\\s+:\\s+ok=\\d+\\s+changed=(\\d+)");

    private AnsibleOutput() {
    }

    /** Each changed task as {@code task 'Name' changed on host}, in output order. */
    public static List<String> changedTasks(String output) {
        List<String> changed = new ArrayList<>();
        String task = "?";
        for (String line : output.split("\n")) {
            String l = line.stripTrailing();
            Matcher t = TASK.matcher(l);
            if (t.matches()) {
                task = t.group(1);
                continue;
            }
            Matcher c = CHANGED.matcher(l);
            if (c.find()) {
                changed.add("task '" + task + "' changed on " + c.group(1));
            }
        }
        return changed;
    }

    /** The sum of {@code changed=N} over the recap's hosts; 0 when there is no recap. */
    public static int changedCount(String output) {
        int sum = 0;
        for (String line : output.split("\n")) {
            Matcher m = RECAP.matcher(line.strip());
            if (m.find()) {
                sum += Integer.parseInt(m.group(2));
            }
        }
        return sum;
    }
}
