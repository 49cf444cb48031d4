package sh.antrieb.runbook.validation;

import java.util.Objects;

/**
 * The system prompts of the engine's model roles, each replaceable. The engine adds the narrow context of
 * each request itself (task, nodes, checks, the code, its findings) as the user message; a system prompt
 * says what the role is and how to answer.
 *
 * @param generate     writes the first code from the task
 * @param rewrite      rewrites the code from its findings
 * @param troubleshoot asks for one command at a time on the failed cluster, then rewrites
 */
public record Prompts(String generate, String rewrite, String troubleshoot) {
    private static final String COMMON = """
            The code runs as root on fresh Debian VMs of a cluster (node1, node2, ...). Every node resolves the others \
            by name and root can `ssh nodeN` to any of them without a prompt. The same code runs twice: the second run \
            must change nothing and still succeed (idempotence). For bash, split the script into steps with lines \
            `# step: Title` (node1) or `# step node2,node3: Title`; each step runs as its own command on its nodes, and \
            the lines before the first step marker (set -e, variables, functions) go in front of every step. Start a \
            background service so it outlives the command (a systemd unit, or nohup setsid ... &).""";

    /** The prompts the engine uses unless told otherwise. */
    public static final Prompts DEFAULTS = new Prompts(
            "You write infrastructure code that does a task. " + COMMON
                    + "\nReply with the whole code in one fenced block and nothing after it.",
            "You fix infrastructure code that failed on real machines. " + COMMON
                    + "\nYou get the task, the code and what failed with its evidence. Reply with the whole corrected code in"
                    + " one fenced block; it runs on a brand-new cluster.",
            "You troubleshoot infrastructure code on the live cluster where it just failed. " + COMMON
                    + "\nRun one diagnostic or repair command at a time with the tool run_command(node, command) and read its"
                    + " exit code and output. When you know the fix, stop calling the tool and reply with the whole corrected"
                    + " code in one fenced block: it runs on a brand-new cluster, so every repair must be in the code.");

    /** Checks the values. */
    public Prompts {
        Objects.requireNonNull(generate, "generate");
        Objects.requireNonNull(rewrite, "rewrite");
        Objects.requireNonNull(troubleshoot, "troubleshoot");
    }

    /** These prompts with another generate prompt. */
    public Prompts withGenerate(String prompt) {
        return new Prompts(prompt, rewrite, troubleshoot);
    }

    /** These prompts with another rewrite prompt. */
    public Prompts withRewrite(String prompt) {
        return new Prompts(generate, prompt, troubleshoot);
    }

    /** These prompts with another troubleshoot prompt. */
    public Prompts withTroubleshoot(String prompt) {
        return new Prompts(generate, rewrite, prompt);
    }
}
