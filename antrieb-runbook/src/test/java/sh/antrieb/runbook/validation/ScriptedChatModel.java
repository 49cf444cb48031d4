package sh.antrieb.runbook.validation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A scripted stand-in for a model: deterministic replies in order, a fenced code block or a
 * {@code run_command} tool call. It records every request it got, so a test can see what the engine told
 * the model (findings, real tool output). Not a model: it reads nothing it is sent.
 */
final class ScriptedChatModel implements ChatModel {
    private final List<AiMessage> replies = new ArrayList<>();
    private final List<ChatRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger next = new AtomicInteger();
    private boolean refuseTools;
    private AiMessage repeat;

    /** Replies with {@code text} (a fenced block is the code). */
    ScriptedChatModel reply(String text) {
        replies.add(AiMessage.from(text));
        return this;
    }

    /** Replies with the whole bash {@code script} in a fenced block. */
    ScriptedChatModel code(String script) {
        return reply("Here is the script:\n\n```bash\n" + script.stripTrailing() + "\n```\n");
    }

    /** Replies with a {@code run_command} tool call. */
    ScriptedChatModel runCommand(String node, String command) {
        String args = "{\"node\":\"" + node + "\",\"command\":" + json(command) + "}";
        replies.add(AiMessage.from(ToolExecutionRequest.builder().id("call-" + replies.size()).name("run_command").arguments(args).build()));
        return this;
    }

    /** After the scripted replies, replies with {@code script} forever. */
    ScriptedChatModel thenAlways(String script) {
        repeat = AiMessage.from("```bash\n" + script.stripTrailing() + "\n```\n");
        return this;
    }

    /** Refuses requests that offer tools, as a model without tool calling does. */
    ScriptedChatModel withoutToolCalling() {
        refuseTools = true;
        return this;
    }

    /** Every request received, in order. */
    List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        if (refuseTools && request.toolSpecifications() != null && !request.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools are not supported by this scripted model");
        }
        requests.add(request);
        int i = next.getAndIncrement();
        AiMessage ai;
        if (i < replies.size()) {
            ai = replies.get(i);
        } else if (repeat != null) {
            ai = repeat;
        } else {
            throw new IllegalStateException("the scripted model has no reply " + (i + 1) + " (it has " + replies.size() + ")");
        }
        return ChatResponse.builder().aiMessage(ai).build();
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
