package com.claribi.mcp;

import com.claribi.platform.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minimal MCP Streamable HTTP client over {@code java.net.http} for tests that must see raw HTTP
 * statuses and headers (401/403 with {@code WWW-Authenticate}). One session per instance.
 */
final class McpHttpClient {
    static final String VERSION = "2025-06-18";

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = Json.mapper();
    private final URI endpoint;
    private final Optional<String> bearer;
    private final AtomicInteger ids = new AtomicInteger();
    private String sessionId;

    /** A reply: the HTTP status, the challenge header if any, and the JSON-RPC message if any. */
    record Reply(int status, Optional<String> challenge, JsonNode message, String rawBody) {
        JsonNode result() {
            return message.get("result");
        }

        boolean isToolError() {
            return result() != null && result().path("isError").asBoolean(false);
        }

        String text() {
            return result().path("content").path(0).path("text").asString("");
        }
    }

    McpHttpClient(URI base, Optional<String> bearer) {
        this.endpoint = URI.create(base + "/mcp/v1/");
        this.bearer = bearer;
    }

    McpHttpClient initialize() throws Exception {
        Reply reply = post("""
                {"jsonrpc":"2.0","id":%d,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},
                 "clientInfo":{"name":"claribi-tests","version":"1"}}}""".formatted(ids.incrementAndGet(), VERSION));
        if (reply.status() != 200) {
            throw new IllegalStateException("initialize failed: " + reply.status() + " " + reply.rawBody());
        }
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return this;
    }

    Reply callTool(String name, String argumentsJson) throws Exception {
        return post("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
                + ",\"method\":\"tools/call\",\"params\":{\"name\":" + json.writeValueAsString(name)
                + ",\"arguments\":" + argumentsJson + "}}");
    }

    /** Any request with {@code paramsJson} as its params. */
    Reply request(String method, String paramsJson) throws Exception {
        return post("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":"
                + json.writeValueAsString(method) + ",\"params\":" + paramsJson + "}");
    }

    Reply listTools() throws Exception {
        return post("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"tools/list\"}");
    }

    private Reply post(String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
        String text = response.body();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode message = null;
        if (contentType.startsWith("text/event-stream")) {
            for (String line : text.split("\n")) {
                if (line.startsWith("data:") && line.length() > 5) {
                    JsonNode candidate = json.readTree(line.substring(5).trim());
                    if (candidate.has("result") || candidate.has("error")) {
                        message = candidate;
                    }
                }
            }
        } else if (!text.isBlank()) {
            message = json.readTree(text);
        }
        return new Reply(
                response.statusCode(),
                response.headers().firstValue("WWW-Authenticate"),
                message == null ? json.createObjectNode() : message,
                text);
    }
}
