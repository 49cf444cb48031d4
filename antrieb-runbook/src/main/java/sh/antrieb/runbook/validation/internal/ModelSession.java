package sh.antrieb.runbook.validation.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import tools.jackson.databind.JsonNode;

import sh.antrieb.Cluster;
import sh.antrieb.ExecOptions;
import sh.antrieb.ExecResult;
import sh.antrieb.runbook.internal.ResultRenderer;
import sh.antrieb.runbook.validation.Check;
import sh.antrieb.runbook.validation.Code;
import sh.antrieb.runbook.validation.Finding;
import sh.antrieb.runbook.validation.Findings;
import sh.antrieb.runbook.validation.ModelExchange;
import sh.antrieb.runbook.validation.ModelExchange.Role;
import sh.antrieb.runbook.validation.Prompts;

/**
 * The engine's conversations with the model, one per role, each with a narrow context: the task, the
 * nodes, the checks, and for a rewrite the code with its findings. Troubleshooting offers one tool,
 * {@code run_command}, through LangChain4j's tool calling, and falls back to a fenced {@code ```run node1}
 * block for models that have none.
 */
public final class ModelSession {
    private static final Logger log = LoggerFactory.getLogger(ModelSession.class);
    static final String TOOL = "run_command";
    private static final String FALLBACK = "\nThis model has no tool calling: to run a command, reply with only a fenced block"
            + " whose info string is `run` and the node, e.g.\n```run node1\nsystemctl status web\n```\nand you get its output.";

    /** The model failed: an exception, or a reply without code. */
    public static final class ModelFailure extends RuntimeException {
        ModelFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a troubleshooting session gave: the rewritten code and the commands run. */
    public record Troubleshooting(Code code, List<ExecResult> commands) {
    }

    private final ChatModel model;
    private final Prompts prompts;
    private final String task;
    private final Code.Language language;
    private final List<String> nodes;
    private final List<String> images;
    private final List<Check> checks;
    private boolean toolCalling;
    private final List<ModelExchange> exchanges = new ArrayList<>();

    /**
     * A session for one convergence.
     *
     * @param toolCalling whether to offer the model the {@code run_command} tool (it falls back by itself when refused)
     */
    public ModelSession(ChatModel model, Prompts prompts, String task, Code.Language language, List<String> nodes, List<String> images,
                        List<Check> checks, boolean toolCalling) {
        this.model = model;
        this.prompts = prompts;
        this.task = task;
        this.language = language;
        this.nodes = nodes;
        this.images = images;
        this.checks = checks;
        this.toolCalling = toolCalling;
    }

    /** The exchanges made since the last call of this method. */
    public List<ModelExchange> drainExchanges() {
        List<ModelExchange> out = List.copyOf(exchanges);
        exchanges.clear();
        return out;
    }

    private String context() {
        StringBuilder s = new StringBuilder();
        s.append("Task: ").append(task).append("\n\nLanguage: ").append(language.id()).append("\nNodes:");
        for (int i = 0; i < nodes.size(); i++) {
            s.append(' ').append(nodes.get(i)).append(" (").append(images.get(i)).append(')');
        }
        if (!checks.isEmpty()) {
            s.append("\nThese checks must pass afterwards:");
            checks.forEach(c -> s.append("\n- on ").append(c.node()).append(": ").append(c.command()));
        }
        return s.toString();
    }

    /** The first code, from the task alone. */
    public Code generate() {
        String user = context() + "\n\nWrite the code.";
        return code(Role.GENERATE, List.of(SystemMessage.from(prompts.generate()), UserMessage.from(user)), user);
    }

    /** A full rewrite of {@code code} from its findings (and what troubleshooting learnt, when given). */
    public Code rewrite(Code code, Findings findings) {
        String user = context() + "\n\nThe code that ran:\n" + fenced(code.text()) + "\n\nWhat failed:\n" + findingsText(findings)
                + "\n\nReply with the whole corrected code.";
        return code(Role.REWRITE, List.of(SystemMessage.from(prompts.rewrite()), UserMessage.from(user)), user);
    }

    /**
     * Troubleshooting on {@code cluster}, where {@code code} just failed: up to {@code maxCommands}
     * commands, each output cut to {@code maxOutputChars}; then the rewritten code.
     */
    public Troubleshooting troubleshoot(Cluster cluster, Code code, Findings findings, int maxCommands, int maxOutputChars,
                                        ExecOptions options) {
        String user = context() + "\n\nThe code that ran:\n" + fenced(code.text()) + "\n\nWhat failed:\n" + findingsText(findings)
                + "\n\nThe cluster is still up as the code left it. You may run up to " + maxCommands + " commands.";
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(prompts.troubleshoot() + (toolCalling ? "" : FALLBACK)));
        messages.add(UserMessage.from(user));
        List<ExecResult> ran = new ArrayList<>();
        String lastRequest = user;
        while (ran.size() < maxCommands) {
            AiMessage ai = chat(Role.TROUBLESHOOT, messages, lastRequest, true);
            messages.add(ai);
            if (ai.hasToolExecutionRequests()) {
                StringBuilder results = new StringBuilder();
                for (ToolExecutionRequest req : ai.toolExecutionRequests()) {
                    String text;
                    if (ran.size() >= maxCommands) {
                        text = "not run: the budget of " + maxCommands + " commands is used up";
                    } else {
                        ExecResult r = runRequested(cluster, req.arguments(), options);
                        ran.add(r);
                        text = r == null ? "not run: give a node (" + nodes + ") and a command" : resultText(r, maxOutputChars);
                    }
                    messages.add(ToolExecutionResultMessage.from(req, text));
                    results.append(text).append('\n');
                }
                lastRequest = results.toString();
                continue;
            }
            String[] asked = toolCalling ? null : Replies.runRequest(ai.text());
            if (asked != null) {
                ExecResult r = nodes.contains(asked[0]) ? exec(cluster, asked[0], asked[1], options) : null;
                if (r != null) {
                    ran.add(r);
                }
                lastRequest = r == null ? "not run: " + asked[0] + " is not a node of the cluster (" + nodes + ")" : resultText(r, maxOutputChars);
                messages.add(UserMessage.from(lastRequest));
                continue;
            }
            String text = Replies.code(ai.text(), language);
            if (text != null) {
                return new Troubleshooting(Code.of(language, text), ran);
            }
            lastRequest = "Run a command with the tool, or reply with the whole corrected code in one fenced block.";
            messages.add(UserMessage.from(lastRequest));
        }
        String last = "The budget of " + maxCommands + " commands is used up. Reply now with the whole corrected code in one fenced block.";
        messages.add(UserMessage.from(last));
        AiMessage ai = chat(Role.TROUBLESHOOT, messages, last, false);
        String text = Replies.code(ai.text(), language);
        if (text == null) {
            throw new ModelFailure("the model's reply after troubleshooting has no code in a fenced block: " + shorten(ai.text()), null);
        }
        return new Troubleshooting(Code.of(language, text), ran);
    }

    private ExecResult runRequested(Cluster cluster, String arguments, ExecOptions options) {
        try {
            JsonNode args = FindingsRenderer.JSON.readTree(arguments == null ? "{}" : arguments);
            String node = args.path("node").asString("");
            String command = args.path("command").asString("");
            if (!nodes.contains(node) || command.isBlank()) {
                return null;
            }
            return exec(cluster, node, command, options);
        } catch (RuntimeException e) {
            log.info("troubleshoot: unreadable tool arguments {}: {}", arguments, e.toString());
            return null;
        }
    }

    private static ExecResult exec(Cluster cluster, String node, String command, ExecOptions options) {
        log.info("troubleshoot on {}: {} $ {}", cluster.id(), node, command.lines().findFirst().orElse(""));
        return sh.antrieb.runbook.internal.RunbookExecutor.runBlock(cluster, List.of(node), command, options).get(0);
    }

    private static String resultText(ExecResult r, int max) {
        String text = "exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "") + "\nstdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr();
        return text.length() <= max ? text : "[... cut to the last " + max + " characters]\n" + text.substring(text.length() - max);
    }

    private Code code(Role role, List<ChatMessage> messages, String request) {
        AiMessage ai = chat(role, new ArrayList<>(messages), request, false);
        String text = Replies.code(ai.text(), language);
        if (text == null) {
            throw new ModelFailure("the model's " + role.id() + " reply has no " + language.id() + " code in a fenced block: "
                    + shorten(ai.text()), null);
        }
        try {
            return Code.of(language, text);
        } catch (RuntimeException e) {
            throw new ModelFailure("the model's " + role.id() + " reply is not valid " + language.id() + ": " + e.getMessage(), e);
        }
    }

    private AiMessage chat(Role role, List<ChatMessage> messages, String request, boolean tools) {
        long t0 = System.nanoTime();
        ChatRequest.Builder req = ChatRequest.builder().messages(messages);
        if (tools && toolCalling) {
            req.toolSpecifications(runCommandTool());
        }
        AiMessage ai;
        try {
            ai = model.chat(req.build()).aiMessage();
        } catch (UnsupportedFeatureException e) {
            if (!(tools && toolCalling)) {
                throw new ModelFailure("the model refused the request: " + e.getMessage(), e);
            }
            log.info("the model has no tool calling ({}): troubleshooting through fenced run blocks", e.getMessage());
            toolCalling = false;
            messages.set(0, SystemMessage.from(((SystemMessage) messages.get(0)).text() + FALLBACK));
            return chat(role, messages, request, tools);
        } catch (RuntimeException e) {
            throw new ModelFailure("the model failed (" + role.id() + "): " + e, e);
        }
        if (ai == null) {
            throw new ModelFailure("the model gave no reply (" + role.id() + ")", null);
        }
        String reply = ai.hasToolExecutionRequests()
                ? ai.toolExecutionRequests().stream().map(r -> r.name() + " " + r.arguments()).collect(Collectors.joining("\n"))
                : ai.text();
        exchanges.add(new ModelExchange(role, request, reply, Duration.ofNanos(System.nanoTime() - t0)));
        return ai;
    }

    private ToolSpecification runCommandTool() {
        return ToolSpecification.builder()
                .name(TOOL)
                .description("Runs one shell command as root on a node of the failed cluster and returns its exit code, stdout and stderr.")
                .parameters(JsonObjectSchema.builder()
                        .addEnumProperty("node", nodes, "the node to run it on")
                        .addStringProperty("command", "a shell command, e.g. systemctl status web --no-pager")
                        .required("node", "command")
                        .build())
                .build();
    }

    static String findingsText(Findings f) {
        StringBuilder s = new StringBuilder();
        for (Finding x : f.failures()) {
            s.append("- ").append(x.summary()).append("\n  cause: ").append(x.cause().id()).append('\n');
            x.evidence().forEach(l -> s.append("  | ").append(l).append('\n'));
            if (!x.stderrTail().isBlank()) {
                s.append("  stderr (tail):\n").append(indent(x.stderrTail()));
            }
            if (!x.stdoutTail().isBlank()) {
                s.append("  stdout (tail):\n").append(indent(x.stdoutTail()));
            }
        }
        return s.toString();
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l + "\n").collect(Collectors.joining());
    }

    private static String fenced(String text) {
        StringBuilder sb = new StringBuilder();
        ResultRenderer.fenced(sb, "", text);
        return sb.toString();
    }

    private static String shorten(String s) {
        if (s == null) {
            return "(empty)";
        }
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }

}
