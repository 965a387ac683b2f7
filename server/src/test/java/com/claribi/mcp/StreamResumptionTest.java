package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.platform.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SSE responses carry event ids, a priming event and a retry hint; Last-Event-ID resumes them. */
class StreamResumptionTest {
    @TempDir
    Path home;

    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final AtomicBoolean CANCELLED = new AtomicBoolean();

    private static final McpRegistry.Extension SLOW_TOOL = registry -> registry.tool(new Tool(
            "slow_steps",
            "Slow steps",
            "Reports progress, waits to be released, then answers",
            ConformanceFixtures.json("{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}"),
            Optional.empty(),
            Tool.Annotations.READ_ONLY,
            List.of(),
            Optional.empty(),
            false,
            false,
            (arguments, context) -> {
                context.progress(1, 3.0, "first");
                try {
                    RELEASE.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                context.progress(2, 3.0, "second");
                CANCELLED.set(context.cancelled());
                return ToolResult.text("done");
            }));

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClientThatLosesTheStreamResumesItWithLastEventId() throws Exception {
        try (TestServer server = TestServer.start(home, Authenticator.NONE, SLOW_TOOL)) {
            String session = server.initialize();
            HttpResponse<InputStream> first = server.client.send(
                    HttpRequest.newBuilder(server.endpoint())
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .header("Mcp-Session-Id", session)
                            .header("MCP-Protocol-Version", "2025-11-25")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                                    {"jsonrpc": "2.0", "id": 42, "method": "tools/call",
                                     "params": {"name": "slow_steps", "arguments": {}, "_meta": {"progressToken": "p1"}}}"""))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader reader = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));

            List<String> priming = readEvent(reader);
            assertThat(priming).anyMatch(line -> line.startsWith("retry: "));
            assertThat(priming).anyMatch(line -> line.matches("id: .+-0"));
            List<String> progress = readEvent(reader);
            String lastEventId = progress.stream()
                    .filter(line -> line.startsWith("id: "))
                    .findFirst()
                    .orElseThrow()
                    .substring(4);
            assertThat(progress).anyMatch(line -> line.contains("notifications/progress"));
            first.body().close();

            RELEASE.countDown();
            HttpResponse<String> resumed = server.client.send(
                    HttpRequest.newBuilder(server.endpoint())
                            .timeout(Duration.ofSeconds(15))
                            .header("Accept", "text/event-stream")
                            .header("Mcp-Session-Id", session)
                            .header("MCP-Protocol-Version", "2025-11-25")
                            .header("Last-Event-ID", lastEventId)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(resumed.body()).contains("\"second\"").doesNotContain("\"first\"");
            String answer = TestServer.message(resumed);
            assertThat(Json.mapper().readTree(answer).path("id").asInt()).isEqualTo(42);
            assertThat(Json.mapper()
                            .readTree(answer)
                            .path("result")
                            .path("content")
                            .get(0)
                            .path("text")
                            .asString())
                    .isEqualTo("done");
            assertThat(CANCELLED).isFalse();
        }
    }

    private static List<String> readEvent(BufferedReader reader) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (!lines.isEmpty()) {
                    return lines;
                }
                continue;
            }
            lines.add(line);
        }
        throw new AssertionError("the stream ended");
    }
}
