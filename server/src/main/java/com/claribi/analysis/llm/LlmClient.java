package com.claribi.analysis.llm;

import com.claribi.platform.Config;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool-calling request to a chat model, in either wire format the planner supports:
 *
 * <ul>
 *   <li>{@link Provider#OPENAI}: OpenAI chat completions ({@code POST {base}/v1/chat/completions},
 *       {@code Authorization: Bearer}, {@code tools[].type = "function"}, {@code tool_choice:
 *       "required"}); the reply's {@code choices[0].message.tool_calls[0].function} carries the
 *       name and the arguments as a JSON <em>string</em>. Any OpenAI-compatible server works.
 *   <li>{@link Provider#ANTHROPIC}: Anthropic Messages ({@code POST {base}/v1/messages}, {@code
 *       x-api-key}, {@code anthropic-version: 2023-06-01}, {@code tools[].input_schema}, {@code
 *       tool_choice: {"type": "any"}}); the reply's first {@code content[]} block of type {@code
 *       tool_use} carries {@code name} and {@code input} (an object).
 * </ul>
 *
 * <p>Failures never throw: they come back as {@link Reply.Failed} with a short reason that holds
 * neither the API key nor the provider's response body (which may echo part of the key). The key
 * is kept only to set the header; {@link #toString()} does not show it. Thread-safe; close it to
 * stop its HTTP client.
 */
public final class LlmClient implements AutoCloseable {
    /** The wire format. */
    public enum Provider {
        OPENAI("openai", "https://api.openai.com", "gpt-4.1-mini"),
        ANTHROPIC("anthropic", "https://api.anthropic.com", "claude-sonnet-4-5");

        final String id;
        final String defaultBase;
        final String defaultModel;

        Provider(String id, String defaultBase, String defaultModel) {
            this.id = id;
            this.defaultBase = defaultBase;
            this.defaultModel = defaultModel;
        }

        public String id() {
            return id;
        }

        static Provider of(String id) {
            for (Provider provider : values()) {
                if (provider.id.equals(id.toLowerCase(Locale.ROOT))) {
                    return provider;
                }
            }
            throw new IllegalArgumentException("unknown LLM provider " + id);
        }
    }

    /** A tool the model may call; {@code inputSchema} is a JSON Schema object. */
    public record Tool(String name, String description, JsonNode inputSchema) {
        public Tool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(inputSchema, "inputSchema");
        }
    }

    /** What the model did. */
    public sealed interface Reply {
        /** The model called {@code name}; {@code arguments} is the parsed JSON object. */
        record Called(String name, JsonNode arguments) implements Reply {
            public Called {
                Objects.requireNonNull(name, "name");
                Objects.requireNonNull(arguments, "arguments");
            }
        }

        /** No usable tool call: network error, timeout, HTTP error, no tool call, malformed reply. */
        record Failed(String reason) implements Reply {
            public Failed {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** Timeouts and reply size. */
    public record Limits(Duration connectTimeout, Duration totalTimeout, int maxTokens) {
        public Limits {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(totalTimeout, "totalTimeout");
        }

        /** Connect 3 s, whole call 20 s, 1,024 output tokens (a plan is a few hundred). */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(3), Duration.ofSeconds(20), 1024);
        }
    }

    private static final String ANTHROPIC_VERSION = "2023-06-01";

    private final Provider provider;
    private final String model;
    private final URI endpoint;
    private final String apiKey;
    private final Limits limits;
    private final JsonMapper mapper;
    private final HttpClient http;

    private LlmClient(Provider provider, String model, URI base, String apiKey, Limits limits, JsonMapper mapper) {
        this.provider = provider;
        this.model = model;
        this.endpoint = endpoint(base, provider);
        this.apiKey = apiKey;
        this.limits = limits;
        this.mapper = mapper;
        this.http = new HttpClient();
        http.setConnectTimeout(limits.connectTimeout().toMillis());
        http.setIdleTimeout(limits.totalTimeout().toMillis());
        http.setFollowRedirects(false);
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "clariBI-planner"));
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the LLM HTTP client could not start", e);
        }
    }

    /**
     * The client for {@code config}, or empty when no provider is configured. Defaults: base URL
     * {@code https://api.openai.com} / {@code https://api.anthropic.com}, model {@code
     * gpt-4.1-mini} / {@code claude-sonnet-4-5}.
     */
    public static java.util.Optional<LlmClient> create(Config.Llm config, Limits limits, JsonMapper mapper) {
        Objects.requireNonNull(config, "config");
        if (config.provider().isEmpty()) {
            return java.util.Optional.empty();
        }
        Provider provider = Provider.of(config.provider().get());
        return java.util.Optional.of(new LlmClient(
                provider,
                config.model().filter(m -> !m.isBlank()).orElse(provider.defaultModel),
                config.baseUrl().orElse(URI.create(provider.defaultBase)),
                config.apiKey().orElse(""),
                limits,
                mapper));
    }

    /** {@code {base}/v1/chat/completions} or {@code {base}/v1/messages}; a base ending in /v1 is not doubled. */
    static URI endpoint(URI base, Provider provider) {
        String root = base.toString();
        while (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        if (!root.endsWith("/v1")) {
            root = root + "/v1";
        }
        return URI.create(root + (provider == Provider.OPENAI ? "/chat/completions" : "/messages"));
    }

    public Provider provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    /**
     * Sends one system prompt, one user message and the tools, requiring a tool call. Blocks up to
     * the total timeout.
     */
    public Reply call(String system, String user, List<Tool> tools) {
        String body;
        try {
            body = mapper.writeValueAsString(
                    provider == Provider.OPENAI
                            ? openAiRequest(system, user, tools)
                            : anthropicRequest(system, user, tools));
        } catch (RuntimeException e) {
            return new Reply.Failed("the request could not be encoded");
        }
        Request request = http.newRequest(endpoint)
                .method(HttpMethod.POST)
                .timeout(limits.totalTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .headers(headers -> {
                    headers.put(HttpHeader.ACCEPT, "application/json");
                    if (provider == Provider.OPENAI) {
                        if (!apiKey.isEmpty()) {
                            headers.put(HttpHeader.AUTHORIZATION, "Bearer " + apiKey);
                        }
                    } else {
                        headers.put("x-api-key", apiKey);
                        headers.put("anthropic-version", ANTHROPIC_VERSION);
                    }
                })
                .body(new StringRequestContent("application/json", body));
        ContentResponse response;
        try {
            response = request.send();
        } catch (TimeoutException e) {
            return new Reply.Failed("timed out after " + limits.totalTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Failed("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Reply.Failed(
                    cause instanceof TimeoutException || cause instanceof java.net.SocketTimeoutException
                            ? "timed out"
                            : "could not reach the provider ("
                                    + cause.getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
            return new Reply.Failed(
                    "could not reach the provider (" + e.getClass().getSimpleName() + ")");
        }
        if (response.getStatus() / 100 != 2) {
            return new Reply.Failed("HTTP " + response.getStatus());
        }
        JsonNode reply;
        try {
            reply = mapper.readTree(response.getContentAsString());
        } catch (RuntimeException e) {
            return new Reply.Failed("the reply is not JSON");
        }
        return provider == Provider.OPENAI ? openAiReply(reply) : anthropicReply(reply);
    }

    private ObjectNode openAiRequest(String system, String user, List<Tool> tools) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        ArrayNode messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        ArrayNode toolArray = root.putArray("tools");
        for (Tool tool : tools) {
            ObjectNode function = toolArray.addObject().put("type", "function").putObject("function");
            function.put("name", tool.name()).put("description", tool.description());
            function.set("parameters", tool.inputSchema());
        }
        root.put("tool_choice", "required");
        return root;
    }

    private ObjectNode anthropicRequest(String system, String user, List<Tool> tools) {
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model);
        root.put("max_tokens", limits.maxTokens());
        root.put("system", system);
        root.putArray("messages").addObject().put("role", "user").put("content", user);
        ArrayNode toolArray = root.putArray("tools");
        for (Tool tool : tools) {
            ObjectNode entry = toolArray.addObject().put("name", tool.name()).put("description", tool.description());
            entry.set("input_schema", tool.inputSchema());
        }
        root.putObject("tool_choice").put("type", "any");
        return root;
    }

    private Reply openAiReply(JsonNode reply) {
        JsonNode calls = reply.path("choices").path(0).path("message").path("tool_calls");
        if (!calls.isArray() || calls.isEmpty()) {
            return new Reply.Failed("the model called no tool");
        }
        JsonNode function = calls.get(0).path("function");
        String name = function.path("name").asString("");
        JsonNode argumentsText = function.path("arguments");
        if (name.isEmpty() || !argumentsText.isString()) {
            return new Reply.Failed("the tool call has no name or arguments");
        }
        try {
            JsonNode arguments = mapper.readTree(argumentsText.asString());
            if (!arguments.isObject()) {
                return new Reply.Failed("the tool call's arguments are not a JSON object");
            }
            return new Reply.Called(name, arguments);
        } catch (RuntimeException e) {
            return new Reply.Failed("the tool call's arguments are not JSON");
        }
    }

    private static Reply anthropicReply(JsonNode reply) {
        for (JsonNode block : reply.path("content")) {
            if (block.path("type").asString("").equals("tool_use")) {
                String name = block.path("name").asString("");
                JsonNode input = block.path("input");
                if (name.isEmpty() || !input.isObject()) {
                    return new Reply.Failed("the tool call has no name or input");
                }
                return new Reply.Called(name, input);
            }
        }
        return new Reply.Failed("the model called no tool");
    }

    @Override
    public String toString() {
        return "LlmClient[" + provider.id + " " + model + " at " + endpoint + "]";
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping a client that holds no connections cannot fail in a way worth reporting
        }
    }
}
