package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class AnalysisEngineTest {
    @TempDir
    static Path dir;

    static Connection connection;
    static List<TableSchema> schemas;
    static final AnalysisEngine ENGINE = new AnalysisEngine(QuestionSetTest.CLOCK, AnalysisLimits.defaults());

    @BeforeAll
    static void createData() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        Datasets.createAll(connection, dir);
        schemas = Datasets.schemas(connection);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    /**
     * Two numbers equal but for the last digits of a double sum, whose order DuckDB's threads may
     * change between two runs of the same query.
     */
    private static final java.util.Comparator<Object> SAME_NUMBER = (answered, expected) -> {
        double a = ((Number) answered).doubleValue();
        double b = ((Number) expected).doubleValue();
        return Math.abs(a - b) <= 1e-9 * Math.max(1.0, Math.abs(b)) ? 0 : Double.compare(a, b);
    };

    private static AnalysisOutcome ask(String question) {
        return ENGINE.analyze(connection, question, schemas);
    }

    private static Object scalar(String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getObject(1);
        }
    }

    private static List<Object> list(String sql) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getObject(1));
            }
        }
        return values;
    }

    private static List<Object> listed(AnalysisOutcome outcome) {
        return new ArrayList<>((List<?>) outcome.answer().result().value());
    }

    private static long count(String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    @Test
    void payloadSerialisesToTheSpecShape() {
        AnalysisOutcome outcome = ask("What was revenue by region last quarter?");
        AnalysisPayload payload =
                AnalysisPayload.of("an_test", "What was revenue by region last quarter?", outcome, 1, 49);
        JsonNode json = Json.mapper().valueToTree(payload);

        assertThat(json.get("analysis_id").asString()).isEqualTo("an_test");
        assertThat(json.get("status").asString()).isEqualTo("completed");
        JsonNode answer = json.get("answer");
        assertThat(answer.get("text").asString()).contains("region").contains("Q4 2025");
        assertThat(answer.get("result").get("type").asString()).isEqualTo("table");
        assertThat(answer.get("result").has("value")).isFalse();
        assertThat(answer.get("headline").get("formatted").asString()).startsWith("$");
        assertThat(answer.get("headline").get("unit").asString()).isEqualTo("USD");
        assertThat(answer.get("table").get("columns").get(0).get("name").asString())
                .isEqualTo("region");
        assertThat(answer.get("table").get("rows").get(0).get(1).isNumber()).isTrue();
        assertThat(answer.get("chart").get("type").asString()).isEqualTo("bar");
        assertThat(answer.get("chart").get("vega_lite").get("$schema").asString())
                .contains("vega-lite");
        JsonNode interpretation = answer.get("interpretation");
        assertThat(interpretation.get("metric").asString()).isEqualTo("revenue");
        assertThat(interpretation.get("aggregation").asString()).isEqualTo("sum");
        assertThat(interpretation.get("dimensions").get(0).asString()).isEqualTo("region");
        assertThat(interpretation.get("time_range").get("start").asString()).isEqualTo("2025-10-01");
        assertThat(interpretation.get("time_range").get("end").asString()).isEqualTo("2025-12-31");
        assertThat(interpretation.get("time_range").get("label").asString()).isEqualTo("Q4 2025");
        assertThat(answer.get("notes").toString()).contains("last quarter").contains("Q4 2025");
        assertThat(json.get("follow_up_questions").size()).isBetween(3, 5);
        assertThat(json.get("tool_trace").toString())
                .contains("\"tool\":\"breakdown\"")
                .contains("\"ms\"");
        assertThat(json.get("data_sources_used").get(0).asString()).isEqualTo("ds_sales");
        assertThat(json.get("credits_used").asInt()).isEqualTo(1);
        assertThat(json.get("credits_remaining").asInt()).isEqualTo(49);
    }

    @Test
    void everyResultTypeOfSection4IsProduced() {
        assertThat(ask("What was total revenue in 2025?").answer().result().type())
                .isEqualTo("number");
        assertThat(ask("Which region had the highest revenue in 2025?")
                        .answer()
                        .result()
                        .type())
                .isEqualTo("category");
        assertThat(ask("Did EMEA have more revenue than APAC in 2025?")
                        .answer()
                        .result()
                        .type())
                .isEqualTo("boolean");
        assertThat(ask("Top 3 products by revenue").answer().result().type()).isEqualTo("list");
        assertThat(ask("Revenue by channel").answer().result().type()).isEqualTo("table");
    }

    @Test
    void chartsMatchTheQuestionAndRenderAsPng() {
        AnalysisOutcome trend = ask("Monthly revenue in 2025");
        assertThat(trend.answer().chart().type()).isEqualTo("line");
        AnalysisOutcome share = ask("What share of revenue does each channel contribute?");
        assertThat(share.answer().chart().type()).isEqualTo("pie");
        for (AnalysisOutcome outcome : List.of(trend, share, ask("Revenue by region and channel in 2025"))) {
            byte[] png = ((AnalysisOutcome.Answered) outcome).chartPng().orElseThrow();
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).isGreaterThan(2000);
        }
        assertThat(((AnalysisOutcome.Answered) ask("What was total revenue in 2025?")).chartPng())
                .isEmpty();
    }

    @Test
    void followUpsAreQuestionsTheEngineCanAnswer() {
        AnalysisOutcome outcome = ask("What was the CTR by campaign in 2025?");
        assertThat(outcome.followUpQuestions()).hasSizeBetween(3, 5);
        for (String followUp : outcome.followUpQuestions()) {
            assertThat(ask(followUp)).as(followUp).isInstanceOf(AnalysisOutcome.Answered.class);
        }
    }

    @Test
    void aComparisonWithAColumnFiltersRowByRowAndRefusesWhenItsSubjectIsUnclear() {
        AnalysisOutcome explicit = ask("How many orders had a cost above revenue?");
        assertThat(explicit.answer().result().value()).isEqualTo(0L);
        assertThat(explicit.answer().notes())
                .anySatisfy(note -> assertThat(note).contains("cost > revenue"));

        AnalysisOutcome unclear = ask("How many orders are below their cost?");
        assertThat(unclear).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(unclear.answer().text()).contains("does not say which column");
    }

    @Test
    void aMultipleOfAColumnIsAComparisonWithABoundFactorAndTheRowsItFindsAreListed() throws SQLException {
        AnalysisOutcome multiple = ask(
                "How many products in the Dallas warehouse have more than five times their reorder level in stock?");
        assertThat(multiple.answer().result().value())
                .isEqualTo(count("SELECT COUNT(*) FROM products WHERE warehouse = 'Dallas' "
                        + "AND stock_quantity > 5 * reorder_level"));
        assertThat(multiple.answer().notes())
                .anySatisfy(note -> assertThat(note).contains("stock_quantity > 5 × reorder_level"));
        Plan plan = new Plan(schemas.get(3));
        ColumnInfo stock = schemas.get(3).column("stock_quantity").orElseThrow();
        ColumnInfo reorder = schemas.get(3).column("reorder_level").orElseThrow();
        plan.columnComparisons.add(new Plan.ColumnComparison(stock, Plan.Op.GT, 5, reorder));
        QueryRunner.Where where = QueryRunner.where(plan, null, List.of());
        assertThat(where.sql()).isEqualTo(" WHERE \"stock_quantity\" > CAST(? AS DOUBLE) * \"reorder_level\"");
        assertThat(where.parameters()).containsExactly(5.0);

        AnalysisOutcome rows = ask("skus below reorder lvl in berlin");
        assertThat(rows.answer().result().type()).isEqualTo("list");
        assertThat(rows.answer().result().value())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize((int) count("SELECT COUNT(*) FROM products WHERE warehouse = 'Berlin' "
                        + "AND stock_quantity < reorder_level"))
                .allSatisfy(sku -> assertThat(String.valueOf(sku)).startsWith("SKU-"));
    }

    @Test
    void aMeasurePerAnotherMeasureIsTheRatioOfTheirTotals() throws SQLException {
        AnalysisOutcome outcome = ask("avg mrr per seat by plan");
        assertThat(outcome.answer().notes()).contains("Read as total mrr divided by total seats.");
        double expected = ((Number) scalar("SELECT SUM(mrr) / SUM(seats) FROM subscriptions WHERE plan = 'Enterprise'"))
                .doubleValue();
        assertThat(outcome.answer().table().rows())
                .anySatisfy(row -> assertThat(row).containsExactly("Enterprise", expected));
    }

    @Test
    void whenSomethingHappenedToANamedEntityIsALookupOfItsDate() throws SQLException {
        String customer = (String) scalar("SELECT min(customer_name) FROM subscriptions");
        AnalysisOutcome outcome = ask("when did " + customer + " sign up");
        assertThat(outcome.answer().result().value())
                .isEqualTo(String.valueOf(
                        scalar("SELECT signup_date FROM subscriptions WHERE customer_name = '" + customer + "'")));
    }

    @Test
    void aCodeShapedLikeAnIdentifierColumnsValuesFiltersOnIt() throws SQLException {
        AnalysisOutcome placed = ask("when was order so 10005 placed");
        assertThat(placed.answer().result().value())
                .isEqualTo(String.valueOf(scalar("SELECT order_date FROM sales_orders WHERE order_id = 'SO-10005'")));
        assertThat(placed.answer().notes()).contains("'SO-10005' read as a value of order_id.");

        AnalysisOutcome missing = ask("revenue of order SO-99999");
        assertThat(missing.answer().result().value()).isNull();
        assertThat(missing.answer().text()).contains("No rows match");
    }

    @Test
    void howMuchMoreOrLessIsTheDifferenceInTheDirectionAsked() throws SQLException {
        double northAmerica = ((Number)
                        scalar(
                                "SELECT SUM(revenue) FROM sales_orders WHERE region = 'North America' AND year(order_date) = 2025"))
                .doubleValue();
        double emea = ((Number) scalar(
                        "SELECT SUM(revenue) FROM sales_orders WHERE region = 'EMEA' AND year(order_date) = 2025"))
                .doubleValue();
        AnalysisOutcome more = ask("How much more revenue did North America bring in than EMEA in 2025?");
        assertThat((Double) more.answer().result().value()).isCloseTo(northAmerica - emea, within(1e-6));
        AnalysisOutcome less = ask("how much less revenue did EMEA bring in than North America in 2025");
        assertThat((Double) less.answer().result().value()).isCloseTo(northAmerica - emea, within(1e-6));
        // said the wrong way round, the number keeps its sign and the text says so
        AnalysisOutcome wrongWay = ask("how much more revenue did EMEA bring in than North America in 2025");
        assertThat((Double) wrongWay.answer().result().value()).isCloseTo(emea - northAmerica, within(1e-6));
        assertThat(wrongWay.answer().text()).contains("not more but");
    }

    @Test
    void aShareOfAFilteredTotalTakesWhatFollowsFromAsThePart() throws SQLException {
        AnalysisOutcome outcome = ask("What percentage of our active MRR comes from Finance customers?");
        double expected = ((Number) scalar("SELECT SUM(mrr) FILTER (WHERE industry = 'Finance') / SUM(mrr) "
                        + "FROM subscriptions WHERE status = 'active'"))
                .doubleValue();
        assertThat((Double) outcome.answer().result().value()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void countsSpelledOutAndRowNounsAfterByRankTheGroups() {
        AnalysisOutcome outcome = ask("bottom three countries by orders");
        assertThat(outcome.answer().table().columns().getFirst().name()).isEqualTo("country");
        assertThat(outcome.answer().table().rows()).hasSize(3);
        assertThat(outcome.answer().notes())
                .noneSatisfy(note -> assertThat(note).contains("No count was given"));
    }

    @Test
    void aShortMonthNameBeforeAnotherMonthIsAMonth() throws SQLException {
        AnalysisOutcome outcome = ask("conversions Dec vs Nov 2025");
        assertThat(outcome.answer().table().rows().getFirst().getFirst()).isEqualTo("December 2025");
        assertThat(((Number) outcome.answer().table().rows().getFirst().get(1)).doubleValue())
                .isEqualTo(((Number) scalar("SELECT SUM(conversions) FROM ad_performance "
                                + "WHERE date BETWEEN DATE '2025-12-01' AND DATE '2025-12-31'"))
                        .doubleValue());
    }

    @Test
    void havingOrGettingZeroOfAMeasureIsAFilterOnIt() throws SQLException {
        boolean anyZero =
                (Boolean) scalar("SELECT COUNT(*) > 0 FROM ad_performance WHERE platform = 'Meta' AND conversions = 0");
        AnalysisOutcome outcome = ask("were there any days where a Meta campaign got zero conversions");
        assertThat(outcome.answer().result().value()).isEqualTo(anyZero);
        assertThat(outcome.answer().notes()).contains("'got zero conversions' was read as conversions = 0.");
    }

    @Test
    void theLargestRowsAreRankedByTheirValueNotByACountOfOne() throws SQLException {
        AnalysisOutcome outcome = ask("what were the 3 largest orders in 2025");
        List<?> expected = list("SELECT order_id FROM sales_orders WHERE year(order_date) = 2025 "
                + "ORDER BY revenue DESC, order_id LIMIT 3");
        assertThat((List<?>) outcome.answer().result().value()).isEqualTo(expected);
    }

    @Test
    void whatSoldTheMostIsMeasuredByTheMainMeasure() throws SQLException {
        AnalysisOutcome outcome = ask("which product sold the least in 2025");
        assertThat(outcome.answer().result().value())
                .isEqualTo(scalar("SELECT product FROM sales_orders WHERE year(order_date) = 2025 "
                        + "GROUP BY product ORDER BY SUM(revenue) LIMIT 1"));
        assertThat(outcome.answer().notes()).anySatisfy(note -> assertThat(note).startsWith("'sold the least'"));
    }

    @Test
    void whatSoldTheMostAsksForTheProductSold() throws SQLException {
        AnalysisOutcome outcome = ask("what sold the most last quarter");
        assertThat(outcome.answer().result().value())
                .isEqualTo(scalar("SELECT product FROM sales_orders WHERE order_date BETWEEN DATE '2025-10-01' "
                        + "AND DATE '2025-12-31' GROUP BY product ORDER BY SUM(revenue) DESC LIMIT 1"));
        assertThat(outcome.answer().notes()).contains("'what sold' read as the product sold.");
    }

    @Test
    void theAverageDealSizeIsTheAverageOrderValue() throws SQLException {
        AnalysisOutcome outcome = ask("what is the average deal size in EMEA");
        assertThat((Double) outcome.answer().result().value())
                .isCloseTo(
                        ((Number) scalar("SELECT SUM(revenue) / COUNT(DISTINCT order_id) FROM sales_orders"
                                        + " WHERE region = 'EMEA'"))
                                .doubleValue(),
                        within(1e-6));
    }

    @Test
    void topCustomersAndWhatCustomersSpentWithUsComeFromTheTransactions() throws SQLException {
        assertThat(ask("top customers").answer().notes()).contains("Answered from data source 'Sales orders'.");
        AnalysisOutcome least = ask("which 3 customers spent the least with us in 2025");
        assertThat((List<?>) least.answer().result().value())
                .isEqualTo(list("SELECT customer_name FROM sales_orders WHERE year(order_date) = 2025 "
                        + "GROUP BY customer_name ORDER BY SUM(revenue), customer_name LIMIT 3"));
    }

    @Test
    void aComparisonOfNamedValuesListsThemInTheOrderNamed() {
        AnalysisOutcome outcome = ask("Compare the total seats of churned Enterprise customers with those of active"
                + " Enterprise customers");
        assertThat(outcome.answer().table().rows().stream().map(List::getFirst).toList())
                .containsExactly("churned", "active");
    }

    @Test
    void aThresholdOnTheRowsNounIsEachGroupsCount() throws SQLException {
        AnalysisOutcome outcome = ask("Which countries had more than 200 orders in 2025?");
        assertThat(listed(outcome))
                .containsExactlyInAnyOrderElementsOf(
                        list("SELECT country FROM sales_orders WHERE year(order_date) = 2025"
                                + " GROUP BY country HAVING COUNT(*) > 200"));
        AnalysisOutcome customers = ask("which plans have more than 100 customers");
        assertThat(listed(customers))
                .containsExactlyInAnyOrderElementsOf(
                        list("SELECT plan FROM subscriptions GROUP BY plan HAVING COUNT(*) > 100"));
    }

    @Test
    void whyIsRefusedBecauseTheDataHoldsNoCauses() {
        AnalysisOutcome outcome = ask("Why did our LinkedIn cost per conversion go up in November?");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text()).contains("not why it happened");
    }

    @Test
    void aBarePhraseOfRowsWithAThresholdListsThem() throws SQLException {
        AnalysisOutcome outcome = ask("Kitchen items in Berlin priced over 100");
        assertThat(listed(outcome))
                .containsExactlyInAnyOrderElementsOf(list("SELECT product_name FROM products WHERE category = 'Kitchen'"
                        + " AND warehouse = 'Berlin' AND price > 100"));
    }

    @Test
    void aOneLetterSlipInAGrammarWordIsReadAsTheWordAndNoted() throws SQLException {
        AnalysisOutcome outcome = ask("top 3 most expensiv products in the Office category");
        assertThat((List<?>) outcome.answer().result().value())
                .isEqualTo(list("SELECT product_name FROM products WHERE category = 'Office' "
                        + "ORDER BY price DESC LIMIT 3"));
        assertThat(outcome.answer().notes()).contains("Read 'expensiv' as 'expensive'.");
    }

    @Test
    void valuesNamedTogetherAfterThanAreOneSide() throws SQLException {
        AnalysisOutcome outcome = ask("Is total stock in Singapore bigger than in Berlin and Dallas together?");
        boolean expected = (Boolean) scalar("SELECT SUM(stock_quantity) FILTER (WHERE warehouse = 'Singapore') > "
                + "SUM(stock_quantity) FILTER (WHERE warehouse IN ('Berlin', 'Dallas')) FROM products");
        assertThat(outcome.answer().result().value()).isEqualTo(expected);
        assertThat(outcome.answer().table().rows().get(1).getFirst()).isEqualTo("Berlin and Dallas together");
    }

    @Test
    void aMeasureWordQualifyingAGroupingOrTheDataIsNotTheMeasure() throws SQLException {
        AnalysisOutcome channel = ask("which sales channel has the most orders");
        assertThat(channel.answer().result().value())
                .isEqualTo(scalar("SELECT channel FROM sales_orders GROUP BY channel ORDER BY COUNT(*) DESC LIMIT 1"));
        AnalysisOutcome earliest = ask("What is the earliest order date in the sales table?");
        assertThat(earliest.answer().result().value())
                .isEqualTo(String.valueOf(scalar("SELECT MIN(order_date) FROM sales_orders")));
    }

    @Test
    void bothEndsOfAColumnAreAskedAsARange() throws SQLException {
        AnalysisOutcome prices = ask("what's the lowest and highest product price?");
        assertThat(prices.answer().result().type()).isEqualTo("table");
        assertThat(prices.answer().table().rows().getFirst())
                .containsExactly(scalar("SELECT MIN(price) FROM products"), scalar("SELECT MAX(price) FROM products"));
        assertThat(prices.answer().interpretation().aggregation()).isEqualTo("range");
        assertThat(prices.answer().text()).startsWith("Price: lowest $");
        AnalysisOutcome dates = ask("date range of the sales data");
        assertThat(dates.answer().table().rows().getFirst())
                .containsExactly(
                        String.valueOf(scalar("SELECT MIN(order_date) FROM sales_orders")),
                        String.valueOf(scalar("SELECT MAX(order_date) FROM sales_orders")));
        AnalysisOutcome seats = ask("min and max seats on the Pro plan");
        assertThat(seats.answer().table().rows().getFirst())
                .containsExactly(
                        count("SELECT MIN(seats) FROM subscriptions WHERE plan = 'Pro'"),
                        count("SELECT MAX(seats) FROM subscriptions WHERE plan = 'Pro'"));
    }

    @Test
    void aRangeBoundedByTwoNumbersIsAFilter() throws SQLException {
        AnalysisOutcome outcome = ask("products priced in the 10 to 20 range");
        assertThat(listed(outcome))
                .containsExactlyInAnyOrderElementsOf(
                        list("SELECT product_name FROM products WHERE price BETWEEN 10 AND 20"));
    }

    @Test
    void aRankingByAMeasureTheDataLacksIsRefused() {
        AnalysisOutcome reviews = ask("Which product has the best customer reviews?");
        assertThat(reviews).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(reviews.answer().text()).contains("nothing matching 'reviews'");
        AnalysisOutcome complaints = ask("which customer has the most complaints");
        assertThat(complaints).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(ask("what is our best performing region")).isInstanceOf(AnalysisOutcome.Answered.class);
    }

    @Test
    void theMostPopularProductIsCountedInThePurchases() throws SQLException {
        AnalysisOutcome outcome = ask("what is the most popular product");
        assertThat(outcome.answer().notes()).contains("Answered from data source 'Sales orders'.");
        assertThat(outcome.answer().result().value())
                .isEqualTo(scalar("SELECT product FROM sales_orders GROUP BY product ORDER BY COUNT(*) DESC LIMIT 1"));
    }

    @Test
    void aTrendNamesItsPeriodsAsPeopleDo() {
        assertThat(ask("number of signups per year").answer().text())
                .contains(" (2023) to ")
                .doesNotContain("2023-01-01");
        assertThat(ask("top 3 products by revenue in 2025").answer().text()).startsWith("The top 3 products by ");
    }

    @Test
    void aGroupingByTheDayOfTheWeekIsTheWeekdayOfTheTablesDate() throws SQLException {
        AnalysisOutcome byDay = ask("revenue by day of week in 2025");
        assertThat(byDay.answer().table().rows().stream().map(List::getFirst).toList())
                .isEqualTo(list("SELECT dayname(order_date) FROM sales_orders WHERE year(order_date) = 2025"
                        + " GROUP BY 1 ORDER BY SUM(revenue) DESC"));
        assertThat(byDay.answer().table().rows().getFirst().get(1))
                .isEqualTo(scalar("SELECT SUM(revenue) FROM sales_orders WHERE year(order_date) = 2025"
                        + " GROUP BY dayname(order_date) ORDER BY 1 DESC LIMIT 1"));
        String busiest = (String)
                scalar("SELECT dayname(order_date) FROM sales_orders GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1");
        assertThat(ask("which weekday has the most orders?").answer().result().value())
                .isEqualTo(busiest);
        assertThat(ask("what is the busiest day of the week for orders")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(busiest);
        assertThat(ask("revenue on mondays in 2025").answer().result().value())
                .isEqualTo(scalar("SELECT SUM(revenue) FROM sales_orders WHERE year(order_date) = 2025"
                        + " AND dayname(order_date) = 'Monday'"));
        assertThat(ask("weekday vs weekend revenue")).isInstanceOf(AnalysisOutcome.Unanswerable.class);
    }

    @Test
    void aChangeAskedForBetweenTwoPeriodsIsOneNumber() throws SQLException {
        AnalysisOutcome absolute = ask("By how much did total ad spend change from Q3 2025 to Q4 2025?");
        assertThat((Double) absolute.answer().result().value())
                .isCloseTo(
                        ((Number) scalar("SELECT SUM(spend) FILTER (WHERE quarter(date) = 4)"
                                        + " - SUM(spend) FILTER (WHERE quarter(date) = 3) FROM ad_performance"))
                                .doubleValue(),
                        within(1e-6));
        AnalysisOutcome percent = ask("Percentage change in new signups from 2024 to 2025?");
        assertThat((Double) percent.answer().result().value())
                .isCloseTo(
                        ((Number) scalar("SELECT (COUNT(*) FILTER (WHERE year(signup_date) = 2025)"
                                        + " - COUNT(*) FILTER (WHERE year(signup_date) = 2024)) * 1.0"
                                        + " / COUNT(*) FILTER (WHERE year(signup_date) = 2024) FROM subscriptions"))
                                .doubleValue(),
                        within(1e-9));
        assertThat(percent.answer().headline().unit()).isEqualTo("percent");
        assertThat(ask("Revenue growth from 2024 to 2025").answer().result().type())
                .isEqualTo("table");
    }

    @Test
    void aPercentThresholdOnARateIsAFraction() throws SQLException {
        AnalysisOutcome outcome = ask("is our CTR above 2% in 2025");
        assertThat(outcome.answer().result().value())
                .isEqualTo(scalar("SELECT SUM(clicks) * 1.0 / SUM(impressions) > 0.02 FROM ad_performance"));
        assertThat(outcome.answer().notes()).contains("'2%' read as 0.02.");
        assertThat(outcome.answer().text()).endsWith("above 2%.");
    }

    @Test
    void whatGroupsSpentIsTheTablesSpendColumn() throws SQLException {
        AnalysisOutcome outcome = ask("Which campaigns spent more than 100,000 in 2025?");
        assertThat(listed(outcome))
                .containsExactlyInAnyOrderElementsOf(
                        list("SELECT campaign FROM ad_performance" + " GROUP BY campaign HAVING SUM(spend) > 100000"));
    }

    @Test
    void anAsideInBracketsExplainsThePhraseBeforeIt() throws SQLException {
        AnalysisOutcome outcome = ask("Inventory value (price times stock on hand) by warehouse");
        assertThat(outcome.answer().table().rows().getFirst().get(1))
                .isEqualTo(scalar("SELECT SUM(price * stock_quantity) FROM products GROUP BY warehouse"
                        + " ORDER BY 1 DESC LIMIT 1"));
    }

    @Test
    void anAverageOfSomethingTheDataLacksIsRefused() {
        AnalysisOutcome outcome = ask("What is the average customer lifetime value by acquisition channel?");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text()).contains("lifetime");
    }

    @Test
    void followUpsAreReplannedWhenTheDataSourceSchemaChanges() {
        AnalysisEngine engine = new AnalysisEngine(QuestionSetTest.CLOCK, AnalysisLimits.defaults());
        String question = "What was total revenue in 2025?";
        TableSchema sales = schemas.getFirst();
        // another table first: answers remembered for a table set must notice a change in any of them
        List<TableSchema> tables = List.of(schemas.get(1), sales, schemas.get(2), schemas.get(3));
        List<String> before = engine.analyze(connection, question, tables).followUpQuestions();
        assertThat(before).anySatisfy(followUp -> assertThat(followUp).contains("compare with 2024"));
        assertThat(engine.analyze(connection, question, tables).followUpQuestions())
                .isEqualTo(before);

        // the sales table re-profiled as holding data from 2025 only (a new data source version), on
        // which the comparison with 2024 is no longer answerable
        TableSchema salesFrom2025 = new TableSchema(
                sales.dataSourceId(),
                sales.name(),
                sales.table(),
                sales.columns().stream()
                        .map(column -> column.role() == ColumnRole.TIME
                                ? new ColumnInfo(
                                        column.name(),
                                        column.type(),
                                        column.role(),
                                        column.values(),
                                        column.distinctCount(),
                                        "2025-01-01",
                                        column.max())
                                : column)
                        .toList(),
                sales.rowCount());
        List<TableSchema> changed = List.of(schemas.get(1), salesFrom2025, schemas.get(2), schemas.get(3));
        assertThat(engine.analyze(connection, question, changed).followUpQuestions())
                .isNotEmpty()
                .noneSatisfy(followUp -> assertThat(followUp).contains("2024"));
    }

    @Test
    void anEmptyRelativeWindowIsReadAgainstTheLatestDataAndSaysSo() {
        AnalysisOutcome outcome = ask("What was revenue this year?");
        assertThat(outcome.answer().interpretation().timeRange().label()).isEqualTo("2025");
        assertThat(outcome.answer().notes())
                .anySatisfy(note ->
                        assertThat(note).contains("no data for 2026").contains("latest date in the data (2025-12-31)"));
    }

    @Test
    void aColumnTheDataDoesNotHaveIsRefusedWithAnswerableSuggestions() {
        AnalysisOutcome outcome = ask("What was revenue by salesperson?");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text()).contains("salesperson");
        assertThat(outcome.answer().result()).isNull();
        assertThat(outcome.followUpQuestions()).isNotEmpty();
        for (String suggestion : outcome.followUpQuestions()) {
            assertThat(ask(suggestion)).as(suggestion).isInstanceOf(AnalysisOutcome.Answered.class);
        }
        AnalysisPayload payload = AnalysisPayload.of("an_x", "q", outcome, 0, 50);
        assertThat(payload.status()).isEqualTo("failed");
    }

    @Test
    void questionsOutsideTheDataAreRefusedNotAnsweredWithZero() {
        assertThat(ask("What was revenue in 2019?").answer().text()).contains("2024-01-01 to 2025-12-31");
        assertThat(ask("How many employees do we have?")).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(ask("What will revenue be next year?").answer().text()).contains("forecast");
        assertThat(ask("What is the ROAS by campaign?").answer().text()).contains("revenue and spend");
        assertThat(ask("What was revenue by month?")).isInstanceOf(AnalysisOutcome.Answered.class);
    }

    @Test
    void anAmbiguousColumnIsRefusedNamingTheCandidates() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE shipments AS SELECT range AS shipment_no, 'Route ' || (range % 3) AS route, "
                            + "range * 1.5 AS fuel_cost, range * 2.5 AS labor_cost FROM range(50)");
        }
        TableSchema shipments = AnalysisEngine.describe(connection, "shipments", "ds_ship", "Shipments");
        AnalysisOutcome outcome = ENGINE.analyze(connection, "What was the total cost by route?", List.of(shipments));
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text())
                .contains("ambiguous")
                .contains("fuel_cost")
                .contains("labor_cost");
        AnalysisOutcome named =
                ENGINE.analyze(connection, "What was the total fuel cost by route?", List.of(shipments));
        assertThat(named).isInstanceOf(AnalysisOutcome.Answered.class);
    }

    @Test
    void sqlInQuestionsIsNeverExecuted() throws SQLException {
        long before = count("SELECT COUNT(*) FROM sales_orders");
        List<String> hostile = List.of(
                "'; DROP TABLE sales_orders; --",
                "revenue by region\"; DROP TABLE sales_orders; --",
                "What was revenue for region 'EMEA' OR 1=1 --",
                "total revenue in 2025); DELETE FROM sales_orders; --",
                "revenue where region = EMEA UNION SELECT password FROM users");
        for (String question : hostile) {
            AnalysisOutcome outcome = ask(question);
            assertThat(outcome.answer().text()).doesNotContainIgnoringCase("syntax");
        }
        assertThat(count("SELECT COUNT(*) FROM sales_orders")).isEqualTo(before);
        AnalysisOutcome emea = ask("What was revenue for region 'EMEA' OR 1=1 --");
        assertThat(emea.answer().interpretation().filters())
                .extracting(AnalysisPayload.Filter::value)
                .contains("EMEA");
    }

    @Test
    void hostileDataValuesAreMatchedAndBoundAsParameters() throws SQLException {
        AnalysisOutcome outcome = ask("What was total revenue from O'Brien & Sons\"; DROP TABLE sales_orders;-- ?");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Answered.class);
        assertThat(outcome.answer().interpretation().filters())
                .extracting(AnalysisPayload.Filter::value)
                .containsExactly(Datasets.HOSTILE_CUSTOMER);
        double expected;
        try (var statement =
                connection.prepareStatement("SELECT SUM(revenue) FROM sales_orders WHERE customer_name = ?")) {
            statement.setString(1, Datasets.HOSTILE_CUSTOMER);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                expected = result.getDouble(1);
            }
        }
        assertThat(((Number) outcome.answer().result().value()).doubleValue())
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(count("SELECT COUNT(*) FROM sales_orders")).isGreaterThan(0);
    }

    @Test
    void aRateNamedByAValueIsTheShareOfRowsWithItInEachGroup() throws SQLException {
        AnalysisOutcome outcome = ask("churn rate by country");
        assertThat(outcome.answer().notes())
                .contains("'churn rate' read as the share of subscriptions with status 'churned', in each group.");
        Map<Object, Double> expected = new java.util.HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT country, COUNT(*) FILTER (WHERE status = 'churned')"
                        + "::DOUBLE / COUNT(*) FROM subscriptions GROUP BY country")) {
            while (result.next()) {
                expected.put(result.getString(1), result.getDouble(2));
            }
        }
        List<List<Object>> rows = outcome.answer().table().rows();
        assertThat(rows).hasSize(expected.size());
        for (List<Object> row : rows) {
            assertThat(((Number) row.get(1)).doubleValue())
                    .isCloseTo(expected.get(row.get(0)), org.assertj.core.data.Offset.offset(1e-9));
        }
        // a value named beside the rate narrows the whole, not the part
        AnalysisOutcome germany = ask("What is the churn rate in Germany?");
        assertThat(((Number) germany.answer().result().value()).doubleValue())
                .isCloseTo(expected.get("Germany"), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void howManyOfAnEntityPassAConditionCountsTheEntitiesWhoseOwnTotalPasses() throws SQLException {
        AnalysisOutcome orders = ask("How many customers in LATAM placed more than 5 orders last year?");
        assertThat(orders.answer().result().value())
                .isEqualTo(count("SELECT COUNT(*) FROM (SELECT customer_name FROM sales_orders WHERE region = 'LATAM'"
                        + " AND year(order_date) = 2025 GROUP BY customer_name HAVING COUNT(*) > 5)"));
        assertThat(orders.answer().text())
                .startsWith(orders.answer().result().value() + " customers had more than 5" + " orders");
        assertThat(orders.answer().interpretation().aggregation()).isEqualTo("count_groups");
        AnalysisOutcome spent = ask("How many customers spent more than 10000 in 2025?");
        assertThat(spent.answer().result().value())
                .isEqualTo(count("SELECT COUNT(*) FROM (SELECT customer_name FROM sales_orders WHERE year(order_date)"
                        + " = 2025 GROUP BY customer_name HAVING SUM(revenue) > 10000)"));
        AnalysisOutcome units = ask("How many products sold more than 500 units in 2025?");
        assertThat(units.answer().result().value())
                .isEqualTo(count("SELECT COUNT(*) FROM (SELECT product FROM sales_orders WHERE year(order_date) = 2025"
                        + " GROUP BY product HAVING SUM(quantity) > 500)"));
        // one order over a number is a row condition, and a number is never compared with a name
        AnalysisOutcome anyOrder = ask("how many customers had an order over 5000 in 2025");
        assertThat(anyOrder.answer().result().value())
                .isEqualTo(count("SELECT COUNT(DISTINCT customer_name) FROM sales_orders WHERE revenue > 5000"
                        + " AND year(order_date) = 2025"));
        // a subscription table holds one row per customer: seats stay a row condition
        assertThat(ask("How many customers have more than 100 seats?")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(count("SELECT COUNT(*) FROM subscriptions WHERE seats > 100"));
    }

    @Test
    void anAverageNamedAfterASuperlativeIsWhatIsRanked() throws SQLException {
        assertThat(ask("Which region has the highest average revenue?")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(
                        scalar("SELECT region FROM sales_orders GROUP BY region ORDER BY AVG(revenue) DESC LIMIT 1"));
        assertThat(ask("Which region has the highest revenue?")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(
                        scalar("SELECT region FROM sales_orders GROUP BY region ORDER BY SUM(revenue) DESC LIMIT 1"));
    }

    @Test
    void aRequestWordedAsCanYouIsNotAYesNoQuestion() {
        AnalysisOutcome outcome = ask("Can you break down MRR by country for our active customers?");
        assertThat(outcome.answer().result().type()).isEqualTo("table");
        assertThat(outcome.answer().interpretation().dimensions()).containsExactly("country");
        assertThat(ask("Could I get revenue by region for 2025?")
                        .answer()
                        .interpretation()
                        .dimensions())
                .containsExactly("region");
    }

    @Test
    void aVerbOfGrowthOrDeclineBetweenTwoPeriodsComparesThem() throws SQLException {
        String grew = "SELECT SUM(revenue) FILTER (WHERE year(order_date) = 2025) > SUM(revenue) FILTER (WHERE"
                + " year(order_date) = 2024) FROM sales_orders";
        AnalysisOutcome outcome = ask("Did EMEA revenue grow in 2025 compared with 2024?");
        assertThat(outcome.answer().result().value()).isEqualTo(scalar(grew + " WHERE region = 'EMEA'"));
        assertThat(outcome.answer().text()).contains("in 2025 against").contains("in 2024");
        assertThat(ask("did revenue decline in 2025 compared with 2024")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(!(Boolean) scalar(grew));
        // asked through "can you tell me if": still a yes/no question
        assertThat(ask("can you tell me if EMEA revenue grew in 2025 compared with 2024?")
                        .answer()
                        .result()
                        .type())
                .isEqualTo("boolean");
    }

    @Test
    void theWorstCostPerResultOrChurnRateIsTheHighestAndTheLeastCommonValueIsTheRarest() throws SQLException {
        String cpa = "SELECT campaign FROM ad_performance WHERE year(date) = 2025 GROUP BY campaign"
                + " ORDER BY SUM(spend) / SUM(conversions) ";
        AnalysisOutcome worst = ask("which campaign has the worst cpa last yr");
        assertThat(worst.answer().result().value()).isEqualTo(scalar(cpa + "DESC LIMIT 1"));
        assertThat(worst.answer().notes()).contains("'worst' read as the highest CPA: lower is better.");
        assertThat(ask("which campaign has the best cpa in 2025")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(scalar(cpa + "ASC LIMIT 1"));
        // a churn rate is built from the value "churned": the worst is the highest all the same
        String churn = "SELECT plan FROM subscriptions GROUP BY plan ORDER BY AVG(CASE WHEN status = 'churned'"
                + " THEN 1.0 ELSE 0 END) ";
        AnalysisOutcome worstChurn = ask("which plan has the worst churn rate");
        assertThat(worstChurn.answer().result().value()).isEqualTo(scalar(churn + "DESC LIMIT 1"));
        assertThat(worstChurn.answer().notes()).contains("'worst' read as the highest churn rate: lower is better.");
        assertThat(ask("which plan has the best churn rate").answer().result().value())
                .isEqualTo(scalar(churn + "ASC LIMIT 1"));
        assertThat(ask("least common industry among churned customers")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(scalar("SELECT industry FROM subscriptions WHERE status = 'churned' GROUP BY industry"
                        + " ORDER BY COUNT(*) ASC LIMIT 1"));
    }

    @Test
    void aRankingOfSomethingTheDataLacksIsRefusedEvenAfterAKnownValue() {
        AnalysisOutcome outcome = ask("top churn reasons last qtr");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text()).contains("nothing matching 'reasons'");
    }

    @Test
    void aSlipInALongWordOfADerivedPhraseAndAPluralRateStillNameTheMetric() throws SQLException {
        assertThat(((Number) ask("total invetory value for the kitchen category")
                                .answer()
                                .result()
                                .value())
                        .doubleValue())
                .isCloseTo(
                        ((Number) scalar("SELECT SUM(price * stock_quantity) FROM products WHERE category = 'Kitchen'"))
                                .doubleValue(),
                        org.assertj.core.data.Offset.offset(1e-6));
        assertThat(ask("total invetory value for the kitchen category").answer().notes())
                .contains("Read 'invetory' as 'inventory'.");
        // a value of the data one letter from a derived word is the value, not a slip
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE brand_sales AS SELECT * FROM (VALUES ('Profix', 100.0, 60.0),"
                    + " ('Marlin', 50.0, 45.0)) t(brand, revenue, cost)");
        }
        TableSchema brands = AnalysisEngine.describe(connection, "brand_sales", "ds_brands", "Brand sales");
        AnalysisOutcome profix = ENGINE.analyze(connection, "revenue of Profix", List.of(brands));
        assertThat(profix.answer().result().value()).isEqualTo(100.0);
        assertThat(profix.answer().text()).startsWith("Total revenue");
        AnalysisOutcome rates = ask("Is Enterprise churning less than Basic? Compare the churn rates");
        assertThat(rates.answer().result().value())
                .isEqualTo(scalar("SELECT AVG(CASE WHEN status = 'churned' THEN 1.0 ELSE 0 END) FILTER (WHERE plan ="
                        + " 'Enterprise') < AVG(CASE WHEN status = 'churned' THEN 1.0 ELSE 0 END) FILTER (WHERE plan ="
                        + " 'Basic') FROM subscriptions"));
    }

    @Test
    void aRateOverAHostileValueBindsItAsAParameter() throws SQLException {
        String hostile = "Lost'); DROP TABLE tickets; --";
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE tickets (team VARCHAR, state VARCHAR)");
        }
        try (var insert = connection.prepareStatement("INSERT INTO tickets VALUES (?, ?)")) {
            String[][] rows = {{"North", hostile}, {"North", "won"}, {"South", hostile}, {"South", hostile}};
            for (String[] row : rows) {
                insert.setString(1, row[0]);
                insert.setString(2, row[1]);
                insert.execute();
            }
        }
        TableSchema tickets = AnalysisEngine.describe(connection, "tickets", "ds_tickets", "Tickets");
        AnalysisOutcome outcome = ENGINE.analyze(connection, hostile + " rate by team", List.of(tickets));
        assertThat(outcome.answer().notes()).anySatisfy(note -> assertThat(note).contains("rate' read as the share"));
        assertThat(outcome.answer().table().rows())
                .containsExactlyInAnyOrder(List.of("North", 0.5), List.of("South", 1.0));
        assertThat(count("SELECT COUNT(*) FROM tickets")).isEqualTo(4);
    }

    @Test
    void hostileColumnAndTableNamesAreQuoted() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE \"odd \"\"table\"\"; --\" AS SELECT 'A' AS \"seg\"\"ment\", 10.0 AS \"amount; DROP\" "
                            + "UNION ALL SELECT 'B', 5.0");
        }
        TableSchema odd = AnalysisEngine.describe(connection, "odd \"table\"; --", "ds_odd", "Odd");
        AnalysisOutcome outcome = ENGINE.analyze(connection, "total amount", List.of(odd));
        assertThat(outcome.answer().result().value()).isEqualTo(15.0);
    }

    @Test
    void largeResultsAreCappedWithANote() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE events AS SELECT 'user-' || range AS user_name, (range % 7) AS score_points, "
                            + "DATE '2025-01-01' + CAST(range % 365 AS INTEGER) AS event_date FROM range(200000)");
        }
        TableSchema events = AnalysisEngine.describe(connection, "events", "ds_events", "Events");
        AnalysisEngine capped =
                new AnalysisEngine(QuestionSetTest.CLOCK, new AnalysisLimits(500, Duration.ofSeconds(10), 1000));
        AnalysisOutcome outcome = capped.analyze(connection, "score points by user name", List.of(events));
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Answered.class);
        assertThat(outcome.answer().table().rows()).hasSize(500);
        assertThat(outcome.answer().notes()).anySatisfy(note -> assertThat(note).contains("row cap"));
        assertThat(outcome.answer().chart().vegaLite().toString().length()).isLessThan(200_000);
    }

    @Test
    void blankAndOverlongQuestionsAreInvalidArguments() {
        assertThatThrownBy(() -> ask("  "))
                .isInstanceOf(ClariException.class)
                .satisfies(e -> assertThat(((ClariException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> ask("revenue ".repeat(200))).isInstanceOf(ClariException.class);
    }

    @Test
    void aQueryOverItsTimeoutIsStoppedWithAPlainMessage() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE VIEW endless AS SELECT range AS amount, range % 10 AS bucket FROM range(100000000000)");
        }
        TableSchema endless = new TableSchema(
                "ds_endless",
                "Endless",
                "endless",
                List.of(
                        new ColumnInfo("amount", "BIGINT", ColumnRole.MEASURE),
                        new ColumnInfo("bucket", "BIGINT", ColumnRole.DIMENSION)),
                -1);
        AnalysisEngine quick =
                new AnalysisEngine(QuestionSetTest.CLOCK, new AnalysisLimits(100, Duration.ofSeconds(1), 1000));
        long started = System.nanoTime();
        assertThatThrownBy(() -> quick.analyze(connection, "total amount", List.of(endless)))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("longer than 1 s")
                .satisfies(e -> assertThat(((ClariException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aProfileWithoutValuesGetsThemFromDuckDb() {
        TableSchema bare = new TableSchema(
                "ds_sales",
                "Sales orders",
                "sales_orders",
                List.of(
                        new ColumnInfo("order_date", "DATE", ColumnRole.TIME),
                        new ColumnInfo(
                                "region", "VARCHAR", ColumnRole.DIMENSION, List.of(), 4, "APAC", "North America"),
                        new ColumnInfo("revenue", "DOUBLE", ColumnRole.MEASURE)),
                6237);
        TableSchema filled = AnalysisEngine.withValues(connection, bare);
        assertThat(filled.column("region").orElseThrow().values())
                .containsExactly("APAC", "EMEA", "LATAM", "North America");
        AnalysisOutcome outcome = ENGINE.analyze(connection, "revenue for emea last year", List.of(filled));
        assertThat(outcome.answer().interpretation().filters())
                .extracting(AnalysisPayload.Filter::value)
                .containsExactly("EMEA");
    }

    @Test
    void theHighestValueOfAnyGroupIsTheLeadingGroupsValue() throws SQLException {
        AnalysisOutcome outcome = ask("highest total revenue of any region");
        assertThat(outcome.answer().result().value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT MAX(r) FROM (SELECT SUM(revenue) AS r FROM sales_orders GROUP BY region)"));
        assertThat(outcome.answer().text()).contains("of any region").contains("North America");
        // a superlative on a grain asks for that period, not the best group
        assertThat(ask("what was the best month for any region")
                        .answer()
                        .result()
                        .value())
                .isEqualTo("July 2025");
    }

    @Test
    void anAskedSortOrderSortsTheBreakdownWithoutPickingAnEnd() throws SQLException {
        String cpa = "SELECT campaign FROM ad_performance WHERE year(date) = 2025 GROUP BY campaign"
                + " ORDER BY SUM(spend) / SUM(conversions) ";
        AnalysisOutcome ascending =
                ask("The cost per acquisition of each campaign in 2025, ordered from the lowest to the highest");
        assertThat(ascending.answer().table().rows())
                .extracting(row -> row.getFirst())
                .containsExactlyElementsOf(list(cpa + "ASC"));
        assertThat(ascending.answer().text()).contains("was lowest with");
        assertThat(ask("revenue by region in descending order").answer().table().rows())
                .extracting(row -> row.getFirst())
                .containsExactlyElementsOf(
                        list("SELECT region FROM sales_orders GROUP BY region ORDER BY SUM(revenue) DESC"));
    }

    @Test
    void whatWeArePayingIsTheSpendAndAnAsideNamingTheRatesColumnsOnlyExplainsIt() throws SQLException {
        assertThat(ask("roughly how much are we paying per conversion on linkedin?")
                        .answer()
                        .result()
                        .value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(
                        scalar("SELECT SUM(spend) / SUM(conversions) FROM ad_performance WHERE platform = 'LinkedIn'"));
        assertThat(ask("which campaign had the best conversion rate in 2025 (conversions per click)?")
                        .answer()
                        .result()
                        .value())
                .isEqualTo(scalar("SELECT campaign FROM ad_performance WHERE year(date) = 2025 GROUP BY campaign"
                        + " ORDER BY SUM(conversions) / SUM(clicks) DESC LIMIT 1"));
    }

    @Test
    void talkAroundTheQuestionNeitherFiltersNorRefusesIt() throws SQLException {
        // a value of another table in a sentence that names nothing of this one
        assertThat(ask("hey, can you pull our total ad spend for Q3 2025? finance wants it for Monday's sync")
                        .answer()
                        .result()
                        .value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT SUM(spend) FROM ad_performance WHERE date BETWEEN DATE '2025-07-01'"
                        + " AND DATE '2025-09-30'"));
        // a weekday as a deadline, and a lead-in before a colon, before a yes/no question
        AnalysisOutcome outcome =
                ask("sanity check before Monday: did Meta get more clicks than TikTok in December 2025?");
        assertThat(outcome.answer().result().type()).isEqualTo("boolean");
        assertThat(outcome.answer().result().value())
                .isEqualTo(scalar("SELECT SUM(clicks) FILTER (WHERE platform = 'Meta') > SUM(clicks) FILTER"
                        + " (WHERE platform = 'TikTok') FROM ad_performance WHERE date BETWEEN DATE '2025-12-01'"
                        + " AND DATE '2025-12-31'"));
        assertThat(ask("For the board deck: what percentage of 2025 revenue did each region contribute?")
                        .answer()
                        .result()
                        .type())
                .isEqualTo("table");
        // after a lead-in, "what was X of the top Y" still asks for the leader's value
        AnalysisOutcome led = ask("quick one: what was revenue of the top region in 2025");
        assertThat(led.answer().result().type()).isEqualTo("number");
        assertThat(led.answer().result().value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT MAX(r) FROM (SELECT SUM(revenue) AS r FROM sales_orders"
                        + " WHERE year(order_date) = 2025 GROUP BY region)"));
        assertThat(ask("for the deck: what sold the most last quarter").answer().notes())
                .contains("'what sold' read as the product sold.");
        // a weekday the question is about still filters
        assertThat(ask("revenue on mondays").answer().result().value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT SUM(revenue) FROM sales_orders WHERE dayofweek(order_date) = 1"));
    }

    @Test
    void twoPeriodsJoinedByAndAreOneTrendUnderAGrainAndCompareLaterFirstOtherwise() throws SQLException {
        AnalysisOutcome trend = ask("quarterly revenue for APAC for 2024 and 2025");
        assertThat(trend.answer().table().rows()).hasSize(8);
        assertThat(trend.answer().table().rows().getLast().get(1))
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT SUM(revenue) FROM sales_orders WHERE region = 'APAC' AND order_date"
                        + " BETWEEN DATE '2025-10-01' AND DATE '2025-12-31'"));
        AnalysisOutcome compared = ask("revenue for 2024 and 2025");
        assertThat(compared.answer().table().rows().getFirst().getFirst()).isEqualTo("2025");
        assertThat(compared.answer().text()).contains("in 2025 against").contains(" up ");
    }

    @Test
    void countingRowsBySomethingThatHappenedToThemTheDataDoesNotRecordIsRefused() {
        AnalysisOutcome outcome = ask("The number of subscriptions cancelled in December?");
        assertThat(outcome).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        assertThat(outcome.answer().text()).contains("nothing matching 'cancelled'");
        assertThat(ask("how many orders were returned in 2025")).isInstanceOf(AnalysisOutcome.Unanswerable.class);
        // verbs that only say the rows exist are not conditions
        assertThat(ask("how many orders placed in 2025").answer().result().type())
                .isEqualTo("number");
    }

    @Test
    void aPeriodNamedWithoutAYearIsTakenInEachYearTheQuestionNames() throws SQLException {
        String q4 =
                "SELECT SUM(revenue) FROM sales_orders WHERE order_date BETWEEN DATE '%d-10-01' AND DATE '%d-12-31'";
        assertThat(ask("Q4 revenue in 2024").answer().result().value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar(q4.formatted(2024, 2024)));
        AnalysisOutcome grew = ask("How much did Q4 revenue grow from 2024 to 2025?");
        assertThat(((Number) grew.answer().result().value()).doubleValue())
                .isCloseTo(
                        ((Number) scalar(q4.formatted(2025, 2025))).doubleValue()
                                - ((Number) scalar(q4.formatted(2024, 2024))).doubleValue(),
                        org.assertj.core.data.Offset.offset(1e-6));
        assertThat(grew.answer().notes()).contains("'q4' read in each year named: Q4 2025 and Q4 2024.");
        assertThat(ask("december revenue 2025 vs 2024").answer().table().rows())
                .extracting(row -> row.getFirst())
                .containsExactly("December 2025", "December 2024");
    }

    @Test
    void oneNumberAskedPerCustomerIsTheTotalSharedOutAndAGroupingNamedTwiceIsOneGrouping() throws SQLException {
        assertThat(ask("What was our revenue per customer in 2025?")
                        .answer()
                        .result()
                        .value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT SUM(revenue) / COUNT(DISTINCT customer_name) FROM sales_orders"
                        + " WHERE year(order_date) = 2025"));
        AnalysisOutcome share = ask("break down total ad spend by platform with each platform's share");
        assertThat(share.answer().table().columns())
                .extracting(AnalysisPayload.Column::name)
                .containsExactly("platform", "spend", "share");
    }

    @Test
    void inStockIsAConditionOnTheProductsAndTopNSkipsItsAdjectives() throws SQLException {
        assertThat(ask("what's the cheapest product in stock").answer().result().value())
                .isEqualTo(scalar("SELECT product_name FROM products WHERE stock_quantity > 0 ORDER BY price LIMIT 1"));
        assertThat(((Number) ask("how many units in stock").answer().result().value()).longValue())
                .isEqualTo(count("SELECT SUM(stock_quantity) FROM products"));
        assertThat(listed(ask("give me the top 5 most expensive Garden products")))
                .containsExactlyElementsOf(list("SELECT product_name FROM products WHERE category = 'Garden'"
                        + " ORDER BY price DESC LIMIT 5"));
    }

    @Test
    void spokenNumbersSlangAndIdiomsAreReadAsMeant() throws SQLException {
        assertThat(((Number) ask("how many orders came in over five thousand dollars in revenue in december")
                                .answer()
                                .result()
                                .value())
                        .longValue())
                .isEqualTo(count("SELECT COUNT(*) FROM sales_orders WHERE revenue > 5000 AND order_date BETWEEN"
                        + " DATE '2025-12-01' AND DATE '2025-12-31'"));
        assertThat(listed(ask("gimme the kitchen prodcuts that cost under fifty bucks")))
                .containsExactlyInAnyOrderElementsOf(
                        list("SELECT product_name FROM products WHERE category = 'Kitchen' AND price < 50"));
        // "account for" is a verb, not the customer account; "the deal with" is not a deal
        assertThat(ask("What share of active MRR does each plan account for?")
                        .answer()
                        .table()
                        .columns())
                .extracting(AnalysisPayload.Column::name)
                .containsExactly("plan", "mrr", "share");
        assertThat(ask("whats the deal with each region and its share of revenue in 2025")
                        .answer()
                        .result()
                        .type())
                .isEqualTo("table");
        // the small number words alone stay words
        assertThat(listed(ask("top three products by revenue"))).hasSize(3);
    }

    @Test
    void annualRecurringRevenueIsArrAndAShortWordOfADerivedPhraseMayCarryASlip() throws SQLException {
        assertThat(((Number) ask("What is the annual recurring revenue of Swiftzenbase?")
                                .answer()
                                .result()
                                .value())
                        .doubleValue())
                .isCloseTo(
                        ((Number) scalar(
                                        "SELECT SUM(mrr) * 12 FROM subscriptions WHERE customer_name = 'Swiftzenbase'"))
                                .doubleValue(),
                        org.assertj.core.data.Offset.offset(1e-6));
        AnalysisOutcome cpc = ask("what was the cost per clik on linkedin in march");
        assertThat(cpc.answer().result().value())
                .usingComparator(SAME_NUMBER)
                .isEqualTo(scalar("SELECT SUM(spend) / SUM(clicks) FROM ad_performance WHERE platform = 'LinkedIn'"
                        + " AND date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'"));
        assertThat(cpc.answer().notes()).contains("Read 'clik' as 'click'.");
    }

    @Test
    void traceNamesThePlannerStepsWithRowsAndTimings() {
        AnalysisOutcome outcome = ask("Revenue Q2 2025 vs Q2 2024");
        assertThat(outcome.toolTrace())
                .extracting(AnalysisPayload.ToolCall::tool)
                .contains("plan", "compare_periods");
        AnalysisPayload.ToolCall call = outcome.toolTrace().stream()
                .filter(t -> t.tool().equals("compare_periods"))
                .findFirst()
                .orElseThrow();
        assertThat(call.arguments())
                .containsEntry("metric", "revenue")
                .containsEntry("period", "2025-04-01..2025-06-30");
        assertThat(call.rows()).isEqualTo(1);
        Map<String, Object> plan = outcome.toolTrace().getFirst().arguments();
        assertThat(plan).containsEntry("intent", "compare");
    }
}
