package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.claribi.Application;
import com.claribi.auth.Scope;
import com.claribi.billing.Quota;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.FakeLlmProvider;
import com.claribi.testsupport.FakeLlmProvider.Response;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import com.claribi.testsupport.TestConfigs;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole server configured with {@code CLARIBI_LLM_PROVIDER=openai} pointing at a loopback
 * provider: {@code run_analysis} over MCP HTTP is planned by the model's tool call (numbers checked
 * against plain Java over the same rows), falls back to the deterministic planner when the
 * provider fails, and charges one credit per completed analysis either way.
 */
class LlmPlannerToolsTest {
    private static final String KEY = "sk-e2e-0123456789abcdef";

    @TempDir
    static Path home;

    private static FakeLlmProvider provider;
    private static Application application;
    private static List<SalesCsv.Order> orders;
    private static SeededWorkspaces.Seeded acme;
    private static JsonNode outputSchema;

    @BeforeAll
    static void start() throws Exception {
        provider = new FakeLlmProvider();
        Config.Llm llm = new Config.Llm(
                Optional.of("openai"), Optional.of(KEY), Optional.of(provider.baseUrl()), Optional.of("gpt-e2e"));
        application = Application.start(
                TestConfigs.withLlm(Config.defaults().withHome(home).withPort(0), llm));
        orders = SalesCsv.orders(11, 300);
        acme = SeededWorkspaces.trialWorkspace(application, "Acme", EnumSet.allOf(Scope.class));
        SeededWorkspaces.csvDataSource(application, acme.workspaceId(), "Sales", SalesCsv.csv(orders));
        client().listTools().result().path("tools").forEach(tool -> {
            if (tool.path("name").asString().equals("run_analysis")) {
                outputSchema = tool.path("outputSchema");
            }
        });
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private static McpHttpClient client() throws Exception {
        return new McpHttpClient(application.publicUrl(), Optional.of(acme.mcpKey())).initialize();
    }

    private static long creditsUsed() {
        return application
                .plans()
                .usage(acme.workspaceId())
                .of(Quota.AI_CREDITS)
                .used();
    }

    private static JsonNode run(String question) throws Exception {
        McpHttpClient.Reply reply =
                client().callTool("run_analysis", Json.mapper().writeValueAsString(Map.of("question", question)));
        assertThat(reply.isToolError()).as(reply.rawBody()).isFalse();
        JsonNode payload = reply.result().path("structuredContent");
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(outputSchema);
        assertThat(schema.validate(payload)).as(payload.toString()).isEmpty();
        return payload;
    }

    /** The DuckDB table the prompt lists (the model learns it from the prompt, as a real one would). */
    private static String tableIn(FakeLlmProvider.Received request) {
        String user = request.body().path("messages").get(1).path("content").asString();
        Matcher matcher = Pattern.compile("- table \"([^\"]+)\"").matcher(user);
        assertThat(matcher.find()).as(user).isTrue();
        return matcher.group(1);
    }

    @Test
    void runAnalysisIsPlannedByTheModelsToolCallAndCostsOneCredit() throws Exception {
        provider.clear();
        provider.respond(request -> {
            ObjectNode arguments = (ObjectNode) FakeLlmProvider.json("""
                    {"metric": "units", "aggregation": "sum", "dimension": "product", "n": 1,
                     "filters": [{"column": "region", "op": "=", "values": ["EMEA"]}]}""");
            arguments.put("table", tableIn(request));
            return Response.ok(FakeLlmProvider.openAiToolCall("top_n", arguments));
        });
        Map<String, Integer> units = new TreeMap<>();
        orders.stream()
                .filter(order -> order.region().equals("EMEA"))
                .forEach(order -> units.merge(order.product(), order.units(), Integer::sum));
        String expected = units.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        long before = creditsUsed();
        String question = "Which of our products moves the most units in Europe?";

        JsonNode payload = run(question);

        FakeLlmProvider.Received request = provider.received().getFirst();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.body().path("model").asString()).isEqualTo("gpt-e2e");
        assertThat(request.body().path("messages").get(1).path("content").asString())
                .contains(question)
                .contains("\"units\"");
        assertThat(payload.path("status").asString()).isEqualTo("completed");
        assertThat(payload.path("answer").path("result").path("type").asString())
                .isEqualTo("category");
        assertThat(payload.path("answer").path("result").path("value").asString())
                .isEqualTo(expected);
        assertThat(payload.path("answer")
                        .path("table")
                        .path("rows")
                        .get(0)
                        .get(1)
                        .asDouble())
                .isCloseTo(units.get(expected), within(0.001));
        assertThat(payload.path("answer").path("notes").get(0).asString())
                .isEqualTo("Planned by the language model (openai gpt-e2e).");
        JsonNode step = payload.path("tool_trace").get(0);
        assertThat(step.path("tool").asString()).isEqualTo("llm_plan");
        assertThat(step.path("arguments").path("outcome").asString()).isEqualTo("planned");
        assertThat(payload.path("credits_used").asInt()).isEqualTo(1);
        assertThat(creditsUsed()).isEqualTo(before + 1);
        assertThat(payload.toString()).doesNotContain(KEY);
    }

    @Test
    void aFailingProviderFallsBackToTheDeterministicPlannerAtTheSamePrice() throws Exception {
        provider.respond(request -> new Response(500, "{\"error\": {\"message\": \"upstream\"}}", 0));
        long before = creditsUsed();

        JsonNode payload = run("revenue by region");

        SalesCsv.assertRevenueByRegion(payload, orders);
        JsonNode step = payload.path("tool_trace").get(0);
        assertThat(step.path("tool").asString()).isEqualTo("llm_plan");
        assertThat(step.path("arguments").path("outcome").asString()).isEqualTo("fallback");
        assertThat(step.path("arguments").path("reason").asString()).isEqualTo("HTTP 500");
        assertThat(payload.path("answer").path("notes").toString()).doesNotContain("language model");
        assertThat(payload.path("credits_used").asInt()).isEqualTo(1);
        assertThat(creditsUsed()).isEqualTo(before + 1);
    }
}
