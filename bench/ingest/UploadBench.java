// Issue 5: a 25 MB (base64) upload_data_source end to end through the real server over HTTP, with
// the server's peak heap. Usage: bench/ingest/upload.sh [work folder]
import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;

public class UploadBench {
    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "/tmp"), "claribi-upload-bench");
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
        String body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"upload_data_source\","
                + "\"arguments\":{\"name\":\"bench\",\"format\":\"csv\",\"data_base64\":\"" + base64
                + "\",\"wait_seconds\":60}}}";
        System.out.printf("payload: %,d rows, %,d bytes of CSV, %,d chars of base64%n", row, csv.length(), base64.length());
        csv = null;
        try (Application application = Application.start(Config.defaults().withHome(home).withPort(0))) {
            var user = application.accounts().createUser("bench@example.com", Optional.empty());
            var workspace = application.accounts().createWorkspace("Bench", "enterprise", Optional.empty(), user.id());
            String key = application.accounts()
                    .mintKey(workspace.id(), user.id(), KeyKind.MCP, "bench", EnumSet.allOf(Scope.class)).secret();
            HttpClient http = HttpClient.newHttpClient();
            URI endpoint = URI.create(application.publicUrl() + "/mcp/v1/");
            HttpResponse<String> init = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"b\",\"version\":\"1\"}}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            System.gc();
            long before = usedHeap();
            resetPeaks();
            Instant start = Instant.now();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + key).header("Mcp-Session-Id", session)
                    .header("MCP-Protocol-Version", "2025-06-18")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.between(start, Instant.now());
            String text = response.body();
            int status = text.indexOf("\"status\":\"");
            System.out.printf("upload_data_source end to end (HTTP, store, load, profile, answer): %.2f s, status %s%n",
                    took.toMillis() / 1000.0, status < 0 ? text.substring(0, Math.min(300, text.length()))
                            : text.substring(status + 10, text.indexOf('"', status + 10)));
            System.out.printf("heap: %d MB before, peak %d MB (client and server share this JVM; the request body"
                    + " String is held by both)%n", before >> 20, peakHeap() >> 20);
        }
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
