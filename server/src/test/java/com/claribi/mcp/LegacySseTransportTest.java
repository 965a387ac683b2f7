package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.platform.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The 2024-11-05 HTTP+SSE transport: GET /mcp/v1/sse names the endpoint; answers come on the stream. */
class LegacySseTransportTest {
    @TempDir
    Path home;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLegacyClientInitializesAndCallsAToolOverTheStream() throws Exception {
        try (TestServer server = TestServer.start(home, Authenticator.NONE)) {
            HttpResponse<InputStream> stream = server.client.send(
                    HttpRequest.newBuilder(URI.create(server.url + "/mcp/v1/sse"))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));

            String[] endpoint = nextEvent(events);
            assertThat(endpoint[0]).isEqualTo("endpoint");
            assertThat(endpoint[1]).startsWith("/mcp/v1/messages?session_id=");
            URI messages = URI.create(server.url + endpoint[1]);

            HttpResponse<String> accepted = post(server, messages, """
                    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                     "params": {"protocolVersion": "2024-11-05", "capabilities": {}, "clientInfo": {"name": "old", "version": "1"}}}""");
            assertThat(accepted.statusCode()).isEqualTo(202);
            JsonNode initialized = Json.mapper().readTree(nextEvent(events)[1]);
            assertThat(initialized.path("result").path("protocolVersion").asString())
                    .isEqualTo("2024-11-05");

            post(server, messages, """
                    {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "check_pricing", "arguments": {}}}""");
            String[] answer = nextEvent(events);
            assertThat(answer[0]).isEqualTo("message");
            assertThat(Json.mapper()
                            .readTree(answer[1])
                            .path("result")
                            .path("structuredContent")
                            .path("tiers")
                            .size())
                    .isEqualTo(6);

            HttpResponse<String> unknown =
                    post(server, URI.create(server.url + "/mcp/v1/messages?session_id=nope"), """
                    {"jsonrpc": "2.0", "id": 3, "method": "ping"}""");
            assertThat(unknown.statusCode()).isEqualTo(404);
            stream.body().close();
        }
    }

    private static HttpResponse<String> post(TestServer server, URI uri, String body) throws Exception {
        return server.client.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Reads one SSE event: {event name, data}. */
    private static String[] nextEvent(BufferedReader reader) throws Exception {
        String event = "message";
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    return new String[] {event, data.toString()};
                }
                continue;
            }
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            }
        }
        throw new AssertionError("the stream ended");
    }
}
