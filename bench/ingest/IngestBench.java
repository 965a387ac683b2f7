import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Issue 5 ingestion benchmark, one run, one JVM, one machine:
 *
 * <ol>
 *   <li>generates a 10-million-row (~1.15 GB) CSV once (kept in the work folder);
 *   <li>starts the real server in-process ({@code Application}, configured only through {@code
 *       CLARIBI_*} settings, listening on 127.0.0.1, port 0) and a loopback HTTP server serving the
 *       CSV, allowlisted with {@code CLARIBI_URL_FETCH_ALLOWLIST}; the URL size cap is raised for
 *       this run only with {@code CLARIBI_URL_FETCH_MAX_BYTES=2GB};
 *   <li>in {@code rounds} back-to-back rounds: raw DuckDB {@code read_csv} of the file into a table,
 *       then {@code ingest_url_data_source} over MCP Streamable HTTP with {@code wait_seconds: 60}
 *       (then {@code get_data_source} polling if still processing), timed from sending the request
 *       to seeing {@code ready}; the ratio of the two; the source is deleted over REST after each
 *       round;
 *   <li>one {@code upload_data_source} of 25 MB of base64 over MCP, {@code wait_seconds: 60}, with
 *       the JVM's peak heap.
 * </ol>
 *
 * Usage: java -cp <server classes + deps> IngestBench.java <work folder> [rows] [rounds]
 */
public class IngestBench {
    static final String PROTOCOL = "2025-06-18";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(work);
        Path csv = work.resolve(rows == 10_000_000L ? "orders.csv" : "orders-" + rows + ".csv");
        if (!Files.exists(csv)) {
            generate(csv, rows);
        }
        System.out.printf("file: %s, %,d bytes, %,d rows; CPUs: %d; max heap: %,d MB; load average %s%n",
                csv, Files.size(csv), rows, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());

        HttpServer files = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        files.createContext("/orders.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, Files.size(csv));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(csv, out);
            }
        });
        files.start();
        String fileUrl = "http://127.0.0.1:" + files.getAddress().getPort() + "/orders.csv";
        Path home = Files.createTempDirectory(work, "server-home");
        Config config = Config.fromEnvironment(Map.of(
                "CLARIBI_HOME", home.toString(),
                "CLARIBI_PORT", "0",
                "CLARIBI_URL_FETCH_ALLOWLIST", "127.0.0.1:" + files.getAddress().getPort(),
                "CLARIBI_URL_FETCH_MAX_BYTES", "2GB"));
        System.out.printf("server: CLARIBI_URL_FETCH_MAX_BYTES=2GB (%s; the default is %s)%n",
                Config.describeBytes(config.urlFetchMaxBytes()), Config.describeBytes(Config.DEFAULT_URL_FETCH_MAX_BYTES));

        try (Application application = Application.start(config)) {
            var user = application.accounts().createUser("bench@example.com", Optional.empty());
            var workspace = application.accounts().createWorkspace("Bench", "enterprise", Optional.empty(), user.id());
            String mcpKey = application.accounts()
                    .mintKey(workspace.id(), user.id(), KeyKind.MCP, "bench", EnumSet.allOf(Scope.class)).secret();
            String restKey = application.accounts()
                    .mintKey(workspace.id(), user.id(), KeyKind.REST, "bench", EnumSet.allOf(Scope.class)).secret();
            Mcp mcp = new Mcp(URI.create(application.publicUrl() + "/mcp/v1/"), mcpKey);

            double bestRaw = Double.MAX_VALUE;
            double bestSandboxed = Double.MAX_VALUE;
            double bestUrl = Double.MAX_VALUE;
            double sumRatio = 0;
            for (int round = 1; round <= rounds; round++) {
                String load = loadAverage();
                double raw = rawRun(work, csv, false);
                double sandboxed = rawRun(work, csv, true);
                UrlRun url = urlRun(mcp, fileUrl);
                if (!url.status().equals("ready")) {
                    throw new IllegalStateException("the URL data source ended " + url.status() + ": " + url.detail());
                }
                if (url.rows() != rows) {
                    throw new IllegalStateException("the URL data source has " + url.rows() + " rows, not " + rows);
                }
                delete(application.publicUrl(), restKey, url.id());
                System.out.printf("round %d (load %s): raw read_csv %6.2f s (%.2f s with the workspace's memory_limit"
                                + " and threads) | ingest_url_data_source to ready %6.2f s"
                                + " (tool answered after %.2f s, %s) = %.2fx raw | peak heap %,d MB%n",
                        round, load, raw, sandboxed, url.seconds(), url.answeredAfter(),
                        url.polls() == 0 ? "ready in the answer" : url.polls() + " get_data_source polls",
                        url.seconds() / raw, url.peakHeap() >> 20);
                System.out.println("         progress notifications: " + url.phases());
                bestRaw = Math.min(bestRaw, raw);
                bestSandboxed = Math.min(bestSandboxed, sandboxed);
                bestUrl = Math.min(bestUrl, url.seconds());
                sumRatio += url.seconds() / raw;
            }
            System.out.printf("best of %d: raw read_csv %.2f s (%.2f s with the workspace settings),"
                            + " ingest_url_data_source %.2f s, ratio of bests %.2fx (target <= 1.2x); mean per-round"
                            + " ratio %.2fx%n",
                    rounds, bestRaw, bestSandboxed, bestUrl, bestUrl / bestRaw, sumRatio / rounds);

            upload(mcp);
        } finally {
            files.stop(0);
            deleteTree(home);
        }
        System.out.println("load average at the end: " + loadAverage());
    }

    record UrlRun(String id, String status, long rows, double seconds, double answeredAfter, int polls, long peakHeap,
            String detail, String phases) {}

    static UrlRun urlRun(Mcp mcp, String fileUrl) throws Exception {
        mcp.initialize();
        System.gc();
        resetPeaks();
        long start = System.nanoTime();
        List<String> phases = new java.util.ArrayList<>();
        JsonNode source = mcp.callTool("ingest_url_data_source",
                "{\"name\":\"orders\",\"url\":\"" + fileUrl + "\",\"format\":\"csv\",\"wait_seconds\":60}",
                progress -> phases.add(String.format("%s at %.2f s", progress, seconds(start))));
        double answered = seconds(start);
        int polls = 0;
        while (source.path("status").asString().equals("processing")) {
            Thread.sleep(50);
            polls++;
            source = mcp.callTool("get_data_source",
                    "{\"data_source_id\":\"" + source.path("data_source_id").asString() + "\",\"preview_rows\":0}");
        }
        double total = seconds(start);
        return new UrlRun(source.path("data_source_id").asString(), source.path("status").asString(),
                source.path("row_count").asLong(), total, answered, polls, peakHeap(),
                source.path("failure_reason").asString(""), String.join(", ", phases));
    }

    static void upload(Mcp mcp) throws Exception {
        StringBuilder csv = new StringBuilder("order_id,region,amount,ordered_on,customer_email,note\n");
        String[] regions = {"EMEA", "AMER", "APAC", "LATAM"};
        int row = 0;
        // 25 MiB of base64 = 19,660,800 bytes of CSV at most
        while (csv.length() < 19_600_000) {
            row++;
            csv.append(row).append(',').append(regions[row % 4]).append(',').append(row % 5000).append('.')
                    .append(row % 100).append(",2024-").append(String.format("%02d-%02d", 1 + row % 12, 1 + row % 28))
                    .append(",user").append(row % 9973).append("@example.com,note ").append(row % 977).append('\n');
        }
        String base64 = Base64.getEncoder().encodeToString(csv.toString().getBytes(StandardCharsets.UTF_8));
        int csvBytes = csv.length();
        int base64Chars = base64.length();
        csv = null;
        String arguments = "{\"name\":\"upload\",\"format\":\"csv\",\"data_base64\":\"" + base64 + "\",\"wait_seconds\":60}";
        base64 = null;
        mcp.initialize();
        System.gc();
        System.gc();
        long before = usedHeap();
        resetPeaks();
        long start = System.nanoTime();
        JsonNode source = mcp.callTool("upload_data_source", arguments);
        double took = seconds(start);
        System.out.printf("upload_data_source, %,d chars of base64 (%,d bytes of CSV, %,d rows):"
                        + " %.2f s from request to the %s answer (%,d rows); heap %,d MB before, peak %,d MB"
                        + " (client and server share this JVM: the request body is held by both)%n",
                base64Chars, csvBytes, row, took, source.path("status").asString(),
                source.path("row_count").asLong(), before >> 20, peakHeap() >> 20);
    }

    /** A minimal Streamable HTTP client: one session, tools/call, JSON or SSE answers. */
    static final class Mcp {
        private final URI endpoint;
        private final String key;
        private String session;
        private int nextId = 1;

        Mcp(URI endpoint, String key) {
            this.endpoint = endpoint;
            this.key = key;
        }

        void initialize() throws Exception {
            HttpResponse<String> response = HTTP.send(request("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++
                    + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + PROTOCOL
                    + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"ingest-bench\",\"version\":\"1\"}}}", false),
                    HttpResponse.BodyHandlers.ofString());
            session = response.headers().firstValue("Mcp-Session-Id").orElseThrow(
                    () -> new IllegalStateException("initialize answered " + response.statusCode() + ": " + response.body()));
            HTTP.send(request("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", true),
                    HttpResponse.BodyHandlers.discarding());
        }

        /** The tool's structuredContent; throws on a protocol or tool error. */
        JsonNode callTool(String name, String argumentsJson) throws Exception {
            return callTool(name, argumentsJson, null);
        }

        /**
         * As {@link #callTool(String, String)}; with {@code onProgress}, the call carries a
         * progressToken and each progress notification's message is handed over as it arrives (the
         * answer is then an SSE stream read line by line).
         */
        JsonNode callTool(String name, String argumentsJson, java.util.function.Consumer<String> onProgress)
                throws Exception {
            String meta = onProgress == null ? "" : "\"_meta\":{\"progressToken\":\"bench-" + nextId + "\"},";
            String body = "{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"tools/call\",\"params\":{" + meta
                    + "\"name\":\"" + name + "\",\"arguments\":" + argumentsJson + "}}";
            HttpResponse<Stream<String>> response = HTTP.send(request(body, true), HttpResponse.BodyHandlers.ofLines());
            boolean sse = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            StringBuilder text = new StringBuilder();
            JsonNode result = null;
            try (Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (!sse) {
                        text.append(line).append('\n');
                        continue;
                    }
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    JsonNode message = Json.mapper().readTree(line.substring(5).strip());
                    if (message.path("method").asString("").equals("notifications/progress")) {
                        if (onProgress != null) {
                            onProgress.accept(message.path("params").path("message").asString(""));
                        }
                    } else if (message.has("result") || message.has("error")) {
                        result = message.path("result");
                        text.append(line);
                    }
                }
            }
            if (!sse) {
                result = Json.mapper().readTree(text.toString()).path("result");
            }
            if (result == null || result.isMissingNode() || result.path("isError").asBoolean(false)) {
                throw new IllegalStateException(name + " failed: " + text.substring(0, Math.min(500, text.length())));
            }
            return result.path("structuredContent");
        }

        private HttpRequest request(String body, boolean inSession) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (inSession) {
                builder.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", PROTOCOL);
            }
            return builder.build();
        }
    }

    static void delete(URI base, String restKey, String id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/data-sources/" + id))
                .header("Authorization", "Bearer " + restKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IllegalStateException("delete answered " + response.statusCode() + ": " + response.body());
        }
    }

    static void generate(Path csv, long rows) throws Exception {
        long start = System.nanoTime();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT i AS order_id, DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS order_date,"
                    + " ['North','South','East','West'][1 + i % 4] AS region,"
                    + " 'Product ' || (i % 250) AS product, 'customer' || (i % 100000) || '@example.com' AS customer_email,"
                    + " 1 + i % 17 AS units, round(5 + (i % 1000) / 7.0, 2) AS unit_price,"
                    + " round((1 + i % 17) * (5 + (i % 1000) / 7.0), 2) AS revenue,"
                    + " 'order note number ' || (i % 9973) || ' for the record' AS note"
                    + " FROM range(" + rows + ") t(i)) TO '" + csv + "' (HEADER, DELIMITER ',')");
        }
        System.out.printf("generated %s: %,d rows, %,d bytes in %.1f s%n", csv, rows, Files.size(csv), seconds(start));
    }

    /**
     * Raw DuckDB: read_csv of the file into a table of a file database, with DuckDB's default settings
     * or, when {@code sandboxed}, the workspace databases' memory_limit and threads (WorkspaceDatabases).
     */
    static double rawRun(Path work, Path csv, boolean sandboxed) throws Exception {
        Path rawDb = work.resolve("raw.duckdb");
        Files.deleteIfExists(rawDb);
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        if (sandboxed) {
            var limits = com.claribi.storage.WorkspaceDatabases.Limits.defaults();
            properties.setProperty("memory_limit", limits.memoryLimitMegabytes() + "MB");
            properties.setProperty("threads", Integer.toString(limits.threads()));
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + rawDb, properties);
                Statement statement = duck.createStatement()) {
            long start = System.nanoTime();
            statement.execute("CREATE TABLE t AS SELECT * FROM read_csv('" + csv + "')");
            return seconds(start);
        } finally {
            Files.deleteIfExists(rawDb);
            Files.deleteIfExists(work.resolve("raw.duckdb.wal"));
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    static void deleteTree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    }

    static void resetPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks since the last reset: an upper bound (see docs/testing.md). */
    static long peakHeap() {
        return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    static long usedHeap() {
        return heapPools().stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
    }
}
