package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.billing.Pricing;
import com.claribi.platform.Json;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class CheckPricingToolTest {
    @TempDir
    Path home;

    @Test
    void structuredContentMatchesTheOutputSchemaOverTheWire() throws Exception {
        try (TestServer server = TestServer.start(home, Authenticator.NONE)) {
            String session = server.initialize();
            JsonNode tool = Json.mapper()
                    .readTree(server.call(session, """
                            {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}""").body())
                    .path("result")
                    .path("tools")
                    .get(0);

            HttpResponse<String> response = server.call(session, """
                    {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "check_pricing", "arguments": {}}}""");

            JsonNode result =
                    Json.mapper().readTree(TestServer.message(response)).path("result");
            var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(tool.path("outputSchema"));
            assertThat(schema.validate(result.path("structuredContent"))).isEmpty();
            assertThat(result.path("isError").asBoolean()).isFalse();
            assertThat(tool.path("annotations").path("readOnlyHint").asBoolean())
                    .isTrue();
            assertThat(tool.path("inputSchema").path("additionalProperties").asBoolean(true))
                    .isFalse();
        }
    }

    @Test
    void listsEveryTierWithPricesFeaturesAndLimits() {
        Pricing pricing = Pricing.load(Optional.empty());

        ToolResult result = CheckPricingTool.create(pricing).handler().call(JsonRpc.NODES.objectNode(), null);

        JsonNode structured = result.structuredContent().orElseThrow();
        assertThat(structured.path("tiers").size()).isEqualTo(pricing.tiers().size());
        JsonNode starter = structured.path("tiers").get(3);
        assertThat(starter.path("id").asString()).isEqualTo("starter");
        assertThat(starter.path("price_monthly_cents").asLong()).isEqualTo(9900);
        assertThat(starter.path("features").path("mcp_server_access").asBoolean())
                .isTrue();
        assertThat(structured
                        .path("tiers")
                        .get(0)
                        .path("features")
                        .path("mcp_server_access")
                        .asBoolean())
                .isFalse();
        assertThat(structured.path("tiers_with_mcp_server_access").toString())
                .isEqualTo("[\"Trial\",\"Starter\",\"Professional\",\"Enterprise\"]");
    }

    @Test
    void theTextBlockIsAConciseSummaryForTextOnlyClients() {
        ToolResult result = CheckPricingTool.create(Pricing.load(Optional.empty()))
                .handler()
                .call(JsonRpc.NODES.objectNode(), null);

        String text = result.content().getFirst().path("text").asString();
        assertThat(text)
                .contains("Starter: $99/month; MCP server access yes")
                .contains("Free: free; MCP server access no")
                .contains("Trial: free (14 days)")
                .contains("1 GB storage");
        assertThat(text.lines().count()).isLessThanOrEqualTo(10);
    }
}
