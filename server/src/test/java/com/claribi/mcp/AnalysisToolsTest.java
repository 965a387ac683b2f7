package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.claribi.Application;
import com.claribi.auth.Scope;
import com.claribi.billing.Quota;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code run_analysis}, {@code get_analysis} and the dashboard tools over real HTTP against a real
 * server, H2 and DuckDB: answers checked against plain-Java arithmetic over the same rows, the
 * payload validated against the tool's output schema, credits, hostile input, tenant isolation.
 */
class AnalysisToolsTest {
    @TempDir
    static Path home;

    private static Application application;
    private static List<SalesCsv.Order> orders;
    private static SeededWorkspaces.Seeded acme;
    private static SeededWorkspaces.Seeded globex;
    private static String acmeSales;
    private static String globexSales;
    private static Map<String, JsonNode> toolsByName;

    @BeforeAll
    static void start() throws Exception {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        orders = SalesCsv.orders(7, 400);
        acme = SeededWorkspaces.trialWorkspace(application, "Acme", EnumSet.allOf(Scope.class));
        globex = SeededWorkspaces.trialWorkspace(application, "Globex", EnumSet.allOf(Scope.class));
        acmeSales = SeededWorkspaces.csvDataSource(application, acme.workspaceId(), "Sales", SalesCsv.csv(orders));
        globexSales = SeededWorkspaces.csvDataSource(
                application, globex.workspaceId(), "Globex sales", SalesCsv.csv(SalesCsv.orders(8, 50)));
        toolsByName = new TreeMap<>();
        client(acme.mcpKey())
                .listTools()
                .result()
                .path("tools")
                .forEach(tool -> toolsByName.put(tool.path("name").asString(), tool));
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
    }

    private static McpHttpClient client(String bearer) throws Exception {
        return new McpHttpClient(application.publicUrl(), Optional.ofNullable(bearer)).initialize();
    }

    private static void assertMatchesOutputSchema(String tool, JsonNode structured) {
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(toolsByName.get(tool).path("outputSchema"));
        assertThat(schema.validate(structured)).as(structured.toString()).isEmpty();
    }

    private static long creditsUsed(String workspaceId) {
        return application.plans().usage(workspaceId).of(Quota.AI_CREDITS).used();
    }

    private static String ask(String question) {
        return Json.mapper().writeValueAsString(Map.of("question", question));
    }

    @Test
    void totalRevenueIsRightAndTheReplyCarriesPayloadTextAndPngChart() throws Exception {
        double expected = orders.stream().mapToDouble(SalesCsv.Order::revenue).sum();
        long before = creditsUsed(acme.workspaceId());

        McpHttpClient.Reply reply = client(acme.mcpKey()).callTool("run_analysis", ask("What was total revenue?"));

        assertThat(reply.isToolError()).as(reply.rawBody()).isFalse();
        JsonNode payload = reply.result().path("structuredContent");
        assertMatchesOutputSchema("run_analysis", payload);
        assertThat(payload.path("analysis_id").asString()).matches("an_[0-9a-z]{26}");
        assertThat(payload.path("status").asString()).isEqualTo("completed");
        assertThat(payload.path("answer").path("result").path("type").asString())
                .isEqualTo("number");
        assertThat(payload.path("answer").path("result").path("value").asDouble())
                .isCloseTo(expected, within(0.01));
        assertThat(payload.path("data_sources_used").get(0).asString()).isEqualTo(acmeSales);
        assertThat(payload.path("credits_used").asInt()).isEqualTo(1);
        assertThat(creditsUsed(acme.workspaceId())).isEqualTo(before + 1);
        assertThat(payload.path("credits_remaining").asLong()).isEqualTo(50 - creditsUsed(acme.workspaceId()));
        assertThat(payload.path("tool_trace").get(0).path("tool").asString()).isEqualTo("plan");
        assertThat(reply.text()).isEqualTo(payload.path("answer").path("text").asString());
    }

    @Test
    void breakdownByRegionMatchesPlainArithmeticAndComesWithABarChartPng() throws Exception {

        McpHttpClient.Reply reply = client(acme.mcpKey()).callTool("run_analysis", ask("revenue by region"));

        JsonNode payload = reply.result().path("structuredContent");
        assertMatchesOutputSchema("run_analysis", payload);
        assertThat(payload.path("answer").path("result").path("type").asString())
                .isEqualTo("table");
        SalesCsv.assertRevenueByRegion(payload, orders);
        assertThat(payload.path("answer").path("chart").path("type").asString()).isEqualTo("bar");
        assertThat(payload.path("follow_up_questions").size()).isBetween(3, 5);
        JsonNode image = reply.result().path("content").get(1);
        assertThat(image.path("type").asString()).isEqualTo("image");
        assertThat(image.path("mimeType").asString()).isEqualTo("image/png");
        byte[] png = Base64.getDecoder().decode(image.path("data").asString());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
    }

    @Test
    void anUnanswerableQuestionSaysSoAndCostsNothing() throws Exception {
        long before = creditsUsed(acme.workspaceId());

        McpHttpClient.Reply reply =
                client(acme.mcpKey()).callTool("run_analysis", ask("How many employees work in the Berlin office?"));

        assertThat(reply.isToolError()).isFalse();
        JsonNode payload = reply.result().path("structuredContent");
        assertMatchesOutputSchema("run_analysis", payload);
        assertThat(payload.path("status").asString()).isEqualTo("failed");
        assertThat(payload.path("answer").has("result")).isFalse();
        assertThat(payload.path("credits_used").asInt()).isZero();
        assertThat(creditsUsed(acme.workspaceId())).isEqualTo(before);
        assertThat(reply.result().path("content")).hasSize(1);
    }

    @Test
    void hostileQuestionsAreRefusedOrAnsweredWithoutHarm() throws Exception {
        McpHttpClient client = client(acme.mcpKey());
        assertThat(client.callTool("run_analysis", ask("")).isToolError()).isTrue();
        assertThat(client.callTool("run_analysis", ask("   ")).isToolError()).isTrue();
        assertThat(client.callTool("run_analysis", ask("revenue ".repeat(500))).isToolError())
                .isTrue();
        for (String hostile : List.of(
                "'; DROP TABLE " + acmeSales + "; --",
                "revenue by region\"; DELETE FROM data_sources; --",
                "SELECT * FROM read_csv('/etc/passwd')",
                "revenue in EMEA' OR '1'='1")) {
            McpHttpClient.Reply reply = client.callTool("run_analysis", ask(hostile));
            String echoed = Json.mapper().writeValueAsString(hostile);
            assertThat(reply.rawBody().replace(echoed.substring(1, echoed.length() - 1), ""))
                    .as("no SQL text, class name or stack trace comes back")
                    .doesNotContain("Exception", "at com.", "SELECT ", "FROM \"");
            if (!reply.isToolError()) {
                assertMatchesOutputSchema("run_analysis", reply.result().path("structuredContent"));
            }
        }
        McpHttpClient.Reply still = client.callTool("run_analysis", ask("How many orders are there?"));
        assertThat(still.result()
                        .path("structuredContent")
                        .path("answer")
                        .path("result")
                        .path("value")
                        .asLong())
                .as("the table survived")
                .isEqualTo(orders.size());
    }

    @Test
    void unknownAndForeignDataSourceIdsAreNotFoundAlike() throws Exception {
        McpHttpClient client = client(acme.mcpKey());
        McpHttpClient.Reply foreign = client.callTool(
                "run_analysis",
                Json.mapper()
                        .writeValueAsString(
                                Map.of("question", "total revenue", "data_source_ids", List.of(globexSales))));
        McpHttpClient.Reply unknown = client.callTool(
                "run_analysis",
                Json.mapper()
                        .writeValueAsString(
                                Map.of("question", "total revenue", "data_source_ids", List.of("ds_nope"))));
        assertThat(foreign.isToolError()).isTrue();
        assertThat(unknown.isToolError()).isTrue();
        assertThat(foreign.text()).contains("No data source").doesNotContain("Globex");
        assertThat(foreign.text().replace(globexSales, "X"))
                .isEqualTo(unknown.text().replace("ds_nope", "X"));
        assertThat(client.callTool("run_analysis", "{\"question\":\"x\",\"data_source_ids\":[\"'; DROP\"]}")
                        .isToolError())
                .isTrue();
        assertThat(client.callTool("run_analysis", "{\"question\":\"x\",\"extra\":1}")
                        .isToolError())
                .isTrue();
    }

    @Test
    void getAnalysisReturnsTheStoredPayloadToItsWorkspaceOnly() throws Exception {
        McpHttpClient client = client(acme.mcpKey());
        JsonNode first = client.callTool("run_analysis", ask("average units by product"))
                .result()
                .path("structuredContent");
        String id = first.path("analysis_id").asString();

        McpHttpClient.Reply again =
                client.callTool("get_analysis", "{\"analysis_id\":\"" + id + "\",\"wait_seconds\":0}");
        assertMatchesOutputSchema("get_analysis", again.result().path("structuredContent"));
        assertThat(again.result().path("structuredContent")).isEqualTo(first);
        assertThat(again.result().path("content").get(1).path("type").asString())
                .isEqualTo("image");

        McpHttpClient.Reply stranger =
                client(globex.mcpKey()).callTool("get_analysis", "{\"analysis_id\":\"" + id + "\"}");
        assertThat(stranger.isToolError()).isTrue();
        assertThat(stranger.text()).contains("No analysis");
        assertThat(client.callTool("get_analysis", "{\"analysis_id\":\"../../etc\"}")
                        .isToolError())
                .isTrue();
    }

    @Test
    void waitSecondsZeroReturnsRunningThenGetAnalysisWaitsForTheAnswer() throws Exception {
        McpHttpClient client = client(acme.mcpKey());
        JsonNode started = client.callTool(
                        "run_analysis", "{\"question\":\"monthly revenue trend\",\"wait_seconds\":0}")
                .result()
                .path("structuredContent");
        assertMatchesOutputSchema("run_analysis", started);
        assertThat(started.path("status").asString()).isIn("running", "completed");

        JsonNode done = client.callTool(
                        "get_analysis",
                        "{\"analysis_id\":\"" + started.path("analysis_id").asString() + "\",\"wait_seconds\":30}")
                .result()
                .path("structuredContent");
        assertThat(done.path("status").asString()).isEqualTo("completed");
        assertThat(done.path("answer").path("chart").path("type").asString()).isEqualTo("line");
    }

    @Test
    void anExhaustedCreditQuotaIsAToolErrorNamingQuotaLimitAndUse() throws Exception {
        SeededWorkspaces.Seeded spent =
                SeededWorkspaces.trialWorkspace(application, "Spent", EnumSet.allOf(Scope.class));
        SeededWorkspaces.csvDataSource(application, spent.workspaceId(), "Sales", SalesCsv.csv(orders));
        application.plans().consume(spent.workspaceId(), Quota.AI_CREDITS, 49);
        McpHttpClient client = client(spent.mcpKey());

        McpHttpClient.Reply last = client.callTool("run_analysis", ask("total revenue"));
        assertThat(last.result()
                        .path("structuredContent")
                        .path("credits_remaining")
                        .asInt())
                .isZero();

        McpHttpClient.Reply refused = client.callTool("run_analysis", ask("total revenue"));
        assertThat(refused.isToolError()).isTrue();
        assertThat(refused.text()).contains("ai_credits", "50", "50 used");
        assertThat(creditsUsed(spent.workspaceId())).isEqualTo(50);
    }

    @Test
    void savingToADashboardPinsAWidgetThatIsReRunOnRead() throws Exception {
        McpHttpClient client = client(acme.mcpKey());
        McpHttpClient.Reply pinned = client.callTool(
                "run_analysis", "{\"question\":\"revenue by product\",\"save_to_dashboard\":\"Board A\"}");
        assertThat(pinned.text()).contains("Pinned to dashboard \"Board A\"");

        JsonNode list = client.callTool("list_dashboards", "{}").result().path("structuredContent");
        assertMatchesOutputSchema("list_dashboards", list);
        JsonNode board = null;
        for (JsonNode item : list.path("dashboards")) {
            if (item.path("name").asString().equals("Board A")) {
                board = item;
            }
        }
        assertThat(board).isNotNull();
        String id = board.path("id").asString();

        JsonNode detail = client.callTool("get_dashboard", "{\"dashboard_id\":\"" + id + "\"}")
                .result()
                .path("structuredContent");
        assertMatchesOutputSchema("get_dashboard", detail);
        assertThat(detail.path("widgets").get(0).path("question").asString()).isEqualTo("revenue by product");
        assertThat(detail.path("widgets").get(0).path("result").path("status").asString())
                .isEqualTo("completed");

        McpHttpClient.Reply resource =
                client.request("resources/read", "{\"uri\":\"claribi://dashboards/" + id + "\"}");
        JsonNode content = Json.mapper()
                .readTree(resource.result().path("contents").get(0).path("text").asString());
        assertThat(content.path("widgets").get(0).path("analysis_id").asString())
                .isEqualTo(detail.path("widgets").get(0).path("analysis_id").asString());
        assertThat(client.request("resources/list", "{}").rawBody()).contains("claribi://dashboards/" + id);

        McpHttpClient.Reply stranger =
                client(globex.mcpKey()).callTool("get_dashboard", "{\"dashboard_id\":\"" + id + "\"}");
        assertThat(stranger.isToolError()).isTrue();
        assertThat(client(globex.mcpKey())
                        .request("resources/read", "{\"uri\":\"claribi://dashboards/" + id + "\"}")
                        .rawBody())
                .doesNotContain("Board A");
    }

    @Test
    void saveToDashboardWithoutDashboardsWriteIsRefusedBeforeAnyWorkOrCharge() throws Exception {
        EnumSet<Scope> noWrite = EnumSet.complementOf(EnumSet.of(Scope.DASHBOARDS_WRITE));
        String key = SeededWorkspaces.key(application, acme, com.claribi.accounts.KeyKind.MCP, noWrite);
        long before = creditsUsed(acme.workspaceId());

        McpHttpClient.Reply refused = client(key)
                .callTool("run_analysis", "{\"question\":\"total revenue\",\"save_to_dashboard\":\"Board B\"}");

        assertThat(refused.isToolError()).isTrue();
        assertThat(refused.text()).contains("dashboards:write", "Nothing was run or charged");
        assertThat(creditsUsed(acme.workspaceId())).isEqualTo(before);
    }
}
