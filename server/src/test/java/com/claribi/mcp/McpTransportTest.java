package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.platform.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Hostile and malformed input over real HTTP: right status, right JSON-RPC code, and the server keeps serving. */
class McpTransportTest {
    @TempDir
    Path home;

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(home, Authenticator.NONE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static JsonNode json(String text) {
        return Json.mapper().readTree(text);
    }

    private void assertStillServing() throws Exception {
        String session = server.initialize();
        HttpResponse<String> ping = server.call(session, """
                {"jsonrpc": "2.0", "id": 99, "method": "ping"}""");
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(json(ping.body()).path("result").isObject()).isTrue();
    }

    private static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception", "\tat ", "java.", "com.claribi", "SELECT ", "INSERT ");
    }

    @Test
    void initializeNegotiatesTheClientsVersionOrTheNewest() throws Exception {
        HttpResponse<String> supported = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "a", "version": "1"}}}""");
        HttpResponse<String> unknown = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2099-01-01", "capabilities": {}, "clientInfo": {"name": "a", "version": "1"}}}""");

        assertThat(json(supported.body()).path("result").path("protocolVersion").asString())
                .isEqualTo("2025-06-18");
        assertThat(json(unknown.body()).path("result").path("protocolVersion").asString())
                .isEqualTo("2025-11-25");
        assertThat(supported.headers().firstValue("Mcp-Session-Id").orElseThrow())
                .matches("[\\x21-\\x7E]{43}");
    }

    @Test
    void malformedJsonIsAParseError() throws Exception {
        HttpResponse<String> response = server.post("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("error").path("code").asInt()).isEqualTo(-32700);
        assertNoInternals(response.body());
        assertStillServing();
    }

    @Test
    void aWrongJsonRpcShapeIsAnInvalidRequest() throws Exception {
        String session = server.initialize();

        HttpResponse<String> wrongVersion = server.call(session, """
                {"jsonrpc": "1.0", "id": 1, "method": "ping"}""");
        HttpResponse<String> arrayParams = server.call(session, """
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": [1, 2]}""");
        HttpResponse<String> nullId = server.call(session, """
                {"jsonrpc": "2.0", "id": null, "method": "ping"}""");
        HttpResponse<String> batchOnNewerVersion = server.call(session, """
                [{"jsonrpc": "2.0", "id": 3, "method": "ping"}]""");

        for (HttpResponse<String> response :
                java.util.List.of(wrongVersion, arrayParams, nullId, batchOnNewerVersion)) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(json(response.body()).path("error").path("code").asInt()).isEqualTo(-32600);
            assertNoInternals(response.body());
        }
        assertStillServing();
    }

    @Test
    void anUnknownMethodIsMethodNotFound() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 7, "method": "tools/explode"}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.path("id").asInt()).isEqualTo(7);
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32601);
        assertStillServing();
    }

    @Test
    void anUnknownToolIsInvalidParams() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": {"name": "drop_tables", "arguments": {}}}""");

        JsonNode message = json(TestServer.message(response));
        assertThat(message.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(message.path("error").path("message").asString()).contains("Unknown tool");
        assertStillServing();
    }

    @Test
    void invalidArgumentsAreAToolErrorTheModelCanFix() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {"tier": "gold"}}}""");

        JsonNode result = json(TestServer.message(response)).path("result");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString())
                .contains("Invalid arguments for check_pricing")
                .contains("tier");
        assertNoInternals(response.body());
    }

    @Test
    void argumentsThatAreNotAnObjectAreAToolError() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": {"name": "check_pricing", "arguments": [1]}}""");

        assertThat(json(TestServer.message(response))
                        .path("result")
                        .path("isError")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void anUnsupportedOrWrongProtocolVersionHeaderIs400() throws Exception {
        String session = server.initialize();

        HttpResponse<String> unsupported =
                server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2024-01-01");
        HttpResponse<String> otherThanNegotiated =
                server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""", "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-06-18");

        assertThat(unsupported.statusCode()).isEqualTo(400);
        assertThat(json(unsupported.body()).path("error").path("message").asString())
                .contains("Unsupported MCP-Protocol-Version");
        assertThat(otherThanNegotiated.statusCode()).isEqualTo(400);
        assertThat(json(otherThanNegotiated.body())
                        .path("error")
                        .path("message")
                        .asString())
                .contains("2025-11-25");
        assertStillServing();
    }

    @Test
    void aMissingSessionIdIs400AndAForeignOneIs404() throws Exception {
        HttpResponse<String> missing = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""", "MCP-Protocol-Version", "2025-11-25");
        HttpResponse<String> foreign = server.call("c2Vzc2lvbi10aGF0LXdhcy1uZXZlci1pc3N1ZWQ", """
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""");

        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertNoInternals(foreign.body());
        assertStillServing();
    }

    @Test
    void aDeletedSessionAnswers404() throws Exception {
        String session = server.initialize();

        HttpResponse<String> delete = server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-11-25")
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> after = server.call(session, """
                {"jsonrpc": "2.0", "id": 1, "method": "ping"}""");

        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(after.statusCode()).isEqualTo(404);
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        String session = server.initialize();
        String padding = "x".repeat(McpServer.SMALL_BODY_LIMIT + 10);

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {"padding": "%s"}}}""".formatted(padding));

        assertThat(response.statusCode()).isEqualTo(413);
        assertNoInternals(response.body());
        assertStillServing();
    }

    @Test
    void aBodyLargerThanTheFirstBufferIsReadWhole() throws Exception {
        String session = server.initialize();
        String padding = "y".repeat(300 * 1024);

        HttpResponse<String> fixedLength = server.call(session, """
                {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {"padding": "%s"}}}""".formatted(padding));
        HttpResponse<String> chunked = postChunked(session, """
                {"jsonrpc": "2.0", "id": 6, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {"padding": "%s"}}}""".formatted(padding));

        for (HttpResponse<String> response : java.util.List.of(fixedLength, chunked)) {
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode result = json(TestServer.message(response)).path("result");
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("content").get(0).path("text").asString()).contains("padding");
        }
    }

    @Test
    void aChunkedBodyIsReadWholeAndAnOversizedOneIs413() throws Exception {
        String session = server.initialize();
        String call = """
                {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "check_pricing", "arguments": {}}}""";
        String oversized = """
                {"jsonrpc": "2.0", "id": 8, "method": "ping", "params": {"padding": "%s"}}""".formatted("x".repeat(McpServer.SMALL_BODY_LIMIT + 10));

        HttpResponse<String> small = postChunked(session, call);
        HttpResponse<String> large = postChunked(session, oversized);

        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(json(TestServer.message(small))
                        .path("result")
                        .path("structuredContent")
                        .path("tiers")
                        .size())
                .isEqualTo(6);
        assertThat(large.statusCode()).isEqualTo(413);
        assertNoInternals(large.body());
        assertStillServing();
    }

    /** A body of unknown length: java.net.http sends it with chunked transfer coding. */
    private HttpResponse<String> postChunked(String session, String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-11-25")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aToolResultSharedAcrossCallsIsAnsweredTheSameEveryTime() throws Exception {
        String session = server.initialize();
        String expected = Json.mapper()
                .writeValueAsString(
                        CheckPricingTool.create(com.claribi.billing.Pricing.load(java.util.Optional.empty()))
                                .handler()
                                .call(JsonRpc.NODES.objectNode(), null)
                                .structuredContent()
                                .orElseThrow());

        for (int id = 1; id <= 3; id++) {
            HttpResponse<String> response = server.call(session, """
                    {"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "check_pricing"}}""".formatted(id));
            JsonNode message = json(TestServer.message(response));

            assertThat(message.path("id").asInt()).isEqualTo(id);
            assertThat(message.path("result").path("isError").asBoolean(true)).isFalse();
            assertThat(message.path("result")
                            .path("content")
                            .get(0)
                            .path("text")
                            .asString())
                    .startsWith("clariBI plans");
            assertThat(Json.mapper().writeValueAsString(message.path("result").path("structuredContent")))
                    .isEqualTo(expected);
        }
    }

    @Test
    void aHostileOriginIs403() throws Exception {
        HttpResponse<String> response = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "a", "version": "1"}}}""", "Origin", "https://evil.example.com");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertStillServing();
    }

    @Test
    void ourOwnOriginIsAllowed() throws Exception {
        HttpResponse<String> response = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "a", "version": "1"}}}""", "Origin", server.url.toString());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void aWrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(415);
    }

    @Test
    void a2025_03_26SessionAnswersBatches() throws Exception {
        HttpResponse<String> init = server.post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "a", "version": "1"}}}""");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

        HttpResponse<String> batch = server.post("""
                [{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                 {"jsonrpc": "2.0", "method": "notifications/initialized"},
                 {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                 {"jsonrpc": "2.0", "id": 3, "method": "nope"}]""", "Mcp-Session-Id", session);

        JsonNode answers = json(batch.body());
        assertThat(answers.size()).isEqualTo(3);
        assertThat(answers.get(1)
                        .path("result")
                        .path("tools")
                        .get(0)
                        .path("name")
                        .asString())
                .isEqualTo("check_pricing");
        assertThat(answers.get(2).path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void aStatelessRequestCarriesItsVersionInMeta() throws Exception {
        HttpResponse<String> response = server.post(
                """
                {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {},
                            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                      "io.modelcontextprotocol/clientCapabilities": {}}}}""", "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "check_pricing");

        JsonNode result = json(TestServer.message(response)).path("result");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.path("structuredContent").path("tiers").size()).isEqualTo(6);
    }

    @Test
    void aRoutingHeaderThatDisagreesWithTheBodyIs400WithHeaderMismatch() throws Exception {
        HttpResponse<String> response = server.post(
                """
                {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
                 "params": {"name": "check_pricing", "arguments": {},
                            "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                      "io.modelcontextprotocol/clientCapabilities": {}}}}""", "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "get_usage");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(json(response.body()).path("id").asInt()).isEqualTo(5);
    }

    @Test
    void anUnsupportedStatelessVersionListsWhatWeSupport() throws Exception {
        HttpResponse<String> response = server.post("""
                {"jsonrpc": "2.0", "id": 6, "method": "server/discover",
                 "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2030-01-01",
                                      "io.modelcontextprotocol/clientCapabilities": {}}}}""", "MCP-Protocol-Version", "2030-01-01");

        JsonNode error = json(response.body()).path("error");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error.path("code").asInt()).isEqualTo(-32022);
        assertThat(error.path("data").path("supported").get(0).asString()).isEqualTo("2026-07-28");
        assertThat(error.path("data").path("requested").asString()).isEqualTo("2030-01-01");
    }

    @Test
    void getWithJsonAcceptReturnsTheMetadataDocument() throws Exception {
        HttpResponse<String> response = server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode document = json(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(document.path("name").asString()).isEqualTo("claribi");
        assertThat(document.path("protocol_versions").toString()).contains("2025-11-25", "2026-07-28", "2024-11-05");
        assertThat(document.path("transports")
                        .path("streamable_http")
                        .path("url")
                        .asString())
                .isEqualTo(server.url + "/mcp/v1/");
        assertThat(document.path("authentication")
                        .path("protected_resource_metadata")
                        .asString())
                .isEqualTo(server.url + "/.well-known/oauth-protected-resource/mcp/v1");
        assertThat(document.path("counts").path("tools").asInt()).isEqualTo(1);
    }

    @Test
    void theEndpointWithoutTrailingSlashIsTheSameEndpoint() throws Exception {
        HttpResponse<String> response = server.client.send(
                HttpRequest.newBuilder(URI.create(server.url + "/mcp/v1"))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json(response.body()).path("name").asString()).isEqualTo("claribi");
    }

    @Test
    void theToolCatalogIsGeneratedFromTheRegistry() throws Exception {
        HttpResponse<String> response = server.client.send(
                HttpRequest.newBuilder(URI.create(server.url + "/api/mcp-server/tool-catalog/"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode tool = json(response.body()).path("tools").get(0);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(tool.path("name").asString()).isEqualTo("check_pricing");
        assertThat(tool.path("requires_auth").asBoolean()).isFalse();
        assertThat(tool.path("input_schema").path("additionalProperties").asBoolean(true))
                .isFalse();
        assertThat(tool.path("output_schema").path("type").asString()).isEqualTo("object");
        assertThat(tool.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
    }

    @Test
    void theSessionStreamEndsWhenTheSessionIsDeleted() throws Exception {
        String session = server.initialize();
        var stream = server.client.sendAsync(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-11-25")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300);

        server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Mcp-Session-Id", session)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        HttpResponse<String> ended = stream.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(ended.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    }

    @Test
    void aGetStreamForAnUnknownSessionIs404() throws Exception {
        HttpResponse<String> response = server.client.send(
                HttpRequest.newBuilder(server.endpoint())
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", "unknown")
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }
}
