package com.claribi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.ChildServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 5 end to end: the official TypeScript SDK client uploads a CSV and sees it {@code ready}
 * with its profile ({@code e2e/data-sources.mjs}); and a server killed with SIGKILL while a job runs
 * finishes the job cleanly after a restart on the same data folder — the source ends {@code ready}
 * or {@code failed}, never half-visible, and the acknowledged raw file is still there.
 */
class DataSourcesEndToEndTest {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path home;

    private Application application;
    private Process child;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private record Keys(String workspaceId, String mcp, String rest) {}

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        if (application != null) {
            application.close();
        }
        http.close();
    }

    private static Keys trialWorkspace(Application application) {
        User user = application.accounts().createUser("ada@example.com", Optional.empty());
        Workspace workspace = application
                .accounts()
                .createWorkspace("Engines", "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), user.id());
        String mcp = application
                .accounts()
                .mintKey(workspace.id(), user.id(), KeyKind.MCP, "e2e", EnumSet.allOf(Scope.class))
                .secret();
        String rest = application
                .accounts()
                .mintKey(workspace.id(), user.id(), KeyKind.REST, "e2e", EnumSet.allOf(Scope.class))
                .secret();
        return new Keys(workspace.id(), mcp, rest);
    }

    @Test
    void theTypeScriptSdkUploadsACsvAndGetDataSourceShowsItReadyWithItsProfile() {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        Keys keys = trialWorkspace(application);

        JsonNode summary = NodeScripts.run(
                        SCRIPT_TIMEOUT,
                        Map.of("CLARIBI_KEY", keys.mcp()),
                        "data-sources.mjs",
                        application.publicUrl() + "/mcp/v1/")
                .successfulSummary();

        assertThat(summary.path("tools").toString())
                .contains("upload_data_source", "ingest_url_data_source", "list_data_sources", "get_data_source");
        JsonNode uploaded = summary.path("uploaded");
        assertThat(uploaded.path("isError").asBoolean()).as(uploaded.toString()).isFalse();
        assertThat(uploaded.path("structured").path("status").asString()).isEqualTo("ready");
        assertThat(summary.path("progress").size())
                .as("progress notifications reached the SDK's onprogress")
                .isPositive();

        JsonNode got = summary.path("got").path("structured");
        assertThat(got.path("status").asString()).isEqualTo("ready");
        assertThat(got.path("row_count").asLong()).isEqualTo(4);
        List<String> columns = new ArrayList<>();
        for (JsonNode column : got.path("tables").path(0).path("columns")) {
            columns.add(column.path("name").asString() + ":"
                    + column.path("type").asString() + ":" + column.path("role").asString());
        }
        assertThat(columns)
                .contains("revenue:DOUBLE:measure", "ordered_on:DATE:time")
                .anyMatch(column -> column.startsWith("region:VARCHAR:dimension"));
        assertThat(got.path("preview").path("rows").size()).isEqualTo(3);
        assertThat(got.path("preview").path("rows").path(0).toString()).contains("1234.5");
        assertThat(summary.path("listed").path("data_sources").size()).isEqualTo(1);
        assertThat(summary.path("resources").toString())
                .contains("claribi://data-sources/" + got.path("data_source_id").asString());
        assertThat(summary.path("read").path("tables").path(0).path("columns").size())
                .isEqualTo(4);
        assertThat(summary.path("missing").path("isError").asBoolean()).isTrue();
        assertThat(summary.path("missing").path("text").asString()).contains("No data source");
    }

    @Test
    void aServerKilledMidJobFinishesTheSourceCleanlyAfterARestartAndKeepsTheRawFile() throws Exception {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        Keys keys = trialWorkspace(application);
        application.close();
        application = null;

        int rows = 400_000;
        StringBuilder csv = new StringBuilder("order_id,region,amount,ordered_on,note\n");
        String[] regions = {"EMEA", "AMER", "APAC", "LATAM"};
        for (int row = 1; row <= rows; row++) {
            csv.append(row)
                    .append(',')
                    .append(regions[row % 4])
                    .append(',')
                    .append(row % 1000)
                    .append('.')
                    .append(row % 100)
                    .append(",2024-")
                    .append(String.format("%02d-%02d", 1 + row % 12, 1 + row % 28))
                    .append(",note ")
                    .append(row % 977)
                    .append('\n');
        }
        byte[] raw = csv.toString().getBytes(StandardCharsets.UTF_8);
        String base64 = Base64.getEncoder().encodeToString(raw);

        Path log = home.resolve("child.log");
        child = ChildServer.start(home, log, "512m", Map.of());
        URI endpoint = URI.create("http://127.0.0.1:" + ChildServer.awaitPort(child, log) + "/mcp/v1/");
        String session = initialize(endpoint, keys.mcp());
        String body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"upload_data_source\",\"arguments\":{\"name\":\"Big orders\",\"format\":\"csv\","
                + "\"data_base64\":\"" + base64 + "\",\"wait_seconds\":0}}}";
        HttpResponse<String> accepted = post(endpoint, keys.mcp(), Optional.of(session), body);
        child.destroyForcibly();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        JsonNode source = McpSessionsAcrossServersEndToEndTest.response(accepted, 2)
                .path("result")
                .path("structuredContent");
        assertThat(source.path("status").asString())
                .as("acknowledged while processing")
                .isEqualTo("processing");
        String id = source.path("data_source_id").asString();
        Path rawFile = home.resolve("workspaces")
                .resolve(keys.workspaceId())
                .resolve("raw")
                .resolve(id + ".csv");
        assertThat(rawFile).exists();
        assertThat(Files.size(rawFile)).as("the acknowledged raw file is whole").isEqualTo(raw.length);

        application = Application.start(Config.defaults().withHome(home).withPort(0));
        JsonNode finished = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> got = rest(keys.rest(), "/api/v1/data-sources/" + id + "?preview_rows=1");
            assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
            JsonNode detail = Json.mapper().readTree(got.body());
            String status = detail.path("status").asString();
            if (status.equals("processing")) {
                assertThat(detail.path("tables").size())
                        .as("nothing visible while processing")
                        .isZero();
                assertThat(detail.has("preview")).isFalse();
                Thread.sleep(200);
                continue;
            }
            finished = detail;
            break;
        }
        assertThat(finished)
                .as("the interrupted job finished after the restart")
                .isNotNull();
        assertThat(finished.path("status").asString()).isIn("ready", "failed");
        if (finished.path("status").asString().equals("ready")) {
            assertThat(finished.path("row_count").asLong()).isEqualTo(rows);
        } else {
            assertThat(finished.path("failure_reason").asString()).isNotBlank();
        }
        assertThat(rawFile).exists();
        application.close();
        application = null;

        try (Connection metadata = DriverManager.getConnection(
                        "jdbc:h2:file:" + home.resolve("metadata").resolve("claribi")
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                        "claribi",
                        "");
                Statement statement = metadata.createStatement();
                ResultSet row = statement.executeQuery("SELECT attempts FROM data_sources WHERE id = '" + id + "'")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getInt(1))
                    .as("the restarted server ran the job (once more if the killed one had started it)")
                    .isBetween(1, 2);
        }
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"
                        + home.resolve("workspaces").resolve(keys.workspaceId()).resolve("analytics.duckdb"));
                Statement statement = duckdb.createStatement();
                ResultSet tables = statement.executeQuery("SELECT table_name FROM information_schema.tables")) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString(1));
            }
            assertThat(names).noneMatch(name -> name.startsWith("__claribi_staging"));
            if (finished.path("status").asString().equals("ready")) {
                assertThat(names).containsExactly(id);
                try (ResultSet count = statement.executeQuery("SELECT count(*) FROM \"" + id + "\"")) {
                    assertThat(count.next()).isTrue();
                    assertThat(count.getLong(1)).isEqualTo(rows);
                }
            } else {
                assertThat(names).isEmpty();
            }
        }
    }

    private HttpResponse<String> rest(String key, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(application.publicUrl() + path))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String initialize(URI endpoint, String key) throws Exception {
        HttpResponse<String> initialized = post(endpoint, key, Optional.empty(), """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                "capabilities":{},"clientInfo":{"name":"claribi-e2e","version":"1.0.0"}}}""");
        assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
        String session = initialized.headers().firstValue("MCP-Session-Id").orElseThrow();
        post(endpoint, key, Optional.of(session), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return session;
    }

    private HttpResponse<String> post(URI endpoint, String key, Optional<String> session, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        session.ifPresent(id -> request.header("MCP-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25"));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
