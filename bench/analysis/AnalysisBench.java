import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.ingest.DataSourceRecord;
import com.claribi.ingest.IngestLimits;
import com.claribi.ingest.Ingestor;
import com.claribi.ingest.SourceFormat;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 6 analysis benchmark, one run on one machine. Starts the real server ({@link Application},
 * embedded metadata store, loopback port 0) in this JVM with one Enterprise workspace whose data
 * source is a deterministic 10-million-row sales CSV ingested by the product's {@link Ingestor} and
 * recorded ready in the data-source catalog (what the upload job does; the MCP upload tools cap
 * files at 18/100 MB and this CSV is ≈ 700 MB). Then, for 10 representative questions, the median
 * of N calls of {@code run_analysis} over MCP Streamable HTTP (java.net.http, JSON-RPC with an MCP
 * API key, one session) beside the median of N runs of the hand-written DuckDB SQL for the same
 * answer on a connection to the same workspace database, after warm-up rounds of every question.
 * Each answer's number is checked against the SQL's.
 *
 * <p>Usage: java -cp &lt;server classes + deps&gt; AnalysisBench.java [rows] [repeats] [warm-up rounds]
 */
public class AnalysisBench {
    static final String PROTOCOL = "2025-06-18";

    /** A question, the hand-written SQL for its answer, and which SQL cell is the answer's number. */
    record Question(String text, List<String> sql) {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        boolean trace = System.getenv().getOrDefault("BENCH_TRACE", "0").equals("1");
        Path home = Files.createTempDirectory("claribi-analysis-bench");
        Config config = Config.fromEnvironment(Map.of(
                "CLARIBI_HOME", home.toString(), "CLARIBI_BIND", "127.0.0.1", "CLARIBI_PORT", "0"));
        try (Application app = Application.start(config)) {
            // ---- the workspace: Enterprise tier (20,000 AI credits a month), an MCP key ----
            User user = app.accounts().createUser("bench-" + UUID.randomUUID() + "@example.com", Optional.empty());
            Workspace workspace = app.accounts().createWorkspace("Analysis bench", "enterprise", Optional.empty(), user.id());
            String key = app.accounts()
                    .mintKey(workspace.id(), user.id(), KeyKind.MCP, "bench", Set.of(Scope.ANALYSIS_RUN))
                    .secret();

            // ---- the data: dates span Jan 1 two years ago .. today, so "last quarter/year" have data ----
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            int year = today.getYear();
            LocalDate first = LocalDate.of(year - 2, 1, 1);
            long days = ChronoUnit.DAYS.between(first, today) + 1;
            String id = app.dataSourceCatalog().newId();
            Path raw = Files.createDirectories(app.workspaceDatabases().folder(workspace.id()).resolve("raw"))
                    .resolve(id + ".csv");
            long started = System.nanoTime();
            try (Connection scratch = DriverManager.getConnection("jdbc:duckdb:");
                    Statement statement = scratch.createStatement()) {
                statement.execute("COPY (SELECT 'SO-' || i AS order_id, "
                        + "DATE '" + first + "' + CAST(hash(i) % " + days + " AS INTEGER) AS order_date, "
                        + "(['North America', 'EMEA', 'APAC', 'LATAM'])[CAST(1 + hash(i * 3) % 4 AS INTEGER)] AS region, "
                        + "(['Online', 'Retail', 'Partner'])[CAST(1 + hash(i * 7) % 3 AS INTEGER)] AS channel, "
                        + "(['Atlas Laptop', 'Luna Tablet', 'Nimbus Phone', 'Orion Monitor', 'Terra Keyboard', 'Sol Mouse', "
                        + "'Vega Headphones', 'Nova Camera'])[CAST(1 + hash(i * 11) % 8 AS INTEGER)] AS product, "
                        + "CAST(1 + hash(i * 13) % 10 AS INTEGER) AS quantity, "
                        + "round(CAST(hash(i * 17) % 100000 AS DOUBLE) / 100.0, 2) AS revenue, "
                        + "round(CAST(hash(i * 17) % 100000 AS DOUBLE) / 100.0 * (0.5 + CAST(hash(i * 19) % 30 AS DOUBLE) / 100.0), 2) AS cost "
                        + "FROM range(" + rows + ") t(i)) TO '" + raw + "' (HEADER, DELIMITER ',')");
            }
            long bytes = Files.size(raw);
            System.out.printf("CSV: %,d rows, %,d MB written in %d ms%n", rows, bytes >> 20, ms(started));
            started = System.nanoTime();
            Ingestor.Result ingested = app.workspaceDatabases().withConnection(workspace.id(),
                    connection -> new Ingestor(IngestLimits.defaults(), Clock.systemUTC())
                            .ingest(connection, raw, SourceFormat.CSV, id));
            app.dataSourceCatalog().create(id, workspace.id(), "Sales orders", SourceFormat.CSV,
                    DataSourceRecord.Origin.UPLOAD, Optional.empty(), "raw/" + id + ".csv", bytes);
            app.dataSourceCatalog().markReady(workspace.id(), id, ingested.tables(), ingested.profile());
            Files.delete(raw); // the table is in the workspace's DuckDB now; the raw copy only costs disk
            String table = ingested.profile().tables().get(0).tableName();
            System.out.printf("ingested by the product's Ingestor (read_csv + profile) in %d ms as table %s%n",
                    ms(started), table);
            String t = "\"" + table.replace("\"", "\"\"") + "\"";

            int lastYear = year - 1;
            LocalDate quarterStart = today.withDayOfMonth(1).withMonth((today.getMonthValue() - 1) / 3 * 3 + 1).minusMonths(3);
            String yLast = "order_date >= DATE '" + lastYear + "-01-01' AND order_date < DATE '" + year + "-01-01'";
            List<Question> questions = List.of(
                    new Question("What was total revenue last quarter?", List.of(
                            "SELECT SUM(revenue) FROM " + t + " WHERE order_date >= DATE '" + quarterStart
                                    + "' AND order_date < DATE '" + quarterStart.plusMonths(3) + "'")),
                    new Question("Revenue by region in " + lastYear, List.of(
                            "SELECT region, SUM(revenue) FROM " + t + " WHERE " + yLast + " GROUP BY region ORDER BY 2 DESC")),
                    new Question("Top 3 products by revenue in " + lastYear, List.of(
                            "SELECT product, SUM(revenue) FROM " + t + " WHERE " + yLast + " GROUP BY product ORDER BY 2 DESC LIMIT 3")),
                    new Question("Which channel had the highest revenue last year?", List.of(
                            "SELECT channel, SUM(revenue) FROM " + t + " WHERE " + yLast + " GROUP BY channel ORDER BY 2 DESC LIMIT 1")),
                    new Question("Monthly revenue trend for " + lastYear, List.of(
                            "SELECT date_trunc('month', order_date), SUM(revenue) FROM " + t + " WHERE " + yLast + " GROUP BY 1 ORDER BY 1")),
                    new Question("Compare revenue in Q2 " + lastYear + " vs Q2 " + (lastYear - 1), List.of(
                            "SELECT SUM(revenue) FROM " + t + " WHERE order_date >= DATE '" + lastYear + "-04-01' AND order_date < DATE '" + lastYear + "-07-01'",
                            "SELECT SUM(revenue) FROM " + t + " WHERE order_date >= DATE '" + (lastYear - 1) + "-04-01' AND order_date < DATE '" + (lastYear - 1) + "-07-01'")),
                    new Question("What share of revenue does each region contribute?", List.of(
                            "SELECT region, SUM(revenue), SUM(revenue) / SUM(SUM(revenue)) OVER () FROM " + t + " GROUP BY region ORDER BY 2 DESC")),
                    new Question("How many orders had revenue over 900?", List.of(
                            "SELECT COUNT(*) FROM " + t + " WHERE revenue > 900")),
                    new Question("What was our gross margin in " + lastYear + "?", List.of(
                            "SELECT (SUM(revenue) - SUM(cost)) / SUM(revenue) FROM " + t + " WHERE " + yLast)),
                    new Question("Did EMEA generate more revenue than APAC in " + lastYear + "?", List.of(
                            "SELECT SUM(revenue) FROM " + t + " WHERE region = 'EMEA' AND " + yLast,
                            "SELECT SUM(revenue) FROM " + t + " WHERE region = 'APAC' AND " + yLast)));

            McpClient mcp = new McpClient(URI.create(app.publicUrl() + "/mcp/v1/"), key).initialize();
            // a server runs warm: every path (HTTP, auth, planner, SQL, PNG, persistence) compiled first
            for (int warm = 0; warm < warmups; warm++) {
                for (Question question : questions) {
                    mcp.runAnalysis(question.text());
                    sql(app, workspace.id(), question.sql());
                }
            }
            System.out.printf("%nload average before measuring: %s%n%n", loadAverage());
            System.out.printf("%-52s %9s %13s %7s %9s %5s %7s %11s  %s%n", "question (" + repeats + " runs each, median)",
                    "SQL ms", "run_analysis", "ratio", "target ms", "met", "number", "best-of", "answer");
            int met = 0;
            int matched = 0;
            int bestMet = 0;
            List<Double> ratios = new ArrayList<>();
            List<Double> overheads = new ArrayList<>();
            for (Question question : questions) {
                double[] callMs = new double[repeats];
                double[] sqlMs = new double[repeats];
                JsonNode result = null;
                List<List<Object>> expected = null;
                for (int r = 0; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    result = mcp.runAnalysis(question.text());
                    callMs[r] = (System.nanoTime() - t0) / 1e6;
                    Timed timed = sql(app, workspace.id(), question.sql());
                    sqlMs[r] = timed.ms();
                    expected = timed.firstRows();
                }
                double c = median(callMs);
                double s = median(sqlMs);
                double target = 1.5 * s + 5;
                boolean ok = c <= target;
                met += ok ? 1 : 0;
                ratios.add(c / s);
                overheads.add(c - s);
                String check = numbersMatch(result, expected);
                matched += check.equals("ok") ? 1 : 0;
                String answer = result.path("structuredContent").path("answer").path("text").asString("");
                double bestSql = Arrays.stream(sqlMs).min().orElseThrow();
                double bestCall = Arrays.stream(callMs).min().orElseThrow();
                bestMet += bestCall <= 1.5 * bestSql + 5 ? 1 : 0;
                System.out.printf("%-52s %9.1f %13.1f %6.2fx %9.1f %5s %7s %5.0f/%-5.0f  %s%n", question.text(), s, c, c / s,
                        target, ok ? "PASS" : "MISS", check, bestSql, bestCall,
                        answer.length() > 50 ? answer.substring(0, 50) + "…" : answer);
                if (trace) {
                    StringBuilder steps = new StringBuilder();
                    for (JsonNode step : result.path("structuredContent").path("tool_trace")) {
                        steps.append(' ').append(step.path("tool").asString()).append(' ')
                                .append(step.path("ms").asLong()).append("ms");
                    }
                    System.out.printf("    last call's tool_trace:%s%n", steps);
                }
            }
            System.out.printf("%nrun_analysis within 1.5 x SQL + 5 ms on %d of %d questions; median ratio %.2fx;"
                            + " median overhead (run_analysis - SQL) %.1f ms; answer numbers matching the SQL: %d of %d%n",
                    met, questions.size(), median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                    median(overheads.stream().mapToDouble(Double::doubleValue).toArray()), matched, questions.size());
            System.out.printf("fastest of the %d runs (SQL / run_analysis, the \"best-of\" column) within the target on %d of %d%n",
                    repeats, bestMet, questions.size());
            System.out.printf("load average after: %s%n", loadAverage());
        } finally {
            deleteTree(home);
        }
    }

    record Timed(double ms, List<List<Object>> firstRows) {}

    /** Runs the hand-written SQL on a connection to the workspace's database; times the queries only. */
    static Timed sql(Application app, String workspaceId, List<String> queries) {
        return app.workspaceDatabases().withConnection(workspaceId, connection -> {
            List<List<Object>> firstRows = new ArrayList<>();
            long t0 = System.nanoTime();
            try (Statement statement = connection.createStatement()) {
                for (String query : queries) {
                    try (ResultSet result = statement.executeQuery(query)) {
                        ResultSetMetaData meta = result.getMetaData();
                        List<Object> first = null;
                        while (result.next()) {
                            if (first == null) {
                                first = new ArrayList<>();
                                for (int column = 1; column <= meta.getColumnCount(); column++) {
                                    first.add(result.getObject(column));
                                }
                            } else {
                                result.getObject(1);
                            }
                        }
                        firstRows.add(first == null ? List.of() : first);
                    }
                }
            }
            return new Timed((System.nanoTime() - t0) / 1e6, firstRows);
        });
    }

    /**
     * "ok" when, for every SQL query, the first numeric cell of its first row appears among the
     * answer's numbers (result.value, headline.value and every table cell) to within rounding.
     */
    static String numbersMatch(JsonNode result, List<List<Object>> expected) {
        JsonNode answer = result.path("structuredContent").path("answer");
        List<Double> numbers = new ArrayList<>();
        collectNumbers(answer.path("result").path("value"), numbers);
        collectNumbers(answer.path("headline").path("value"), numbers);
        collectNumbers(answer.path("table").path("rows"), numbers);
        for (List<Object> row : expected) {
            Double want = null;
            for (Object cell : row) {
                if (cell instanceof Number number) {
                    want = number.doubleValue();
                    break;
                }
            }
            if (want == null) {
                return "no-sql";
            }
            double w = want;
            if (numbers.stream().noneMatch(n -> Math.abs(n - w) <= Math.max(0.006, Math.abs(w) * 1e-9)
                    || Math.abs(n - w * 100) <= 0.006)) {
                return "DIFFERS";
            }
        }
        return "ok";
    }

    static void collectNumbers(JsonNode node, List<Double> into) {
        if (node.isNumber()) {
            into.add(node.asDouble());
        } else if (node.isContainer()) {
            node.forEach(child -> collectNumbers(child, into));
        }
    }

    /** One MCP Streamable HTTP session with an API key, as an MCP client would hold it. */
    static final class McpClient {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final JsonMapper json = Json.mapper();
        private final URI endpoint;
        private final String key;
        private final AtomicInteger ids = new AtomicInteger();
        private String session;

        McpClient(URI endpoint, String key) {
            this.endpoint = endpoint;
            this.key = key;
        }

        McpClient initialize() throws Exception {
            post("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"initialize\",\"params\":"
                    + "{\"protocolVersion\":\"" + PROTOCOL + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"analysis-bench\",\"version\":\"1\"}}}");
            post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            return this;
        }

        /** The tools/call result of run_analysis; fails unless it is a completed answer. */
        JsonNode runAnalysis(String question) throws Exception {
            JsonNode reply = post("{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet()
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"run_analysis\",\"arguments\":{\"question\":"
                    + json.writeValueAsString(question) + "}}}");
            JsonNode result = reply.path("result");
            if (result.path("isError").asBoolean(false)
                    || !result.path("structuredContent").path("status").asString("").equals("completed")) {
                throw new IllegalStateException("run_analysis did not answer \"" + question + "\": " + reply);
            }
            return result;
        }

        private JsonNode post(String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", PROTOCOL)
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (session != null) {
                request.header("Mcp-Session-Id", session);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> session = id);
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
            }
            String text = response.body();
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                JsonNode message = json.createObjectNode();
                for (String line : text.split("\n")) {
                    if (line.startsWith("data:") && line.length() > 5) {
                        JsonNode candidate = json.readTree(line.substring(5).trim());
                        if (candidate.has("result") || candidate.has("error")) {
                            message = candidate;
                        }
                    }
                }
                return message;
            }
            return text.isBlank() ? json.createObjectNode() : json.readTree(text);
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "n/a";
        }
    }

    static long ms(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
