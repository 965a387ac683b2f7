import com.claribi.analysis.AnalysisEngine;
import com.claribi.analysis.AnalysisLimits;
import com.claribi.analysis.AnalysisOutcome;
import com.claribi.analysis.TableSchema;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 6 analysis benchmark, one run on one machine: a deterministic 10-million-row sales table;
 * for each of 10 representative questions the median of N runs of (a) AnalysisEngine.analyze end
 * to end — planning, every SQL query, wording, follow-up validation and the PNG chart — and (b) the
 * hand-written DuckDB SQL that gives the same answer, after three warm-up rounds of all questions.
 * Usage: java -cp <server classes + deps> AnalysisBench.java [rows] [repeats]
 */
public class AnalysisBench {
    record Question(String text, List<String> sql) {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
            long started = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE sales_orders AS SELECT 'SO-' || i AS order_id, "
                        + "DATE '2024-01-01' + CAST(hash(i) % 731 AS INTEGER) AS order_date, "
                        + "(['North America', 'EMEA', 'APAC', 'LATAM'])[CAST(1 + hash(i * 3) % 4 AS INTEGER)] AS region, "
                        + "(['Online', 'Retail', 'Partner'])[CAST(1 + hash(i * 7) % 3 AS INTEGER)] AS channel, "
                        + "(['Atlas Laptop', 'Luna Tablet', 'Nimbus Phone', 'Orion Monitor', 'Terra Keyboard', 'Sol Mouse', "
                        + "'Vega Headphones', 'Nova Camera'])[CAST(1 + hash(i * 11) % 8 AS INTEGER)] AS product, "
                        + "CAST(1 + hash(i * 13) % 10 AS INTEGER) AS quantity, "
                        + "round(CAST(hash(i * 17) % 100000 AS DOUBLE) / 100.0, 2) AS revenue, "
                        + "round(CAST(hash(i * 17) % 100000 AS DOUBLE) / 100.0 * (0.5 + CAST(hash(i * 19) % 30 AS DOUBLE) / 100.0), 2) AS cost "
                        + "FROM range(" + rows + ") t(i)");
            }
            System.out.printf("table: %,d rows built in %d ms%n", rows, (System.nanoTime() - started) / 1_000_000);
            started = System.nanoTime();
            TableSchema schema = AnalysisEngine.describe(connection, "sales_orders", "ds_bench", "Sales orders");
            System.out.printf("schema + profile (once per data source, at ingest): %d ms%n%n", (System.nanoTime() - started) / 1_000_000);
            AnalysisEngine engine = new AnalysisEngine(Clock.fixed(Instant.parse("2026-01-15T10:00:00Z"), ZoneOffset.UTC),
                    AnalysisLimits.defaults());
            String y2025 = "order_date >= DATE '2025-01-01' AND order_date < DATE '2026-01-01'";
            List<Question> questions = List.of(
                    new Question("What was total revenue last quarter?", List.of(
                            "SELECT SUM(revenue) FROM sales_orders WHERE order_date >= DATE '2025-10-01' AND order_date < DATE '2026-01-01'")),
                    new Question("Revenue by region in 2025", List.of(
                            "SELECT region, SUM(revenue) FROM sales_orders WHERE " + y2025 + " GROUP BY region ORDER BY 2 DESC")),
                    new Question("Top 3 products by revenue in 2025", List.of(
                            "SELECT product, SUM(revenue) FROM sales_orders WHERE " + y2025 + " GROUP BY product ORDER BY 2 DESC LIMIT 3")),
                    new Question("Which channel had the highest revenue last year?", List.of(
                            "SELECT channel, SUM(revenue) FROM sales_orders WHERE " + y2025 + " GROUP BY channel ORDER BY 2 DESC LIMIT 1")),
                    new Question("Monthly revenue trend for 2025", List.of(
                            "SELECT date_trunc('month', order_date), SUM(revenue) FROM sales_orders WHERE " + y2025 + " GROUP BY 1 ORDER BY 1")),
                    new Question("Compare revenue in Q2 2025 vs Q2 2024", List.of(
                            "SELECT SUM(revenue) FROM sales_orders WHERE order_date >= DATE '2025-04-01' AND order_date < DATE '2025-07-01'",
                            "SELECT SUM(revenue) FROM sales_orders WHERE order_date >= DATE '2024-04-01' AND order_date < DATE '2024-07-01'")),
                    new Question("What share of revenue does each region contribute?", List.of(
                            "SELECT region, SUM(revenue), SUM(revenue) / SUM(SUM(revenue)) OVER () FROM sales_orders GROUP BY region")),
                    new Question("How many orders had revenue over 900?", List.of(
                            "SELECT COUNT(*) FROM sales_orders WHERE revenue > 900")),
                    new Question("What was our gross margin in 2025?", List.of(
                            "SELECT (SUM(revenue) - SUM(cost)) / SUM(revenue) FROM sales_orders WHERE " + y2025)),
                    new Question("Did EMEA generate more revenue than APAC in 2025?", List.of(
                            "SELECT SUM(revenue) FROM sales_orders WHERE region = 'EMEA' AND " + y2025,
                            "SELECT SUM(revenue) FROM sales_orders WHERE region = 'APAC' AND " + y2025)));
            System.out.printf("%-52s %10s %10s %7s %9s %6s  %s%n", "question (" + repeats + " runs, median)", "engine ms", "SQL ms",
                    "ratio", "target ms", "met", "answer");
            // a server runs warm: compile the engine's paths once before measuring anything
            for (int warm = 0; warm < 3; warm++) {
                for (Question question : questions) {
                    engine.analyze(connection, question.text(), List.of(schema));
                    runSql(connection, question.sql());
                }
            }
            int met = 0;
            List<Double> ratios = new ArrayList<>();
            for (Question question : questions) {
                AnalysisOutcome outcome = engine.analyze(connection, question.text(), List.of(schema));
                runSql(connection, question.sql());
                double[] engineMs = new double[repeats];
                double[] sqlMs = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    outcome = engine.analyze(connection, question.text(), List.of(schema));
                    engineMs[r] = (System.nanoTime() - t0) / 1e6;
                    long t1 = System.nanoTime();
                    runSql(connection, question.sql());
                    sqlMs[r] = (System.nanoTime() - t1) / 1e6;
                }
                double e = median(engineMs);
                double s = median(sqlMs);
                double target = 1.5 * s + 5;
                boolean ok = e <= target;
                met += ok ? 1 : 0;
                ratios.add(e / s);
                String answer = outcome.answer().text();
                System.out.printf("%-52s %10.1f %10.1f %6.2fx %9.1f %6s  %s%n", question.text(), e, s, e / s, target, ok ? "yes" : "NO",
                        answer.length() > 70 ? answer.substring(0, 70) + "…" : answer);
            }
            System.out.printf("%nmet the 1.5x + 5 ms target on %d of %d questions; median ratio %.2fx%n", met, questions.size(),
                    median(ratios.stream().mapToDouble(Double::doubleValue).toArray()));
        }
    }

    private static void runSql(Connection connection, List<String> sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            for (String query : sql) {
                try (ResultSet result = statement.executeQuery(query)) {
                    while (result.next()) {
                        result.getObject(1);
                    }
                }
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
