package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.billing.Quota;
import com.claribi.platform.Config;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code CLARIBI_URL_FETCH_MAX_BYTES} read from the environment reaches {@code ingest_url_data_source}:
 * a file of exactly the cap is ingested, one byte more is refused (declared by Content-Length or only
 * counted while streaming) with a message naming the configured cap, and the tool's description
 * states the cap.
 */
class UrlFetchSizeCapTest {
    private static final int CAP = 3 * 1024;

    @TempDir
    Path home;

    private HttpServer files;
    private Application application;
    private String workspaceId;
    private String key;

    @BeforeEach
    void start() throws Exception {
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serve("/exact.csv", csvOfSize(CAP), true);
        serve("/declared-over.csv", csvOfSize(CAP + 1), true);
        serve("/streamed-over.csv", csvOfSize(CAP + 1), false);
        files.start();
        application = Application.start(Config.fromEnvironment(Map.of(
                "CLARIBI_HOME",
                home.toString(),
                "CLARIBI_PORT",
                "0",
                "CLARIBI_URL_FETCH_ALLOWLIST",
                "127.0.0.1:" + files.getAddress().getPort(),
                "CLARIBI_URL_FETCH_MAX_BYTES",
                "3KB")));
        User ada = application.accounts().createUser("ada@example.com", Optional.empty());
        Workspace workspace = application
                .accounts()
                .createWorkspace("Caps", "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), ada.id());
        workspaceId = workspace.id();
        key = application
                .accounts()
                .mintKey(workspaceId, ada.id(), KeyKind.MCP, "tests", EnumSet.allOf(Scope.class))
                .secret();
    }

    @AfterEach
    void stop() {
        application.close();
        files.stop(0);
    }

    private void serve(String path, byte[] body, boolean declareLength) {
        files.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, declareLength ? body.length : 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException hungUp) {
                // the fetcher stopped reading at its cap
            }
        });
    }

    /** A valid CSV of exactly {@code size} bytes. */
    private static byte[] csvOfSize(int size) {
        StringBuilder csv = new StringBuilder("id,note\n");
        int row = 0;
        while (csv.length() + 40 < size) {
            row++;
            csv.append(row).append(",note ").append(row).append('\n');
        }
        csv.append(row + 1).append(',');
        csv.append("x".repeat(size - csv.length() - 1)).append('\n');
        byte[] bytes = csv.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + files.getAddress().getPort() + path;
    }

    private long rawFiles() throws IOException {
        Path raw = home.resolve("workspaces").resolve(workspaceId).resolve("raw");
        if (!Files.isDirectory(raw)) {
            return 0;
        }
        try (Stream<Path> listing = Files.list(raw)) {
            return listing.count();
        }
    }

    @Test
    void aFileOfExactlyTheConfiguredCapIsIngested() throws Exception {
        McpHttpClient client = new McpHttpClient(application.publicUrl(), Optional.of(key)).initialize();

        McpHttpClient.Reply reply = client.callTool(
                "ingest_url_data_source",
                "{\"name\":\"Exact\",\"url\":\"" + url("/exact.csv") + "\",\"wait_seconds\":30}");

        assertThat(reply.isToolError()).as(reply.rawBody()).isFalse();
        JsonNode source = reply.result().path("structuredContent");
        assertThat(source.path("status").asString()).isEqualTo("ready");
        assertThat(source.path("row_count").asLong()).isGreaterThan(10);
    }

    @Test
    void oneByteOverTheConfiguredCapIsRefusedNamingThatCapAndLeavesNothing() throws Exception {
        McpHttpClient client = new McpHttpClient(application.publicUrl(), Optional.of(key)).initialize();

        for (String path : new String[] {"/declared-over.csv", "/streamed-over.csv"}) {
            McpHttpClient.Reply reply =
                    client.callTool("ingest_url_data_source", "{\"name\":\"Over\",\"url\":\"" + url(path) + "\"}");

            assertThat(reply.isToolError()).as(path + ": " + reply.rawBody()).isTrue();
            assertThat(reply.text()).as(path).contains("the file is larger than 3 KB, the limit for a URL data source");
        }
        assertThat(rawFiles()).isZero();
        assertThat(application.plans().usage(workspaceId).of(Quota.DATA_SOURCES).used())
                .isZero();
    }

    @Test
    void theToolDescriptionStatesTheConfiguredCap() throws Exception {
        McpHttpClient client = new McpHttpClient(application.publicUrl(), Optional.of(key)).initialize();

        String description = "";
        for (JsonNode tool : client.listTools().result().path("tools")) {
            if (tool.path("name").asString().equals("ingest_url_data_source")) {
                description = tool.path("description").asString();
            }
        }

        assertThat(description).contains("at most 3 KB;").doesNotContain("100 MB");
    }
}
