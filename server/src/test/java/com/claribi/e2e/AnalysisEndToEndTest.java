package com.claribi.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.claribi.Application;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 6 end to end: a CSV-backed data source, three questions through the official TypeScript
 * SDK client (e2e/analysis-questions.mjs), each structuredContent checked against the SPEC §4 output
 * schema and plain-Java answers, and the image block checked to be a PNG.
 *
 * <p>The CSV is ingested in-process by the real ingestor and recorded ready in the catalog: the
 * upload tool lives on another branch (issue 5 wiring); once merged this test can upload through it.
 */
class AnalysisEndToEndTest {
    @TempDir
    static Path home;

    private static Application application;
    private static List<SalesCsv.Order> orders;
    private static String key;

    @BeforeAll
    static void start() {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        orders = SalesCsv.orders(11, 600);
        SeededWorkspaces.Seeded seeded =
                SeededWorkspaces.trialWorkspace(application, "Initech", EnumSet.allOf(Scope.class));
        key = seeded.mcpKey();
        SeededWorkspaces.csvDataSource(application, seeded.workspaceId(), "Sales orders", SalesCsv.csv(orders));
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
    }

    @Test
    void threeQuestionsThroughTheTypeScriptSdkGetSpecPayloadsAndPngCharts() {
        JsonNode summary = NodeScripts.run(
                        Duration.ofSeconds(150),
                        Map.of("CLARIBI_KEY", key),
                        "analysis-questions.mjs",
                        application.publicUrl() + "/mcp/v1/",
                        "What was total revenue?",
                        "revenue by region",
                        "Which region had the highest revenue?")
                .successfulSummary();

        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(summary.path("runAnalysisTool").path("outputSchema"));
        JsonNode answers = summary.path("answers");
        assertThat(answers).hasSize(3);
        int progressNotifications = 0;
        for (JsonNode answer : answers) {
            JsonNode payload = answer.path("structuredContent");
            assertThat(schema.validate(payload))
                    .as(answer.path("question").asString())
                    .isEmpty();
            assertThat(payload.path("status").asString()).isEqualTo("completed");
            assertThat(answer.path("isError").asBoolean()).isFalse();
            assertThat(answer.path("text").asString())
                    .isEqualTo(payload.path("answer").path("text").asString());
            progressNotifications += answer.path("progress").size();
        }
        assertThat(progressNotifications)
                .as("progress notifications for a progressToken")
                .isPositive();

        Map<String, Double> byRegion = new TreeMap<>();
        orders.forEach(order -> byRegion.merge(order.region(), order.revenue(), Double::sum));
        double total =
                byRegion.values().stream().mapToDouble(Double::doubleValue).sum();
        String best = byRegion.entrySet().stream()
                .max(Comparator.comparingDouble(Map.Entry::getValue))
                .orElseThrow()
                .getKey();

        JsonNode totalAnswer = answers.get(0).path("structuredContent").path("answer");
        assertThat(totalAnswer.path("result").path("type").asString()).isEqualTo("number");
        assertThat(totalAnswer.path("result").path("value").asDouble()).isCloseTo(total, within(0.01));

        JsonNode breakdown = answers.get(1);
        assertThat(breakdown
                        .path("structuredContent")
                        .path("answer")
                        .path("table")
                        .path("rows")
                        .size())
                .isEqualTo(byRegion.size());
        assertThat(breakdown.path("contentTypes").toString()).contains("image");
        assertThat(breakdown.path("imageMimeType").asString()).isEqualTo("image/png");
        assertThat(breakdown.path("imageHeaderHex").asString()).isEqualTo("89504e470d0a1a0a");
        assertThat(breakdown.path("imageBytes").asInt()).isGreaterThan(1000);

        JsonNode which = answers.get(2).path("structuredContent").path("answer").path("result");
        assertThat(which.path("type").asString()).isEqualTo("category");
        assertThat(which.path("value").asString()).isEqualTo(best);

        assertThat(summary.path("polled").path("structuredContent"))
                .isEqualTo(answers.get(0).path("structuredContent"));
    }
}
