package com.claribi.testsupport;

import com.claribi.platform.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat-model provider on loopback (127.0.0.1, port 0) speaking the real wire formats of OpenAI
 * chat completions and Anthropic Messages: it records every request (path, headers, parsed body)
 * and answers with whatever the test's responder returns (a tool call in the provider's shape, an
 * HTTP error, or a reply after a delay).
 */
public final class FakeLlmProvider implements AutoCloseable {
    /** One request as received. Header names are lower-cased. */
    public record Received(String method, String path, Map<String, String> headers, JsonNode body) {}

    /** What to send back. */
    public record Response(int status, String body, long delayMillis) {
        public static Response ok(String body) {
            return new Response(200, body, 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Response> responder = request -> new Response(500, "{}", 0);

    public FakeLlmProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] bytes = exchange.getRequestBody().readAllBytes();
                Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                        .collect(Collectors.toMap(
                                entry -> entry.getKey().toLowerCase(Locale.ROOT),
                                entry -> String.join(",", entry.getValue()),
                                (a, b) -> a + "," + b));
                JsonNode body;
                try {
                    body = Json.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
                } catch (RuntimeException e) {
                    body = Json.mapper().createObjectNode();
                }
                Received request = new Received(
                        exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body);
                received.add(request);
                Response response = responder.apply(request);
                if (response.delayMillis() > 0) {
                    try {
                        Thread.sleep(response.delayMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(response.status(), out.length);
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                } catch (IOException e) {
                    // the client gave up (a timeout test); nothing to do
                }
            }
        });
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void respond(Function<Received, Response> responder) {
        this.responder = responder;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clear() {
        received.clear();
    }

    /** A chat.completion whose assistant message calls {@code tool} with {@code arguments} (sent as a JSON string). */
    public static String openAiToolCall(String tool, JsonNode arguments) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", "chatcmpl-test").put("object", "chat.completion").put("created", 1_763_000_000L);
        root.put("model", "gpt-test-2025-01-01");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant").putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", "call_test1").put("type", "function");
        call.putObject("function")
                .put("name", tool)
                .put("arguments", Json.mapper().writeValueAsString(arguments));
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "tool_calls");
        root.putObject("usage")
                .put("prompt_tokens", 900)
                .put("completion_tokens", 40)
                .put("total_tokens", 940);
        return Json.mapper().writeValueAsString(root);
    }

    /** A chat.completion with a plain text answer and no tool call. */
    public static String openAiText(String text) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "gpt-test");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        return Json.mapper().writeValueAsString(root);
    }

    /** A Messages API message with a text block then a tool_use block calling {@code tool}. */
    public static String anthropicToolUse(String tool, JsonNode input) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", "msg_test1").put("type", "message").put("role", "assistant");
        root.put("model", "claude-test");
        var content = root.putArray("content");
        content.addObject().put("type", "text").put("text", "I'll plan that with the " + tool + " tool.");
        ObjectNode use = content.addObject();
        use.put("type", "tool_use").put("id", "toolu_test1").put("name", tool);
        use.set("input", input);
        root.put("stop_reason", "tool_use").putNull("stop_sequence");
        root.putObject("usage").put("input_tokens", 900).put("output_tokens", 40);
        return Json.mapper().writeValueAsString(root);
    }

    /** Parses a JSON literal (tests write tool arguments in text blocks). */
    public static JsonNode json(String text) {
        return Json.mapper().readTree(text);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
