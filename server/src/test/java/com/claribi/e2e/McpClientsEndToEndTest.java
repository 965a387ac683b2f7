package com.claribi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The official TypeScript MCP SDK client (e2e/streamable-http-client.mjs, e2e/sse-client.mjs)
 * against an in-process clariBI server, over both transports of SPEC §1.
 */
class McpClientsEndToEndTest {
    static final List<String> TIER_IDS = List.of("free", "lite", "trial", "starter", "professional", "enterprise");
    static final List<String> SDK_PROTOCOL_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    private static Application application;

    @BeforeAll
    static void start() {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
    }

    @Test
    void streamableHttpClientListsToolsCallsCheckPricingAndTerminatesTheSession() {
        JsonNode summary = NodeScripts.run(
                        SCRIPT_TIMEOUT, Map.of(), "streamable-http-client.mjs", application.publicUrl() + "/mcp/v1/")
                .successfulSummary();

        assertThat(summary.path("protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(summary.path("sessionId").asString())
                .as("MCP-Session-Id: visible ASCII, long enough to be unguessable")
                .matches("[\\x21-\\x7E]{16,}");
        assertThat(summary.path("serverInfo").path("name").asString()).isNotBlank();
        assertThat(names(summary.path("tools"))).contains("check_pricing");
        assertCheckPricingTool(summary.path("checkPricingTool"));
        assertPricingResult(summary.path("call"));

        assertThat(summary.path("deleteStatus").asInt()).as("DELETE status").isBetween(200, 299);
        assertThat(summary.path("sessionIdAfterTerminate").isNull()).isTrue();
        assertThat(summary.path("statusAfterDelete").asInt())
                .as("a request on a terminated session gets 404")
                .isEqualTo(404);
        for (JsonNode exchange : summary.path("exchanges")) {
            String method = exchange.path("method").asString();
            int status = exchange.path("status").asInt();
            // A server that offers no standalone GET stream answers 405, which the SDK expects.
            if (!(method.equals("GET") && status == 405)) {
                assertThat(status)
                        .as("%s %s", method, exchange.path("url").asString())
                        .isLessThan(400);
            }
        }
    }

    @Test
    void legacySseClientListsToolsAndCallsCheckPricing() {
        JsonNode summary = NodeScripts.run(
                        SCRIPT_TIMEOUT, Map.of(), "sse-client.mjs", application.publicUrl() + "/mcp/v1/sse")
                .successfulSummary();

        assertThat(summary.path("protocolVersion").asString()).isIn(SDK_PROTOCOL_VERSIONS);
        assertThat(summary.path("messagesUrl").asString())
                .startsWith(application.publicUrl() + "/mcp/v1/messages?session_id=");
        assertThat(names(summary.path("tools"))).contains("check_pricing");
        assertCheckPricingTool(summary.path("checkPricingTool"));
        assertPricingResult(summary.path("call"));
        for (JsonNode exchange : summary.path("exchanges")) {
            assertThat(exchange.path("status").asInt()).isLessThan(400);
        }
    }

    static void assertCheckPricingTool(JsonNode tool) {
        assertThat(tool.path("name").asString()).isEqualTo("check_pricing");
        assertThat(tool.path("title").asString()).isNotBlank();
        assertThat(tool.path("description").asString()).isNotBlank();
        assertThat(tool.path("inputSchema").path("type").asString()).isEqualTo("object");
        assertThat(tool.path("outputSchema").path("type").asString()).isEqualTo("object");
        assertThat(tool.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
    }

    /** A check_pricing result as SPEC §2 describes it: structuredContent plus a text block. */
    static void assertPricingResult(JsonNode call) {
        assertThat(call.path("isError").asBoolean()).isFalse();
        assertThat(names(call.path("contentTypes"))).contains("text");
        assertThat(call.path("text").asString()).isNotBlank();
        JsonNode tiers = call.path("structuredContent").path("tiers");
        List<String> ids = new ArrayList<>();
        for (JsonNode tier : tiers) {
            ids.add(tier.path("id").asString());
        }
        assertThat(ids).containsExactlyElementsOf(TIER_IDS);
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        for (JsonNode element : array) {
            names.add(element.asString());
        }
        return names;
    }
}
