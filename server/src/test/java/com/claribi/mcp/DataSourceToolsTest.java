package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.billing.Quota;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The data-source tools, resource and REST routes over real HTTP against a real server (issue 5):
 * upload and URL ingest to {@code ready} with a profile, outputs valid against their output
 * schemas, hostile input refused as {@code isError} with nothing half-written, Trial quotas, tenant
 * isolation, progress notifications, and delete freeing the quota.
 */
class DataSourceToolsTest {
    private static final String CSV = """
            order_id,region,revenue,ordered_on
            1,EMEA,120.50,2024-07-01
            2,AMER,99.00,2024-07-02
            3,APAC,15.25,2024-07-03
            4,EMEA,300.00,2024-08-01
            """;

    @TempDir
    Path home;

    private Application application;
    private HttpServer files;
    private final AtomicInteger fileRequests = new AtomicInteger();
    private String workspaceId;
    private String key;
    private String restKey;
    private String otherKey;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/orders.csv", exchange -> {
            fileRequests.incrementAndGet();
            byte[] body = CSV.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        files.start();
        Config defaults = Config.defaults().withHome(home).withPort(0);
        Config config = defaults.withUrlFetch(
                List.of("127.0.0.1:" + files.getAddress().getPort()), Config.DEFAULT_URL_FETCH_MAX_BYTES);
        application = Application.start(config);
        Instant trialEnd = Instant.now().plus(Duration.ofDays(14));
        User ada = application.accounts().createUser("ada@example.com", Optional.empty());
        Workspace engines = application.accounts().createWorkspace("Engines", "trial", Optional.of(trialEnd), ada.id());
        workspaceId = engines.id();
        key = application
                .accounts()
                .mintKey(workspaceId, ada.id(), KeyKind.MCP, "tests", EnumSet.allOf(Scope.class))
                .secret();
        restKey = application
                .accounts()
                .mintKey(workspaceId, ada.id(), KeyKind.REST, "tests", EnumSet.allOf(Scope.class))
                .secret();
        User bob = application.accounts().createUser("bob@example.com", Optional.empty());
        Workspace other = application.accounts().createWorkspace("Other", "trial", Optional.of(trialEnd), bob.id());
        otherKey = application
                .accounts()
                .mintKey(other.id(), bob.id(), KeyKind.MCP, "tests", EnumSet.allOf(Scope.class))
                .secret();
    }

    @AfterEach
    void stop() {
        application.close();
        files.stop(0);
        http.close();
    }

    private McpHttpClient client(String bearer) throws Exception {
        return new McpHttpClient(application.publicUrl(), Optional.of(bearer)).initialize();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String uploadArguments(String name, String format, String data, int waitSeconds) {
        return "{\"name\":\"" + name + "\",\"format\":\"" + format + "\",\"data_base64\":\"" + data
                + "\",\"wait_seconds\":" + waitSeconds + "}";
    }

    private JsonNode outputSchema(McpHttpClient client, String tool) throws Exception {
        for (JsonNode candidate : client.listTools().result().path("tools")) {
            if (candidate.path("name").asString().equals(tool)) {
                return candidate.path("outputSchema");
            }
        }
        throw new AssertionError("no tool " + tool);
    }

    private void assertValid(McpHttpClient client, String tool, JsonNode structured) throws Exception {
        var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(outputSchema(client, tool));
        assertThat(schema.validate(structured)).as(tool + " output").isEmpty();
    }

    private List<Path> rawFiles() throws Exception {
        Path raw = home.resolve("workspaces").resolve(workspaceId).resolve("raw");
        if (!Files.isDirectory(raw)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(raw)) {
            return listing.toList();
        }
    }

    @Test
    void anUploadedCsvBecomesReadyWithItsProfileAndPreviewMatchingTheOutputSchemas() throws Exception {
        McpHttpClient client = client(key);
        McpHttpClient.Reply uploaded =
                client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30));
        assertThat(uploaded.isToolError()).as(uploaded.rawBody()).isFalse();
        JsonNode source = uploaded.result().path("structuredContent");
        assertThat(source.path("status").asString()).isEqualTo("ready");
        assertThat(source.path("row_count").asLong()).isEqualTo(4);
        assertValid(client, "upload_data_source", source);
        assertThat(uploaded.text()).contains("ready").contains("revenue");

        String id = source.path("data_source_id").asString();
        McpHttpClient.Reply got =
                client.callTool("get_data_source", "{\"data_source_id\":\"" + id + "\",\"preview_rows\":2}");
        JsonNode detail = got.result().path("structuredContent");
        assertValid(client, "get_data_source", detail);
        Map<String, String> roles = new HashMap<>();
        for (JsonNode column : detail.path("tables").path(0).path("columns")) {
            roles.put(column.path("name").asString(), column.path("role").asString());
        }
        assertThat(roles)
                .containsEntry("revenue", "measure")
                .containsEntry("region", "dimension")
                .containsEntry("ordered_on", "time");
        assertThat(detail.path("preview").path("rows").size()).isEqualTo(2);
        assertThat(detail.path("preview").path("columns").toString()).contains("region");
        assertThat(detail.path("preview").path("rows").path(0).toString()).contains("EMEA");

        McpHttpClient.Reply listed = client.callTool("list_data_sources", "{\"limit\":1}");
        assertValid(client, "list_data_sources", listed.result().path("structuredContent"));
        assertThat(listed.result()
                        .path("structuredContent")
                        .path("data_sources")
                        .path(0)
                        .path("data_source_id")
                        .asString())
                .isEqualTo(id);
        assertThat(rawFiles()).hasSize(1);
        assertThat(application.plans().usage(workspaceId).of(Quota.UPLOADS).used())
                .isEqualTo(1);
        assertThat(application
                        .plans()
                        .usage(workspaceId)
                        .of(Quota.STORAGE_BYTES)
                        .used())
                .isEqualTo(CSV.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void withoutWaitingTheCallReturnsProcessingAndTheSourceBecomesReadyLater() throws Exception {
        McpHttpClient client = client(key);
        McpHttpClient.Reply uploaded =
                client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 0));
        JsonNode source = uploaded.result().path("structuredContent");
        assertThat(source.path("status").asString()).isIn("processing", "ready");
        String id = source.path("data_source_id").asString();
        McpHttpClient.Reply got = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            got = client.callTool("get_data_source", "{\"data_source_id\":\"" + id + "\"}");
            if (!got.result()
                    .path("structuredContent")
                    .path("status")
                    .asString()
                    .equals("processing")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(got.result().path("structuredContent").path("status").asString())
                .isEqualTo("ready");
    }

    @Test
    void hostileUploadsAreToolErrorsThatLeaveNothingBehind() throws Exception {
        McpHttpClient client = client(key);
        McpHttpClient.Reply badBase64 =
                client.callTool("upload_data_source", uploadArguments("Bad", "csv", "not*base64!", 5));
        assertThat(badBase64.isToolError()).isTrue();
        assertThat(badBase64.text()).contains("not valid base64");

        McpHttpClient.Reply badFormat =
                client.callTool("upload_data_source", uploadArguments("Bad", "parquet", base64(CSV), 0));
        assertThat(badFormat.status()).isEqualTo(200);
        assertThat(badFormat.isToolError()).isTrue();
        assertThat(badFormat.text()).contains("format must be one of csv, tsv, json, excel, text, pdf");

        McpHttpClient.Reply empty = client.callTool("upload_data_source", uploadArguments("Empty", "csv", "", 0));
        assertThat(empty.isToolError()).isTrue();
        assertThat(empty.text()).contains("empty");

        String oversized = "A".repeat(25 * 1024 * 1024 + 4);
        McpHttpClient.Reply tooLarge =
                client.callTool("upload_data_source", uploadArguments("Huge", "csv", oversized, 0));
        assertThat(tooLarge.isToolError())
                .as(tooLarge.rawBody()
                        .substring(0, Math.min(300, tooLarge.rawBody().length())))
                .isTrue();
        assertThat(tooLarge.text()).contains("25.0 MB").contains("ingest_url_data_source");

        McpHttpClient.Reply ssrf = client.callTool(
                "ingest_url_data_source",
                "{\"name\":\"Metadata\",\"url\":\"http://169.254.169.254/latest/meta-data/\"}");
        assertThat(ssrf.isToolError()).isTrue();
        assertThat(ssrf.text()).contains("refused");
        McpHttpClient.Reply userinfo = client.callTool(
                "ingest_url_data_source", "{\"name\":\"Userinfo\",\"url\":\"http://user:pw@example.com/a.csv\"}");
        assertThat(userinfo.isToolError()).isTrue();

        McpHttpClient.Reply unknown =
                client.callTool("get_data_source", "{\"data_source_id\":\"ds_00000000000000000000000000\"}");
        assertThat(unknown.isToolError()).isTrue();
        assertThat(unknown.text()).contains("No data source");
        McpHttpClient.Reply garbage = client.callTool("get_data_source", "{\"data_source_id\":\"../../etc/passwd\"}");
        assertThat(garbage.isToolError()).isTrue();
        McpHttpClient.Reply badCursor = client.callTool("list_data_sources", "{\"cursor\":\"zzz\"}");
        assertThat(badCursor.isToolError()).isTrue();

        assertThat(rawFiles()).isEmpty();
        McpHttpClient.Reply listed = client.callTool("list_data_sources", "{}");
        assertThat(listed.result()
                        .path("structuredContent")
                        .path("data_sources")
                        .size())
                .isZero();
        assertThat(application.plans().usage(workspaceId).of(Quota.UPLOADS).used())
                .isZero();
        assertThat(application.plans().usage(workspaceId).of(Quota.DATA_SOURCES).used())
                .isZero();
        assertThat(application
                        .plans()
                        .usage(workspaceId)
                        .of(Quota.STORAGE_BYTES)
                        .used())
                .isZero();
    }

    @Test
    void aMalformedFileEndsFailedWithAReasonAPersonUnderstandsAndGivesBackItsDataSourceQuota() throws Exception {
        McpHttpClient client = client(key);
        String ragged = "a,b,c\n" + "1,x,y\n".repeat(50) + "1,2,3,4,5\n7,8,9\n";
        McpHttpClient.Reply uploaded =
                client.callTool("upload_data_source", uploadArguments("Ragged", "csv", base64(ragged), 30));
        JsonNode source = uploaded.result().path("structuredContent");
        assertThat(source.path("status").asString()).isEqualTo("failed");
        assertThat(source.path("failure_reason").asString()).containsPattern("line \\d+ has \\d+ fields");
        assertThat(uploaded.text()).contains("failed");
        assertValid(client, "upload_data_source", source);
        assertThat(application.plans().usage(workspaceId).of(Quota.DATA_SOURCES).used())
                .isZero();
        McpHttpClient.Reply json =
                client.callTool("upload_data_source", uploadArguments("Json", "json", base64("{\"a\": [1, 2"), 30));
        assertThat(json.result()
                        .path("structuredContent")
                        .path("failure_reason")
                        .asString())
                .contains("not valid JSON");
    }

    @Test
    void theFourthDataSourceOnTrialIsRefusedNamingTheQuotaTheLimitAndTheUse() throws Exception {
        McpHttpClient client = client(key);
        for (int index = 1; index <= 3; index++) {
            McpHttpClient.Reply uploaded =
                    client.callTool("upload_data_source", uploadArguments("Orders " + index, "csv", base64(CSV), 0));
            assertThat(uploaded.isToolError()).as(uploaded.rawBody()).isFalse();
        }
        McpHttpClient.Reply fourth =
                client.callTool("upload_data_source", uploadArguments("Orders 4", "csv", base64(CSV), 0));
        assertThat(fourth.isToolError()).isTrue();
        assertThat(fourth.text()).contains("data_sources").contains("allows 3").contains("3 used");
        assertThat(rawFiles()).hasSize(3);
        McpHttpClient.Reply byUrl = client.callTool(
                "ingest_url_data_source",
                "{\"name\":\"by url\",\"url\":\"http://127.0.0.1:"
                        + files.getAddress().getPort() + "/orders.csv\"}");
        assertThat(byUrl.isToolError()).isTrue();
        assertThat(byUrl.text()).contains("data_sources");
        assertThat(fileRequests.get()).as("quota is checked before the fetch").isZero();
    }

    @Test
    void anotherWorkspacesDataSourceIsNotFoundThroughToolsResourcesAndRest() throws Exception {
        McpHttpClient client = client(key);
        String id = client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30))
                .result()
                .path("structuredContent")
                .path("data_source_id")
                .asString();
        McpHttpClient intruder = client(otherKey);
        McpHttpClient.Reply got = intruder.callTool("get_data_source", "{\"data_source_id\":\"" + id + "\"}");
        assertThat(got.isToolError()).isTrue();
        assertThat(got.rawBody()).doesNotContain("EMEA").doesNotContain("revenue");
        assertThat(intruder.callTool("list_data_sources", "{}")
                        .result()
                        .path("structuredContent")
                        .path("data_sources")
                        .size())
                .isZero();

        Session session = new Session(otherKey);
        String read = session.post("resources/read", "{\"uri\":\"claribi://data-sources/" + id + "\"}");
        assertThat(read).doesNotContain("EMEA").contains("error");
        String listedResources = session.post("resources/list", "{}");
        assertThat(listedResources).doesNotContain(id);

        HttpResponse<String> rest = rest("GET", "/api/v1/data-sources/" + id, restKeyOfOther());
        assertThat(rest.statusCode()).isEqualTo(404);
        assertThat(rest.body()).contains("\"not_found\"").doesNotContain("EMEA");
        HttpResponse<String> delete = rest("DELETE", "/api/v1/data-sources/" + id, restKeyOfOther());
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(client.callTool("get_data_source", "{\"data_source_id\":\"" + id + "\"}")
                        .isToolError())
                .isFalse();
    }

    private String restKeyOfOther() {
        var bob = application.accounts().userByEmail("bob@example.com").orElseThrow();
        var workspace = application.accounts().workspacesOf(bob.id()).get(0);
        return application
                .accounts()
                .mintKey(workspace.id(), bob.id(), KeyKind.REST, "rest", EnumSet.allOf(Scope.class))
                .secret();
    }

    @Test
    void theResourceTemplateReadsTheProfileAndResourcesListNamesTheCallersSources() throws Exception {
        McpHttpClient client = client(key);
        String id = client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30))
                .result()
                .path("structuredContent")
                .path("data_source_id")
                .asString();
        Session session = new Session(key);
        String listed = session.post("resources/list", "{}");
        assertThat(listed).contains("claribi://data-sources/" + id);
        String templates = session.post("resources/templates/list", "{}");
        assertThat(templates).contains("claribi://data-sources/{id}");
        JsonNode read = Json.mapper()
                .readTree(
                        lastMessage(session.post("resources/read", "{\"uri\":\"claribi://data-sources/" + id + "\"}")));
        JsonNode body = Json.mapper()
                .readTree(read.path("result")
                        .path("contents")
                        .path(0)
                        .path("text")
                        .asString());
        assertThat(body.path("status").asString()).isEqualTo("ready");
        assertThat(body.path("tables").path(0).path("columns").size()).isEqualTo(4);
        assertThat(body.path("preview").path("rows").size()).isEqualTo(4);
    }

    @Test
    void waitingWithAProgressTokenSendsProgressNotifications() throws Exception {
        Session session = new Session(key);
        String body = session.post(
                "tools/call",
                "{\"name\":\"upload_data_source\",\"_meta\":{\"progressToken\":\"upload-1\"},\"arguments\":"
                        + uploadArguments("Orders", "csv", base64(CSV), 30) + "}");
        assertThat(body).contains("notifications/progress").contains("upload-1");
        assertThat(body).contains("\"status\":\"ready\"");
    }

    @Test
    void aUrlIngestFromAnAllowlistedHostBecomesReady() throws Exception {
        McpHttpClient client = client(key);
        McpHttpClient.Reply ingested = client.callTool(
                "ingest_url_data_source",
                "{\"name\":\"Orders\",\"url\":\"http://127.0.0.1:"
                        + files.getAddress().getPort() + "/orders.csv\",\"wait_seconds\":30}");
        assertThat(ingested.isToolError()).as(ingested.rawBody()).isFalse();
        JsonNode source = ingested.result().path("structuredContent");
        assertValid(client, "ingest_url_data_source", source);
        assertThat(source.path("status").asString()).isEqualTo("ready");
        assertThat(source.path("origin").asString()).isEqualTo("url");
        assertThat(source.path("format").asString()).isEqualTo("csv");
        assertThat(source.path("row_count").asLong()).isEqualTo(4);
    }

    @Test
    void restListsGetsAndDeletesAndDeletingFreesTheQuotaTheTablesAndTheRawFile() throws Exception {
        McpHttpClient client = client(key);
        String id = client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30))
                .result()
                .path("structuredContent")
                .path("data_source_id")
                .asString();
        HttpResponse<String> listed = rest("GET", "/api/v1/data-sources?limit=5", restKey);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(id);
        HttpResponse<String> got = rest("GET", "/api/v1/data-sources/" + id + "?preview_rows=1", restKey);
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode detail = Json.mapper().readTree(got.body());
        assertThat(detail.path("status").asString()).isEqualTo("ready");
        assertThat(detail.path("preview").path("rows").size()).isEqualTo(1);
        assertThat(rest("GET", "/api/v1/data-sources?limit=abc", restKey).body())
                .contains("invalid_argument");
        assertThat(rest("GET", "/api/v1/data-sources?status=nope", restKey).body())
                .contains("invalid_argument");
        assertThat(rest("POST", "/api/v1/data-sources/" + id, restKey).statusCode())
                .isEqualTo(405);
        assertThat(rest("GET", "/api/v1/data-sources/" + id, key).statusCode()).isEqualTo(401);

        assertThat(rawFiles()).hasSize(1);
        HttpResponse<String> deleted = rest("DELETE", "/api/v1/data-sources/" + id, restKey);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(rawFiles()).isEmpty();
        assertThat(rest("GET", "/api/v1/data-sources/" + id, restKey).statusCode())
                .isEqualTo(404);
        assertThat(application.plans().usage(workspaceId).of(Quota.DATA_SOURCES).used())
                .isZero();
        assertThat(application
                        .plans()
                        .usage(workspaceId)
                        .of(Quota.STORAGE_BYTES)
                        .used())
                .isZero();
        McpHttpClient.Reply again =
                client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30));
        assertThat(again.result().path("structuredContent").path("status").asString())
                .as("the table name of the deleted source is free again")
                .isEqualTo("ready");
    }

    @Test
    void aSubscribedSessionIsToldWhenItsDataSourceChanges() throws Exception {
        McpHttpClient client = client(key);
        String id = client.callTool("upload_data_source", uploadArguments("Orders", "csv", base64(CSV), 30))
                .result()
                .path("structuredContent")
                .path("data_source_id")
                .asString();
        Session session = new Session(key);
        String uri = "claribi://data-sources/" + id;
        assertThat(session.post("resources/subscribe", "{\"uri\":\"" + uri + "\"}"))
                .doesNotContain("\"error\"");
        HttpResponse<java.util.stream.Stream<String>> stream = session.openGetStream();
        java.util.concurrent.CompletableFuture<String> notified =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> stream.body()
                        .filter(line -> line.contains("notifications/resources/updated"))
                        .findFirst()
                        .orElse(""));
        Thread.sleep(200);
        assertThat(rest("DELETE", "/api/v1/data-sources/" + id, restKey).statusCode())
                .isEqualTo(204);
        assertThat(notified.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains(uri);
    }

    private HttpResponse<String> rest(String method, String path, String bearer) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(application.publicUrl() + path))
                .header("Authorization", "Bearer " + bearer)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String lastMessage(String body) {
        List<String> messages = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:") && line.length() > 5) {
                messages.add(line.substring(5).trim());
            }
        }
        return messages.isEmpty() ? body : messages.get(messages.size() - 1);
    }

    /** A raw Streamable HTTP session for requests McpHttpClient does not model (_meta, resources). */
    private final class Session {
        private final String bearer;
        private String sessionId;
        private int ids;

        Session(String bearer) throws Exception {
            this.bearer = bearer;
            post("initialize", """
                    {"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}""");
            send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        }

        int lastId() {
            return ids;
        }

        void notify(String method, String params) throws Exception {
            send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + "}");
        }

        java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String method, String params) {
            String body = "{\"jsonrpc\":\"2.0\",\"id\":" + (++ids) + ",\"method\":\"" + method + "\",\"params\":"
                    + params + "}";
            return http.sendAsync(request(body).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<java.util.stream.Stream<String>> openGetStream() throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(application.publicUrl() + "/mcp/v1/"))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + bearer)
                    .header("Mcp-Session-Id", sessionId)
                    .header("MCP-Protocol-Version", "2025-06-18")
                    .GET()
                    .build();
            HttpResponse<java.util.stream.Stream<String>> response =
                    http.send(request, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            return response;
        }

        private HttpRequest.Builder request(String body) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(application.publicUrl() + "/mcp/v1/"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + bearer)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (sessionId != null) {
                request.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-06-18");
            }
            return request;
        }

        String post(String method, String params) throws Exception {
            return send("{\"jsonrpc\":\"2.0\",\"id\":" + (++ids) + ",\"method\":\"" + method + "\",\"params\":" + params
                    + "}");
        }

        private String send(String body) throws Exception {
            HttpResponse<String> response = http.send(request(body).build(), HttpResponse.BodyHandlers.ofString());
            response.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
            return response.body();
        }
    }
}
