import com.claribi.ingest.DataSourceProfile;
import com.claribi.ingest.FetchedFile;
import com.claribi.ingest.HostResolver;
import com.claribi.ingest.IngestLimits;
import com.claribi.ingest.Ingestor;
import com.claribi.ingest.LoadedTable;
import com.claribi.ingest.SourceFormat;
import com.claribi.ingest.UrlFetcher;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Issue 5 ingestion benchmark, one run on one machine:
 *   1-3, in three back-to-back rounds: raw DuckDB read_csv of a 10-million-row (~1 GB) CSV into a
 *      table; the ingestion core (Ingestor.load + profile) on the same file; the URL path end to end
 *      (loopback allowlisted HTTP server -> UrlFetcher -> load -> profile),
 *   4. the upload core: 25 MB of base64 (held as a String, as the MCP layer will) decoded by
 *      RawFiles.storeBase64 into the workspace and forced to disk, loaded and profiled,
 *      with peak heap.
 * Usage: java -cp <server classes + deps> IngestBench.java <work folder> [rows]
 */
public class IngestBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]).toAbsolutePath();
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        Files.createDirectories(work);
        Path csv = work.resolve("orders.csv");
        if (!Files.exists(csv)) {
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
        System.out.printf("file: %,d bytes, %,d rows; CPUs: %d; max heap: %,d MB%n",
                Files.size(csv), rows, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        // Rounds of: raw DuckDB, ingestion core, URL path. The machine is shared, so each ratio compares
        // runs made back to back, and the best of each is reported too.
        Ingestor ingestor = new Ingestor(IngestLimits.defaults(), Clock.systemUTC());
        Path workspace = work.resolve("workspace");
        Files.createDirectories(workspace);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/orders.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, Files.size(csv));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(csv, out);
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        UrlFetcher.Limits fetchLimits = new UrlFetcher.Limits(4L << 30, 5,
                java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(10));
        double bestRaw = Double.MAX_VALUE;
        double bestCore = Double.MAX_VALUE;
        double bestUrl = Double.MAX_VALUE;
        int rounds = 3;
        try (UrlFetcher fetcher = new UrlFetcher(fetchLimits, List.of("127.0.0.1:" + port), HostResolver.system())) {
            for (int round = 1; round <= rounds; round++) {
                double raw = rawRun(work, csv);
                double load;
                double profile;
                try (Connection duck = workspaceDb(workspace)) {
                    long start = System.nanoTime();
                    List<LoadedTable> tables = ingestor.load(duck, csv, SourceFormat.CSV, "orders");
                    load = seconds(start);
                    start = System.nanoTime();
                    ingestor.profile(duck, csv, SourceFormat.CSV, tables);
                    profile = seconds(start);
                }
                deleteDb(workspace);
                double fetch;
                double url;
                try (Connection duck = workspaceDb(workspace)) {
                    long start = System.nanoTime();
                    FetchedFile fetched = fetcher.fetch("http://127.0.0.1:" + port + "/orders.csv", workspace.resolve("fetched.csv"), Optional.empty());
                    fetch = seconds(start);
                    List<LoadedTable> tables = ingestor.load(duck, fetched.file(), fetched.format(), "fetched");
                    ingestor.profile(duck, fetched.file(), fetched.format(), tables);
                    url = seconds(start);
                }
                Files.deleteIfExists(workspace.resolve("fetched.csv"));
                deleteDb(workspace);
                System.out.printf("round %d: raw read_csv %6.2f s | load %6.2f + profile %5.2f = %6.2f s (%.2fx raw, load alone %.2fx) | URL fetch %5.2f, end to end %6.2f s (%.2fx raw)%n",
                        round, raw, load, profile, load + profile, (load + profile) / raw, load / raw, fetch, url, url / raw);
                bestRaw = Math.min(bestRaw, raw);
                bestCore = Math.min(bestCore, load + profile);
                bestUrl = Math.min(bestUrl, url);
            }
        } finally {
            server.stop(0);
        }
        System.out.printf("best of %d: raw %.2f s, load+profile %.2f s (%.2fx), URL end to end %.2f s (%.2fx)%n",
                rounds, bestRaw, bestCore, bestCore / bestRaw, bestUrl, bestUrl / bestRaw);
        System.out.println("(the issue's 100 MB URL cap is lifted to 4 GB for these runs only)");

        // 4. upload core: 25 MB of base64 decoded as a stream, loaded, profiled
        Path slice = work.resolve("slice.csv");
        try (InputStream in = Files.newInputStream(csv); OutputStream out = Files.newOutputStream(slice)) {
            byte[] buffer = in.readNBytes(18 * 1024 * 1024);
            int end = buffer.length;
            while (end > 0 && buffer[end - 1] != '\n') {
                end--;
            }
            out.write(buffer, 0, end);
        }
        Path encoded = work.resolve("slice.b64");
        try (OutputStream out = Base64.getEncoder().wrap(Files.newOutputStream(encoded))) {
            Files.copy(slice, out);
        }
        System.gc();
        resetPeaks();
        long heapBefore = heapUsed();
        try (Connection duck = workspaceDb(workspace)) {
            long start = System.nanoTime();
            Path stored = workspace.resolve("upload.csv");
            String body = Files.readString(encoded, java.nio.charset.StandardCharsets.US_ASCII);
            com.claribi.ingest.RawFiles.storeBase64(body, stored, 25L * 1024 * 1024);
            double decode = seconds(start);
            List<LoadedTable> tables = ingestor.load(duck, stored, SourceFormat.CSV, "upload");
            double loaded = seconds(start);
            DataSourceProfile result = ingestor.profile(duck, stored, SourceFormat.CSV, tables);
            System.out.printf("4. upload core, %,d bytes of base64 (%,d rows): %.2f s (decode %.2f, load %.2f, profile %.2f), peak heap %,d MB (%,d MB before)%n",
                    Files.size(encoded), result.rowCount(), seconds(start), decode, loaded - decode, seconds(start) - loaded, peakHeap() >> 20, heapBefore >> 20);
        }
        deleteDb(workspace);
        Files.deleteIfExists(slice);
        Files.deleteIfExists(encoded);
    }

    static double rawRun(Path work, Path csv) throws Exception {
        Path rawDb = work.resolve("raw.duckdb");
        Files.deleteIfExists(rawDb);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + rawDb, properties()); Statement statement = duck.createStatement()) {
            long start = System.nanoTime();
            statement.execute("CREATE TABLE t AS SELECT * FROM read_csv('" + csv + "')");
            return seconds(start);
        } finally {
            Files.deleteIfExists(rawDb);
            Files.deleteIfExists(work.resolve("raw.duckdb.wal"));
        }
    }

    static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        return properties;
    }

    static Connection workspaceDb(Path workspace) throws Exception {
        Connection duck = DriverManager.getConnection("jdbc:duckdb:" + workspace.resolve("analytics.duckdb"), properties());
        try (Statement statement = duck.createStatement()) {
            statement.execute("SET allowed_directories = ['" + workspace.getParent() + "']");
            statement.execute("SET enable_external_access = false");
        }
        return duck;
    }

    static void deleteDb(Path workspace) throws Exception {
        Files.deleteIfExists(workspace.resolve("analytics.duckdb"));
        Files.deleteIfExists(workspace.resolve("analytics.duckdb.wal"));
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    static long peakHeap() {
        long total = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                total += pool.getPeakUsage().getUsed();
            }
        }
        return total;
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
