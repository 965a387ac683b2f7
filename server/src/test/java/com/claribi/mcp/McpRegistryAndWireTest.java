package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.auth.Authenticator;
import com.claribi.platform.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class McpRegistryAndWireTest {
    @TempDir
    Path home;

    private static ObjectNode schema(String json) {
        return (ObjectNode) Json.mapper().readTree(json);
    }

    private static Tool tool(String name, ObjectNode inputSchema, Tool.Handler handler) {
        return new Tool(
                name,
                name,
                "test tool",
                inputSchema,
                Optional.empty(),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.empty(),
                false,
                false,
                handler);
    }

    @Test
    void anInputSchemaMustForbidAdditionalProperties() {
        assertThatThrownBy(() -> tool("open_tool", schema("{\"type\": \"object\"}"), (a, c) -> ToolResult.text("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("additionalProperties");
    }

    @Test
    void toolNamesFollowTheSpecCharacterSet() {
        ObjectNode closed = schema("{\"type\": \"object\", \"additionalProperties\": false}");
        assertThatThrownBy(() -> tool("bad name!", closed, (a, c) -> ToolResult.text("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tool("x".repeat(129), closed, (a, c) -> ToolResult.text("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aToolIsRegisteredOnceAndTheRegistryFreezesWhenServing() {
        McpRegistry registry = new McpRegistry();
        ObjectNode closed = schema("{\"type\": \"object\", \"additionalProperties\": false}");
        registry.tool(tool("one", closed, (a, c) -> ToolResult.text("x")));

        assertThatThrownBy(() -> registry.tool(tool("one", closed, (a, c) -> ToolResult.text("x"))))
                .hasMessageContaining("twice");
        registry.freeze();
        assertThatThrownBy(() -> registry.tool(tool("two", closed, (a, c) -> ToolResult.text("x"))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resourceTemplatesMatchOneSegmentPerVariable() {
        ResourceTemplate template = new ResourceTemplate(
                "claribi://data-sources/{id}",
                "data-source",
                "Data source",
                "d",
                Optional.empty(),
                (u, v, c) -> List.of());

        assertThat(template.match("claribi://data-sources/ds_123")).contains(Map.of("id", "ds_123"));
        assertThat(template.match("claribi://data-sources/ds_1/../../etc")).isEmpty();
        assertThat(template.match("claribi://dashboards/ds_1")).isEmpty();
    }

    @Test
    void jsonRpcParsingRejectsHostileShapes() {
        for (String hostile : List.of(
                "[]",
                "42",
                "\"text\"",
                "{}",
                "{\"jsonrpc\": \"2.0\"}",
                "{\"jsonrpc\": \"2.0\", \"method\": 5}",
                "{\"jsonrpc\": \"2.0\", \"id\": {\"a\": 1}, \"method\": \"ping\"}",
                "{\"jsonrpc\": \"2.0\", \"id\": 1.5, \"method\": \"ping\"}",
                "{\"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {}, \"error\": {}}")) {
            assertThatThrownBy(() -> JsonRpc.parse(Json.mapper().readTree(hostile)))
                    .as(hostile)
                    .isInstanceOfSatisfying(
                            McpException.class, e -> assertThat(e.code()).isEqualTo(McpException.INVALID_REQUEST));
        }
    }

    @Test
    void listsArePaginatedWithOpaqueCursors() throws Exception {
        ObjectNode closed = schema("{\"type\": \"object\", \"additionalProperties\": false}");
        McpRegistry.Extension many = registry -> {
            for (int index = 0; index < 150; index++) {
                registry.tool(tool("tool_" + index, closed, (a, c) -> ToolResult.text("x")));
            }
        };
        try (TestServer server = TestServer.start(home, Authenticator.NONE, many)) {
            String session = server.initialize();

            JsonNode first = Json.mapper()
                    .readTree(server.call(session, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}")
                            .body())
                    .path("result");
            String cursor = first.path("nextCursor").asString();
            JsonNode second = Json.mapper()
                    .readTree(server.call(session, """
                            {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {"cursor": "%s"}}""".formatted(cursor)).body())
                    .path("result");
            HttpResponse<String> forged = server.call(session, """
                    {"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"cursor": "not-ours"}}""");

            assertThat(first.path("tools").size()).isEqualTo(Dispatcher.PAGE_SIZE);
            assertThat(second.path("tools").size()).isEqualTo(151 - Dispatcher.PAGE_SIZE);
            assertThat(second.has("nextCursor")).isFalse();
            assertThat(forged.body()).contains("-32602");
        }
    }

    @Test
    void notificationsCancelledReachesTheRunningTool() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> sawCancel = new CompletableFuture<>();
        McpRegistry.Extension waiting = registry -> registry.tool(tool(
                "wait_for_cancel", schema("{\"type\": \"object\", \"additionalProperties\": false}"), (a, context) -> {
                    started.countDown();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!context.cancelled() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    sawCancel.complete(context.cancelled());
                    return ToolResult.text("stopped");
                }));
        try (TestServer server = TestServer.start(home, Authenticator.NONE, waiting)) {
            String session = server.initialize();
            CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.call(session, """
                            {"jsonrpc": "2.0", "id": "call-1", "method": "tools/call", "params": {"name": "wait_for_cancel"}}""");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> cancel = server.call(session, """
                    {"jsonrpc": "2.0", "method": "notifications/cancelled",
                     "params": {"requestId": "call-1", "reason": "user pressed stop"}}""");

            assertThat(cancel.statusCode()).isEqualTo(202);
            assertThat(sawCancel.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(call.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }
}
