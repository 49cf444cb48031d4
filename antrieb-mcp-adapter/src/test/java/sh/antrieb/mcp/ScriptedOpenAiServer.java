package sh.antrieb.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.sun.net.httpserver.HttpServer;

import sh.antrieb.mcp.internal.Json;

/**
 * A scripted stand-in for an OpenAI-compatible model server: a real HTTP server speaking
 * {@code POST /v1/chat/completions}, answering each request with the next scripted reply text, and
 * recording the request bodies. Not a model: it reads nothing it is sent.
 */
final class ScriptedOpenAiServer implements AutoCloseable {
    private final HttpServer http;
    private final ConcurrentLinkedQueue<String> replies = new ConcurrentLinkedQueue<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    ScriptedOpenAiServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/v1/chat/completions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(body);
            String reply = replies.poll();
            byte[] out;
            int status;
            if (reply == null) {
                status = 500;
                out = "{\"error\":{\"message\":\"the scripted server has no more replies\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                Map<String, Object> message = new LinkedHashMap<>();
                message.put("role", "assistant");
                message.put("content", reply);
                Map<String, Object> choice = new LinkedHashMap<>();
                choice.put("index", 0);
                choice.put("message", message);
                choice.put("finish_reason", "stop");
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", "chatcmpl-scripted-" + requests.size());
                r.put("object", "chat.completion");
                r.put("created", 0);
                r.put("model", "scripted");
                r.put("choices", List.of(choice));
                r.put("usage", Map.of("prompt_tokens", 1, "completion_tokens", 1, "total_tokens", 2));
                out = Json.write(r).getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        http.start();
    }

    /** Queues a reply text. */
    ScriptedOpenAiServer reply(String text) {
        replies.add(text);
        return this;
    }

    /** The base URL a client is given, ending in {@code /v1}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1");
    }

    /** The request bodies received, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
