package com.claribi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The MCP Inspector v2 CLI ({@code @modelcontextprotocol/inspector} 2.12.0, {@code --cli} mode,
 * headless) lists tools and calls check_pricing in each of its three protocol eras.
 *
 * <p>{@code --protocol-era legacy} sends a 2025 {@code initialize}; {@code auto} first probes
 * {@code server/discover} (the 2026-07-28 discovery request) and falls back to {@code initialize}
 * when the answer is a JSON-RPC error or a 4xx other than 401/403, and goes stateless 2026-07-28 when
 * the answer offers it (clariBI's does); {@code modern} pins protocol 2026-07-28 and has no
 * fallback. The postinstall script skipped by {@code npm ci --ignore-scripts}
 * only installs per-client dependencies in a source checkout; the published CLI bundle works
 * without it.
 */
class McpInspectorCliEndToEndTest {
    private static final String INSPECTOR =
            "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js";
    private static final String MODERN_PROTOCOL_VERSION = "2026-07-28";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    @TempDir
    static Path inspectorHome;

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
    void legacyEraListsToolsAndCallsCheckPricing() {
        assertListsAndCalls("legacy");
    }

    @Test
    void autoEraListsToolsAndCallsCheckPricing() {
        assertListsAndCalls("auto");
    }

    @Test
    void legacySseTransportListsToolsAndCallsCheckPricing() {
        assertListsAndCalls("legacy", "sse", "/mcp/v1/sse");
    }

    /**
     * The modern era pins protocol 2026-07-28 with no fallback: the inspector sends {@code
     * server/discover} and needs 2026-07-28 in {@code supportedVersions}, then makes stateless
     * requests. Were the server to drop that version, the inspector would exit 1 with "Version
     * negotiation failed: the server did not offer pinned protocol version 2026-07-28 via
     * server/discover (no fallback in pin mode)".
     */
    @Test
    void modernEraListsToolsAndCallsCheckPricing() throws Exception {
        assertThat(serverOffersModernProtocol())
                .as("server/discover offers " + MODERN_PROTOCOL_VERSION)
                .isTrue();
        assertListsAndCalls("modern");
    }

    private static void assertListsAndCalls(String era) {
        assertListsAndCalls(era, "http", "/mcp/v1/");
    }

    private static void assertListsAndCalls(String era, String transport, String path) {
        JsonNode listed = inspector(era, transport, path, "tools/list")
                .successfulSummary()
                .path("result");
        JsonNode checkPricing = null;
        for (JsonNode tool : listed.path("tools")) {
            if (tool.path("name").asString().equals("check_pricing")) {
                checkPricing = tool;
            }
        }
        assertThat(checkPricing).as("check_pricing in tools/list: %s", listed).isNotNull();
        McpClientsEndToEndTest.assertCheckPricingTool(checkPricing);

        JsonNode called = inspector(era, transport, path, "tools/call")
                .successfulSummary()
                .path("result");
        assertThat(called.path("isError").asBoolean(false)).isFalse();
        boolean hasText = false;
        StringBuilder text = new StringBuilder();
        for (JsonNode block : called.path("content")) {
            if (block.path("type").asString().equals("text")) {
                hasText = true;
                text.append(block.path("text").asString());
            }
        }
        assertThat(hasText).as("a text content block for older clients").isTrue();
        assertThat(text.toString()).isNotBlank();
        List<String> tierIds = new ArrayList<>();
        for (JsonNode tier : called.path("structuredContent").path("tiers")) {
            tierIds.add(tier.path("id").asString());
        }
        assertThat(tierIds).containsExactlyElementsOf(McpClientsEndToEndTest.TIER_IDS);
    }

    private static NodeScripts.Outcome inspector(String era, String transport, String path, String method) {
        List<String> arguments = new ArrayList<>(List.of(
                "--cli",
                "--server-url",
                application.publicUrl() + path,
                "--transport",
                transport,
                "--protocol-era",
                era,
                "--method",
                method,
                "--format",
                "json",
                "--connect-timeout",
                "20000"));
        if (method.equals("tools/call")) {
            arguments.addAll(List.of("--tool-name", "check_pricing"));
        }
        // Keep the inspector's catalog, client config and OAuth store out of the real home folder.
        Map<String, String> environment = Map.of(
                "HOME", inspectorHome.toString(),
                "MCP_CATALOG_PATH", inspectorHome.resolve("mcp.json").toString(),
                "MCP_CLIENT_CONFIG_PATH", inspectorHome.resolve("client.json").toString(),
                "NO_COLOR", "1");
        return NodeScripts.run(TIMEOUT, environment, INSPECTOR, arguments.toArray(String[]::new));
    }

    /**
     * Sends the probe the inspector sends (same headers and {@code _meta} envelope, captured from
     * inspector 2.12.0) and reports whether the answer offers 2026-07-28.
     */
    private static boolean serverOffersModernProtocol() throws Exception {
        String probe = """
                {"jsonrpc":"2.0","id":"probe-1","method":"server/discover","params":{"_meta":{
                "io.modelcontextprotocol/protocolVersion":"2026-07-28",
                "io.modelcontextprotocol/clientInfo":{"name":"claribi-e2e","version":"1.0.0"},
                "io.modelcontextprotocol/clientCapabilities":{}}}}""";
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(application.publicUrl() + "/mcp/v1/"))
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .header("MCP-Protocol-Version", MODERN_PROTOCOL_VERSION)
                            .header("Mcp-Method", "server/discover")
                            .POST(HttpRequest.BodyPublishers.ofString(probe))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return response.statusCode() == 200
                    && body.contains("supportedVersions")
                    && body.contains(MODERN_PROTOCOL_VERSION);
        }
    }
}
