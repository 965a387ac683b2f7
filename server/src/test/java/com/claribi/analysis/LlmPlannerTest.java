package com.claribi.analysis;

import static com.claribi.testsupport.FakeLlmProvider.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.claribi.analysis.llm.LlmClient;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.FakeLlmProvider;
import com.claribi.testsupport.FakeLlmProvider.Received;
import com.claribi.testsupport.FakeLlmProvider.Response;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The optional LLM planner against loopback providers speaking OpenAI's and Anthropic's real wire
 * formats: the request they receive (endpoint, auth headers, model, tools, the question and the
 * tables), tool calls answered through the same SQL path (numbers checked against SQL written
 * here), and every failure falling back to the deterministic planner.
 */
class LlmPlannerTest {
    private static final String KEY = "sk-test-9f8e7d6c5b4a39281706";

    @TempDir
    static Path dir;

    static Connection connection;
    static List<TableSchema> schemas;
    static FakeLlmProvider provider;
    static LlmPlanner openAi;
    static LlmPlanner anthropic;
    static AnalysisEngine openAiEngine;
    static AnalysisEngine anthropicEngine;
    static final AnalysisEngine DETERMINISTIC = new AnalysisEngine(QuestionSetTest.CLOCK, AnalysisLimits.defaults());

    @BeforeAll
    static void start() throws Exception {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        Datasets.createAll(connection, dir);
        schemas = Datasets.schemas(connection);
        provider = new FakeLlmProvider();
        openAi = planner("openai", provider.baseUrl(), "gpt-test", Duration.ofSeconds(20));
        anthropic = planner("anthropic", provider.baseUrl(), "claude-test", Duration.ofSeconds(20));
        openAiEngine = engine(openAi);
        anthropicEngine = engine(anthropic);
    }

    @AfterAll
    static void stop() throws SQLException {
        openAi.close();
        anthropic.close();
        provider.close();
        connection.close();
    }

    @BeforeEach
    void clear() {
        provider.clear();
    }

    private static LlmPlanner planner(String name, URI base, String model, Duration total) {
        Config.Llm config = new Config.Llm(Optional.of(name), Optional.of(KEY), Optional.of(base), Optional.of(model));
        LlmClient client = LlmClient.create(
                        config, new LlmClient.Limits(Duration.ofSeconds(3), total, 1024), Json.mapper())
                .orElseThrow();
        return new LlmPlanner(client, Json.mapper());
    }

    private static AnalysisEngine engine(LlmPlanner planner) {
        return new AnalysisEngine(QuestionSetTest.CLOCK, AnalysisLimits.defaults(), Optional.of(planner));
    }

    private static double scalar(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int index = 0; index < parameters.length; index++) {
                statement.setObject(index + 1, parameters[index]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getDouble(1);
            }
        }
    }

    private static JsonNode payload(String question, AnalysisOutcome outcome) {
        return Json.mapper().valueToTree(AnalysisPayload.of("an_test", question, outcome, 1, 49));
    }

    private static JsonNode llmStep(JsonNode payload) {
        JsonNode first = payload.path("tool_trace").get(0);
        assertThat(first.path("tool").asString()).isEqualTo("llm_plan");
        return first;
    }

    @Test
    void openAiToolCallIsSentInTheRealWireFormatAndAnsweredThroughTheSameSql() throws Exception {
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("breakdown", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum", "group_by": ["region"],
                 "filters": [{"column": "channel", "op": "=", "values": ["online"]}],
                 "time_range": {"start": "2025-01-01", "end": "2025-12-31"}}"""))));
        String question = "How did online sales split across our regions in 2025?";

        AnalysisOutcome outcome = openAiEngine.analyze(connection, question, schemas);

        Received request = provider.received().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(request.headers()).doesNotContainKey("x-api-key");
        JsonNode body = request.body();
        assertThat(body.path("model").asString()).isEqualTo("gpt-test");
        assertThat(body.path("tool_choice").asString()).isEqualTo("required");
        List<String> tools = new ArrayList<>();
        body.path("tools").forEach(tool -> {
            assertThat(tool.path("type").asString()).isEqualTo("function");
            assertThat(tool.path("function").path("parameters").path("type").asString())
                    .isEqualTo("object");
            tools.add(tool.path("function").path("name").asString());
        });
        assertThat(tools)
                .containsExactly(
                        "aggregate",
                        "breakdown",
                        "top_n",
                        "trend",
                        "compare_periods",
                        "share",
                        "yes_no",
                        "list",
                        "lookup",
                        "cannot_answer");
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("system");
        String user = body.path("messages").get(1).path("content").asString();
        assertThat(user)
                .contains(question)
                .contains("Today's date: 2026-01-15")
                .contains("table \"sales_orders\"")
                .contains("\"revenue\" DOUBLE, measure")
                .contains("\"EMEA\"");

        Map<String, Double> expected = new TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT region, SUM(revenue) FROM sales_orders WHERE channel = 'Online'"
                                + " AND order_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' GROUP BY region");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                expected.put(rows.getString(1), rows.getDouble(2));
            }
        }
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Answered.class);
        Map<String, Double> actual = new TreeMap<>();
        outcome.answer()
                .table()
                .rows()
                .forEach(row -> actual.put((String) row.get(0), ((Number) row.get(1)).doubleValue()));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((region, revenue) -> assertThat(actual.get(region)).isCloseTo(revenue, within(0.01)));
        JsonNode payload = payload(question, outcome);
        assertThat(payload.path("answer").path("notes").get(0).asString())
                .isEqualTo("Planned by the language model (openai gpt-test).");
        assertThat(payload.path("answer").path("interpretation").path("filters").toString())
                .contains("Online");
        JsonNode step = llmStep(payload);
        assertThat(step.path("arguments").path("outcome").asString()).isEqualTo("planned");
        assertThat(step.path("arguments").path("tool").asString()).isEqualTo("breakdown");
        assertThat(step.path("ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(payload.path("tool_trace").toString()).contains("\"tool\":\"breakdown\"");
        assertThat(payload.toString()).doesNotContain(KEY);
    }

    @Test
    void anthropicToolUseIsSentInTheRealWireFormatAndAnsweredThroughTheSameSql() throws Exception {
        provider.respond(request -> Response.ok(FakeLlmProvider.anthropicToolUse("aggregate", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "filters": [{"column": "region", "op": "=", "values": ["EMEA"]}],
                 "time_range": {"start": "2025-10-01", "end": "2025-12-31"},
                 "notes": ["'last quarter' read as Q4 2025"]}"""))));
        String question = "How much did we make in Europe last quarter?";

        AnalysisOutcome outcome = anthropicEngine.analyze(connection, question, schemas);

        Received request = provider.received().getFirst();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo(KEY);
        assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.headers()).doesNotContainKey("authorization");
        JsonNode body = request.body();
        assertThat(body.path("model").asString()).isEqualTo("claude-test");
        assertThat(body.path("max_tokens").asInt()).isPositive();
        assertThat(body.path("system").asString()).contains("never write SQL");
        assertThat(body.path("tool_choice").path("type").asString()).isEqualTo("any");
        assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("user");
        assertThat(body.path("messages").get(0).path("content").asString()).contains(question);
        JsonNode aggregate = body.path("tools").get(0);
        assertThat(aggregate.path("name").asString()).isEqualTo("aggregate");
        assertThat(aggregate.path("input_schema").path("properties").has("filters"))
                .isTrue();
        assertThat(aggregate.path("input_schema").path("required").toString()).contains("table");

        double expected = scalar(
                "SELECT SUM(revenue) FROM sales_orders WHERE region = ? AND order_date >= DATE '2025-10-01'"
                        + " AND order_date <= DATE '2025-12-31'",
                "EMEA");
        assertThat(outcome.answer().result().type()).isEqualTo("number");
        assertThat(((Number) outcome.answer().result().value()).doubleValue()).isCloseTo(expected, within(0.01));
        assertThat(outcome.answer().notes())
                .contains("Planned by the language model (anthropic claude-test).")
                .contains("The language model noted: 'last quarter' read as Q4 2025");
        assertThat(outcome.answer().interpretation().timeRange().label()).isEqualTo("Q4 2025");
    }

    @Test
    void topNWithOneRowAnswersWhichAndRanksAscendingWhenAsked() throws Exception {
        provider.respond(request -> Response.ok(FakeLlmProvider.anthropicToolUse("top_n", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum", "dimension": "category",
                 "n": 1, "order": "ascending"}"""))));

        AnalysisOutcome outcome = anthropicEngine.analyze(connection, "Our weakest category?", schemas);

        String expected;
        try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT category FROM sales_orders GROUP BY category ORDER BY SUM(revenue) ASC LIMIT 1");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            expected = rows.getString(1);
        }
        assertThat(outcome.answer().result().type()).isEqualTo("category");
        assertThat(outcome.answer().result().value()).isEqualTo(expected);
    }

    @Test
    void trendAndComparePeriodsRunThroughTheSameQueries() throws Exception {
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("compare_periods", json("""
                {"table": "sales_orders", "metric": "quantity", "aggregation": "sum",
                 "period": {"start": "2025-04-01", "end": "2025-06-30"},
                 "compared_with": {"start": "2024-04-01", "end": "2024-06-30"}}"""))));

        AnalysisOutcome compare = openAiEngine.analyze(connection, "Units in Q2 this year vs last year", schemas);

        assertThat(compare.answer().table().rows().get(0).get(1))
                .satisfies(
                        value -> assertThat(((Number) value).doubleValue())
                                .isEqualTo(
                                        scalar(
                                                "SELECT SUM(quantity) FROM sales_orders WHERE order_date BETWEEN '2025-04-01' AND '2025-06-30'")));
        assertThat(compare.answer().table().rows().get(1).get(1))
                .satisfies(
                        value -> assertThat(((Number) value).doubleValue())
                                .isEqualTo(
                                        scalar(
                                                "SELECT SUM(quantity) FROM sales_orders WHERE order_date BETWEEN '2024-04-01' AND '2024-06-30'")));
        assertThat(compare.toolTrace().stream().map(AnalysisPayload.ToolCall::tool))
                .contains("compare_periods");

        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("trend", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum", "grain": "quarter",
                 "time_range": {"start": "2024-01-01", "end": "2025-12-31"}}"""))));

        AnalysisOutcome trend = openAiEngine.analyze(connection, "How has revenue moved, quarter by quarter?", schemas);

        assertThat(trend.answer().table().rows()).hasSize(8);
        assertThat(((Number) trend.answer().table().rows().getFirst().get(1)).doubleValue())
                .isCloseTo(
                        scalar(
                                "SELECT SUM(revenue) FROM sales_orders WHERE order_date BETWEEN '2024-01-01' AND '2024-03-31'"),
                        within(0.01));
        assertThat(trend.answer().chart().type()).isEqualTo("line");
    }

    private static AnalysisOutcome planned(String tool, String arguments) {
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall(tool, json(arguments))));
        AnalysisOutcome outcome =
                openAiEngine.analyze(connection, "a question the model planned with " + tool, schemas);
        assertThat(llmStep(payload("q", outcome))
                        .path("arguments")
                        .path("outcome")
                        .asString())
                .as(tool + " " + arguments)
                .isEqualTo("planned");
        return outcome;
    }

    private static List<Object> column(String sql) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getObject(1));
            }
        }
        return values;
    }

    @Test
    void shareYesNoListAndLookupCallsGiveTheSameAnswersAsSql() throws Exception {
        String in2025 = " order_date BETWEEN '2025-01-01' AND '2025-12-31'";
        AnalysisOutcome shareByChannel = planned("share", """
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum", "dimension": "channel"}""");
        assertThat(shareByChannel.answer().chart().type()).isEqualTo("pie");
        double online = shareByChannel.answer().table().rows().stream()
                .filter(row -> row.get(0).equals("Online"))
                .mapToDouble(row -> ((Number) row.get(2)).doubleValue())
                .sum();
        assertThat(online)
                .isCloseTo(
                        scalar(
                                "SELECT SUM(revenue) FILTER (WHERE channel = 'Online') / SUM(revenue) FROM sales_orders"),
                        within(1e-9));

        AnalysisOutcome shareOfPart = planned("share", """
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "part_filters": [{"column": "region", "op": "=", "values": ["EMEA"]}],
                 "time_range": {"start": "2025-01-01", "end": "2025-12-31"}}""");
        assertThat(((Number) shareOfPart.answer().result().value()).doubleValue())
                .isCloseTo(
                        scalar(
                                "SELECT SUM(revenue) FILTER (WHERE region = 'EMEA') / SUM(revenue) FROM sales_orders WHERE"
                                        + in2025),
                        within(1e-9));

        AnalysisOutcome exists = planned("yes_no", """
                {"table": "sales_orders", "check": "exists",
                 "filters": [{"column": "region", "op": "=", "values": ["LATAM"]},
                             {"column": "product", "op": "=", "values": ["Nova Camera"]}],
                 "time_range": {"start": "2025-03-01", "end": "2025-03-31"}}""");
        assertThat(exists.answer().result().value())
                .isEqualTo(scalar("SELECT COUNT(*) FROM sales_orders WHERE region = 'LATAM' AND product = 'Nova Camera'"
                                + " AND order_date BETWEEN '2025-03-01' AND '2025-03-31'")
                        > 0);

        double revenue2025 = scalar("SELECT SUM(revenue) FROM sales_orders WHERE" + in2025);
        AnalysisOutcome threshold = planned("yes_no", """
                {"table": "sales_orders", "check": "threshold", "metric": "revenue", "aggregation": "sum",
                 "comparator": ">", "threshold": %s,
                 "time_range": {"start": "2025-01-01", "end": "2025-12-31"}}""".formatted(revenue2025 - 1));
        assertThat(threshold.answer().result().value()).isEqualTo(true);

        AnalysisOutcome periods = planned("yes_no", """
                {"table": "sales_orders", "check": "compare_periods", "metric": "revenue", "aggregation": "sum",
                 "comparator": ">", "time_range": {"start": "2025-01-01", "end": "2025-12-31"},
                 "compared_with": {"start": "2024-01-01", "end": "2024-12-31"}}""");
        assertThat(periods.answer().result().value())
                .isEqualTo(revenue2025
                        > scalar("SELECT SUM(revenue) FROM sales_orders WHERE order_date BETWEEN '2024-01-01' AND"
                                + " '2024-12-31'"));

        AnalysisOutcome list = planned("list", """
                {"table": "sales_orders", "column": "country",
                 "filters": [{"column": "region", "op": "=", "values": ["EMEA"]}]}""");
        assertThat(list.answer().result().value())
                .isEqualTo(column("SELECT DISTINCT country FROM sales_orders WHERE region = 'EMEA' ORDER BY country"));

        AnalysisOutcome margin = planned("breakdown", """
                {"table": "sales_orders", "metric": "margin", "aggregation": "sum", "group_by": ["region"]}""");
        assertThat(provider.received()
                        .getLast()
                        .body()
                        .path("messages")
                        .get(1)
                        .path("content")
                        .asString())
                .contains("derived metrics: aov, margin, profit");
        double emeaMargin = margin.answer().table().rows().stream()
                .filter(row -> row.get(0).equals("EMEA"))
                .mapToDouble(row -> ((Number) row.get(1)).doubleValue())
                .sum();
        assertThat(emeaMargin)
                .isCloseTo(
                        scalar(
                                "SELECT (SUM(revenue) - SUM(cost)) / SUM(revenue) FROM sales_orders WHERE region = 'EMEA'"),
                        within(1e-9));

        AnalysisOutcome lookup = planned("lookup", """
                {"table": "sales_orders", "column": "region",
                 "filters": [{"column": "country", "op": "=", "values": ["germany"]}]}""");
        assertThat(lookup.answer().result().type()).isEqualTo("category");
        assertThat(lookup.answer().result().value())
                .isEqualTo(column("SELECT DISTINCT region FROM sales_orders WHERE country = 'Germany'")
                        .getFirst());
    }

    @Test
    void anUnknownColumnIsRejectedAndTheDeterministicPlannerAnswers() {
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("breakdown", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "group_by": ["salesperson"]}"""))));
        String question = "What was revenue by region in 2025?";

        AnalysisOutcome outcome = openAiEngine.analyze(connection, question, schemas);

        AnalysisOutcome expected = DETERMINISTIC.analyze(connection, question, schemas);
        assertThat(outcome.answer().table().rows())
                .isEqualTo(expected.answer().table().rows());
        assertThat(outcome.answer().notes()).isEqualTo(expected.answer().notes());
        JsonNode step = llmStep(payload(question, outcome));
        assertThat(step.path("arguments").path("outcome").asString()).isEqualTo("fallback");
        assertThat(step.path("arguments").path("reason").asString())
                .contains("invalid breakdown call")
                .contains("no column 'salesperson'");
        assertThat(payload(question, outcome)
                        .path("tool_trace")
                        .get(1)
                        .path("tool")
                        .asString())
                .isEqualTo("plan");
    }

    @Test
    void aPlannedPeriodOutsideTheDataFallsBackSoRelativePhrasesAreReanchored() {
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("aggregate", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "time_range": {"start": "2026-01-01", "end": "2026-12-31"}}"""))));
        String question = "What was total revenue this year?";

        AnalysisOutcome outcome = openAiEngine.analyze(connection, question, schemas);

        AnalysisOutcome expected = DETERMINISTIC.analyze(connection, question, schemas);
        assertThat(expected).isInstanceOf(AnalysisOutcome.Answered.class);
        assertThat(outcome.answer().result()).isEqualTo(expected.answer().result());
        assertThat(llmStep(payload(question, outcome))
                        .path("arguments")
                        .path("reason")
                        .asString())
                .startsWith("the planned period is outside the data");
    }

    @Test
    void wrongTypesBadOperatorsAndUnknownTablesFallBack() {
        List<String> invalid = List.of(
                // sum of a text column
                """
                {"table": "sales_orders", "metric": "region", "aggregation": "sum"}""",
                // an operator outside the closed set
                """
                {"table": "sales_orders", "aggregation": "count",
                 "filters": [{"column": "region", "op": "like", "values": ["%E%"]}]}""",
                // a comparison on a text column
                """
                {"table": "sales_orders", "aggregation": "count",
                 "filters": [{"column": "region", "op": ">", "values": ["A"]}]}""",
                // a table that is not listed (an attempt at an identifier)
                """
                {"table": "sales_orders; DROP TABLE sales_orders", "aggregation": "count"}""",
                // a number filter that is not a number
                """
                {"table": "sales_orders", "aggregation": "count",
                 "filters": [{"column": "revenue", "op": ">", "values": ["1; DELETE FROM sales_orders"]}]}""",
                // not a date
                """
                {"table": "sales_orders", "aggregation": "count", "time_range": {"start": "yesterday", "end": "today"}}""",
                // an aggregation outside the closed set
                """
                {"table": "sales_orders", "metric": "revenue", "aggregation": "stddev"}""");
        String question = "How many orders were there?";
        AnalysisOutcome expected = DETERMINISTIC.analyze(connection, question, schemas);
        for (String arguments : invalid) {
            provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("aggregate", json(arguments))));

            AnalysisOutcome outcome = openAiEngine.analyze(connection, question, schemas);

            JsonNode step = llmStep(payload(question, outcome));
            assertThat(step.path("arguments").path("outcome").asString())
                    .as(arguments)
                    .isEqualTo("fallback");
            assertThat(outcome.answer().result()).isEqualTo(expected.answer().result());
        }
    }

    @Test
    void anInjectionInAFilterValueIsOnlyEverABoundValue() throws Exception {
        double rowsBefore = scalar("SELECT COUNT(*) FROM sales_orders");
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("aggregate", json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "filters": [{"column": "customer_name", "op": "=",
                              "values": ["x' OR '1'='1'; DROP TABLE sales_orders;--"]}]}"""))));

        AnalysisOutcome injected = openAiEngine.analyze(connection, "Revenue from customer x?", schemas);

        assertThat(llmStep(payload("q", injected))
                        .path("arguments")
                        .path("outcome")
                        .asString())
                .isEqualTo("planned");
        assertThat(injected.answer().result().value()).isNull();
        assertThat(injected.answer().text()).startsWith("No rows match");
        assertThat(scalar("SELECT COUNT(*) FROM sales_orders")).isEqualTo(rowsBefore);

        // the hostile customer name that is really in the data is matched as a value, exactly
        JsonNode arguments = json("""
                {"table": "sales_orders", "metric": "revenue", "aggregation": "sum",
                 "filters": [{"column": "customer_name", "op": "="}]}""");
        ((tools.jackson.databind.node.ObjectNode) arguments.path("filters").get(0))
                .putArray("values")
                .add(Datasets.HOSTILE_CUSTOMER);
        provider.respond(request -> Response.ok(FakeLlmProvider.openAiToolCall("aggregate", arguments)));

        AnalysisOutcome hostile = openAiEngine.analyze(connection, "Revenue from O'Brien?", schemas);

        assertThat(((Number) hostile.answer().result().value()).doubleValue())
                .isCloseTo(
                        scalar(
                                "SELECT SUM(revenue) FROM sales_orders WHERE customer_name = ?",
                                Datasets.HOSTILE_CUSTOMER),
                        within(0.01));
        assertThat(scalar("SELECT COUNT(*) FROM sales_orders")).isEqualTo(rowsBefore);
    }

    @Test
    void httpErrorsTimeoutsRefusedConnectionsAndReplyWithoutToolCallFallBack() throws Exception {
        String question = "What was total revenue in 2025?";
        Object expected = DETERMINISTIC
                .analyze(connection, question, schemas)
                .answer()
                .result()
                .value();

        provider.respond(request -> new Response(500, "{\"error\": {\"message\": \"overloaded\"}}", 0));
        AnalysisOutcome serverError = anthropicEngine.analyze(connection, question, schemas);
        assertThat(serverError.answer().result().value()).isEqualTo(expected);
        assertThat(llmStep(payload(question, serverError))
                        .path("arguments")
                        .path("reason")
                        .asString())
                .isEqualTo("HTTP 500");
        assertThat(serverError.answer().notes()).noneMatch(note -> note.contains("language model"));

        provider.respond(request -> new Response(401, "{\"error\": {\"message\": \"Incorrect API key\"}}", 0));
        assertThat(openAiEngine
                        .analyze(connection, question, schemas)
                        .answer()
                        .result()
                        .value())
                .isEqualTo(expected);

        provider.respond(request -> Response.ok(FakeLlmProvider.openAiText("Revenue was about $5M.")));
        AnalysisOutcome noTool = openAiEngine.analyze(connection, question, schemas);
        assertThat(noTool.answer().result().value()).isEqualTo(expected);
        assertThat(llmStep(payload(question, noTool))
                        .path("arguments")
                        .path("reason")
                        .asString())
                .isEqualTo("the model called no tool");

        provider.respond(request -> Response.ok("<html>not json</html>"));
        assertThat(anthropicEngine
                        .analyze(connection, question, schemas)
                        .answer()
                        .result()
                        .value())
                .isEqualTo(expected);

        try (LlmPlanner impatient = planner("openai", provider.baseUrl(), "gpt-test", Duration.ofMillis(500))) {
            provider.respond(request -> new Response(
                    200, FakeLlmProvider.openAiToolCall("aggregate", json("{\"table\": \"sales_orders\"}")), 3_000));
            AnalysisOutcome timedOut = engine(impatient).analyze(connection, question, schemas);
            assertThat(timedOut.answer().result().value()).isEqualTo(expected);
            assertThat(llmStep(payload(question, timedOut))
                            .path("arguments")
                            .path("reason")
                            .asString())
                    .contains("timed out");
        }

        URI closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (LlmPlanner unreachable = planner("anthropic", closed, "claude-test", Duration.ofSeconds(5))) {
            AnalysisOutcome refused = engine(unreachable).analyze(connection, question, schemas);
            assertThat(refused.answer().result().value()).isEqualTo(expected);
            assertThat(llmStep(payload(question, refused))
                            .path("arguments")
                            .path("reason")
                            .asString())
                    .startsWith("could not reach the provider");
        }
    }

    @Test
    void cannotAnswerLeavesTheLastWordToTheDeterministicPlanner() {
        provider.respond(request ->
                Response.ok(FakeLlmProvider.anthropicToolUse("cannot_answer", json("{\"reason\": \"no idea\"}"))));

        AnalysisOutcome answerable = anthropicEngine.analyze(connection, "What was total revenue in 2025?", schemas);
        AnalysisOutcome unanswerable = anthropicEngine.analyze(connection, "What was revenue by salesperson?", schemas);

        assertThat(answerable).isInstanceOf(AnalysisOutcome.Answered.class);
        JsonNode step = llmStep(payload("q", answerable));
        assertThat(step.path("arguments").path("outcome").asString()).isEqualTo("declined");
        assertThat(step.path("arguments").path("reason").asString()).isEqualTo("no idea");
        assertThat(unanswerable).isInstanceOf(AnalysisOutcome.Unanswerable.class);
    }

    @Test
    void aBaseUrlEndingInV1IsNotDoubledAndNoProviderMeansNoPlanner() {
        try (LlmPlanner withV1 =
                planner("openai", URI.create(provider.baseUrl() + "/v1/"), "gpt-test", Duration.ofSeconds(5))) {
            provider.respond(request -> new Response(503, "{}", 0));
            engine(withV1).analyze(connection, "What was total revenue?", schemas);
            assertThat(provider.received().getFirst().path()).isEqualTo("/v1/chat/completions");
        }
        assertThat(LlmPlanner.create(
                        new Config.Llm(Optional.empty(), Optional.of(KEY), Optional.empty(), Optional.empty()),
                        Json.mapper()))
                .isEmpty();
        assertThat(DETERMINISTIC
                        .analyze(connection, "What was total revenue?", schemas)
                        .toolTrace())
                .noneMatch(step -> step.tool().equals("llm_plan"));
    }

    @Test
    void theApiKeyNeverReachesTheLogsOrThePayload() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level previous = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.TRACE);
        List<JsonNode> payloads = new ArrayList<>();
        try {
            for (Response response : List.of(
                    new Response(401, "{\"error\": {\"message\": \"Incorrect API key provided: " + KEY + "\"}}", 0),
                    new Response(500, "{}", 0),
                    Response.ok(FakeLlmProvider.openAiToolCall(
                            "aggregate",
                            json("{\"table\": \"sales_orders\", \"metric\": \"nope\", \"aggregation\": \"sum\"}"))),
                    Response.ok(
                            FakeLlmProvider.openAiToolCall(
                                    "aggregate",
                                    json(
                                            "{\"table\": \"sales_orders\", \"metric\": \"revenue\", \"aggregation\": \"sum\"}"))))) {
                provider.respond(request -> response);
                payloads.add(payload("q", openAiEngine.analyze(connection, "What was total revenue?", schemas)));
                payloads.add(payload("q", anthropicEngine.analyze(connection, "What was total revenue?", schemas)));
            }
        } finally {
            root.detachAppender(captured);
            root.setLevel(previous);
        }
        assertThat(captured.list).anyMatch(event -> event.getFormattedMessage().contains("fell back"));
        for (ILoggingEvent event : captured.list) {
            assertThat(event.getFormattedMessage()).doesNotContain(KEY);
            if (event.getThrowableProxy() != null) {
                assertThat(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()))
                        .doesNotContain(KEY);
            }
        }
        payloads.forEach(payload -> assertThat(payload.toString()).doesNotContain(KEY));
        assertThat(openAi.toString()).doesNotContain(KEY);
    }
}
