package com.claribi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.ChildServer;
import com.claribi.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two clariBI processes on one PostgreSQL database share MCP sessions (SPEC §1, §5): a session
 * initialized on one server is continued on the other with the same {@code MCP-Session-Id}, and a
 * DELETE on either ends it for both at once (MCP 2025-11-25 §basic/transports: 404 afterwards). One server runs in this JVM, the other as a separate JVM
 * ({@code com.claribi.Main serve}) configured only through CLARIBI_* variables, as in production.
 */
class McpSessionsAcrossServersEndToEndTest {
    private static final String PROTOCOL_VERSION = "2025-11-25";

    @TempDir
    Path firstHome;

    @TempDir
    Path secondHome;

    private Application first;
    private Process second;
    private Path secondLog;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void startBothServers() throws Exception {
        Config.Database database = TestPostgres.freshDatabase();
        first = Application.start(
                Config.defaults().withHome(firstHome).withPort(0).withDatabase(database));
        secondLog = secondHome.resolve("server.log");
        Map<String, String> environment = new HashMap<>();
        environment.put("CLARIBI_DB_URL", database.url().orElseThrow());
        database.username().ifPresent(username -> environment.put("CLARIBI_DB_USERNAME", username));
        database.password().ifPresent(password -> environment.put("CLARIBI_DB_PASSWORD", password));
        second = ChildServer.start(secondHome, secondLog, "256m", environment);
    }

    @AfterEach
    void stopBothServers() throws Exception {
        if (second != null) {
            second.destroy();
            if (!second.waitFor(20, TimeUnit.SECONDS)) {
                second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        http.close();
        if (first != null) {
            first.close();
        }
    }

    @Test
    void aSessionStartedOnOneServerContinuesOnTheOtherAndEndsEverywhereWhenDeleted() throws Exception {
        URI firstEndpoint = URI.create(first.publicUrl() + "/mcp/v1/");
        URI secondEndpoint = URI.create("http://127.0.0.1:" + ChildServer.awaitPort(second, secondLog) + "/mcp/v1/");

        HttpResponse<String> initialize = post(firstEndpoint, Optional.empty(), """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                "capabilities":{},"clientInfo":{"name":"claribi-e2e","version":"1.0.0"}}}""");
        assertThat(initialize.statusCode()).as(initialize.body()).isEqualTo(200);
        String sessionId = initialize
                .headers()
                .firstValue("MCP-Session-Id")
                .orElseThrow(() -> new AssertionError("initialize set no MCP-Session-Id"));
        assertThat(response(initialize, 1)
                        .path("result")
                        .path("protocolVersion")
                        .asString())
                .isEqualTo(PROTOCOL_VERSION);
        HttpResponse<String> initialized = post(firstEndpoint, Optional.of(sessionId), """
                {"jsonrpc":"2.0","method":"notifications/initialized"}""");
        assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(202);

        HttpResponse<String> listed = post(secondEndpoint, Optional.of(sessionId), """
                {"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}""");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        List<String> toolNames = new ArrayList<>();
        for (JsonNode tool : response(listed, 2).path("result").path("tools")) {
            toolNames.add(tool.path("name").asString());
        }
        assertThat(toolNames).contains("check_pricing");

        HttpResponse<String> called = post(secondEndpoint, Optional.of(sessionId), """
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"check_pricing","arguments":{}}}""");
        assertThat(called.statusCode()).as(called.body()).isEqualTo(200);
        JsonNode result = response(called, 3).path("result");
        assertThat(result.path("isError").asBoolean(false)).isFalse();
        List<String> tierIds = new ArrayList<>();
        for (JsonNode tier : result.path("structuredContent").path("tiers")) {
            tierIds.add(tier.path("id").asString());
        }
        assertThat(tierIds).containsExactlyElementsOf(McpClientsEndToEndTest.TIER_IDS);

        HttpResponse<String> deleted = http.send(
                request(secondEndpoint, Optional.of(sessionId)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isBetween(200, 299);

        HttpResponse<String> afterDeleteOnSecond = post(secondEndpoint, Optional.of(sessionId), """
                {"jsonrpc":"2.0","id":4,"method":"tools/list","params":{}}""");
        assertThat(afterDeleteOnSecond.statusCode())
                .as("the deleting server refuses the session at once")
                .isEqualTo(404);

        // MCP 2025-11-25 §basic/transports: a terminated session MUST be answered with 404, by
        // every server, immediately (the PostgreSQL-backed store reads the row on every request).
        HttpResponse<String> afterDeleteOnFirst = post(firstEndpoint, Optional.of(sessionId), """
                {"jsonrpc":"2.0","id":5,"method":"tools/list","params":{}}""");
        assertThat(afterDeleteOnFirst.statusCode())
                .as("the first server must see the session the second deleted as gone at once")
                .isEqualTo(404);
        HttpResponse<String> deletedAgain = http.send(
                request(firstEndpoint, Optional.of(sessionId)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deletedAgain.statusCode()).isEqualTo(404);
    }

    private HttpRequest.Builder request(URI endpoint, Optional<String> sessionId) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", PROTOCOL_VERSION);
        sessionId.ifPresent(id -> builder.header("MCP-Session-Id", id));
        return builder;
    }

    private HttpResponse<String> post(URI endpoint, Optional<String> sessionId, String body) throws Exception {
        return http.send(
                request(endpoint, sessionId)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The JSON-RPC response with {@code id} from a Streamable HTTP POST answered either as {@code
     * application/json} or as a {@code text/event-stream} of {@code data:} events.
     */
    static JsonNode response(HttpResponse<String> response, int id) {
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        List<String> messages = new ArrayList<>();
        if (contentType.startsWith("text/event-stream")) {
            StringBuilder data = new StringBuilder();
            for (String line : (response.body() + "\n\n").split("\r?\n", -1)) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5))
                            .append('\n');
                } else if (line.isEmpty() && !data.isEmpty()) {
                    messages.add(data.toString());
                    data.setLength(0);
                }
            }
        } else {
            assertThat(contentType).startsWith("application/json");
            messages.add(response.body());
        }
        for (String message : messages) {
            JsonNode node = Json.mapper().readTree(message);
            if (node.path("id").asInt(-1) == id) {
                assertThat(node.has("error")).as("JSON-RPC error: %s", node).isFalse();
                return node;
            }
        }
        throw new AssertionError("no JSON-RPC response with id " + id + " in: " + response.body());
    }

    /** Reads the port the child chose from its "clariBI listening on" log line. */
}
