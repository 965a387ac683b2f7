package com.claribi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.analysis.Analyses;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.SalesCsv;
import com.claribi.testsupport.SeededWorkspaces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** REST {@code /api/v1/dashboards} over real HTTP: every route, scopes, hostile input, isolation. */
class DashboardRoutesTest {
    @TempDir
    static Path home;

    private static Application application;
    private static SeededWorkspaces.Seeded acme;
    private static String acmeKey;
    private static String globexKey;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        acme = SeededWorkspaces.trialWorkspace(application, "Acme", EnumSet.allOf(Scope.class));
        acmeKey = SeededWorkspaces.key(application, acme, KeyKind.REST, EnumSet.allOf(Scope.class));
        SeededWorkspaces.Seeded globex =
                SeededWorkspaces.trialWorkspace(application, "Globex", EnumSet.allOf(Scope.class));
        globexKey = SeededWorkspaces.key(application, globex, KeyKind.REST, EnumSet.allOf(Scope.class));
        SeededWorkspaces.csvDataSource(application, acme.workspaceId(), "Sales", SalesCsv.csv(SalesCsv.orders(3, 200)));
    }

    @AfterAll
    static void stop() {
        if (application != null) {
            application.close();
        }
    }

    private record Reply(int status, JsonNode body) {}

    private static Reply call(String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1" + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(
                response.statusCode(),
                response.body().isEmpty()
                        ? Json.mapper().createObjectNode()
                        : Json.mapper().readTree(response.body()));
    }

    @Test
    void createRenameGetRemoveWidgetAndDelete() throws Exception {
        Reply created = call(acmeKey, "POST", "/dashboards", "{\"name\":\"Revenue\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asString();
        assertThat(id).startsWith("db_");
        assertThat(call(acmeKey, "POST", "/dashboards", "{\"name\":\"Revenue\"}")
                        .status())
                .as("names are unique per workspace")
                .isEqualTo(409);

        Analyses.View answer = application
                .analyses()
                .run(acme.workspaceId(), "revenue by region", List.of(), Duration.ofSeconds(30), Analyses.Watcher.NONE);
        String widget = application
                .dashboards()
                .pin(acme.workspaceId(), id, answer.id())
                .widgetId();

        Reply renamed = call(acmeKey, "PATCH", "/dashboards/" + id, "{\"name\":\"Revenue 2025\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.body().path("name").asString()).isEqualTo("Revenue 2025");

        Reply detail = call(acmeKey, "GET", "/dashboards/" + id, null);
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.body()
                        .path("widgets")
                        .get(0)
                        .path("result")
                        .path("status")
                        .asString())
                .isEqualTo("completed");
        assertThat(detail.body()
                        .path("widgets")
                        .get(0)
                        .path("result")
                        .path("answer")
                        .path("table")
                        .path("rows")
                        .size())
                .isEqualTo(SalesCsv.REGIONS.size());

        Reply list = call(acmeKey, "GET", "/dashboards?limit=10", null);
        assertThat(list.body().path("dashboards").toString()).contains(id);

        assertThat(call(globexKey, "GET", "/dashboards/" + id, null).status()).isEqualTo(404);
        assertThat(call(globexKey, "DELETE", "/dashboards/" + id + "/widgets/" + widget, null)
                        .status())
                .isEqualTo(404);
        assertThat(call(globexKey, "DELETE", "/dashboards/" + id, null).status())
                .isEqualTo(404);
        assertThat(call(globexKey, "GET", "/dashboards", null)
                        .body()
                        .path("dashboards")
                        .size())
                .isZero();

        assertThat(call(acmeKey, "DELETE", "/dashboards/" + id + "/widgets/" + widget, null)
                        .status())
                .isEqualTo(204);
        assertThat(call(acmeKey, "GET", "/dashboards/" + id, null)
                        .body()
                        .path("widgets")
                        .size())
                .isZero();
        assertThat(call(acmeKey, "DELETE", "/dashboards/" + id, null).status()).isEqualTo(204);
        assertThat(call(acmeKey, "GET", "/dashboards/" + id, null).status()).isEqualTo(404);
    }

    @Test
    void scopesAndCredentialsAreEnforced() throws Exception {
        String readOnly = SeededWorkspaces.key(application, acme, KeyKind.REST, EnumSet.of(Scope.DASHBOARDS_READ));
        Reply refused = call(readOnly, "POST", "/dashboards", "{\"name\":\"Nope\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("error").path("code").asString()).isEqualTo("insufficient_scope");
        assertThat(call(readOnly, "GET", "/dashboards", null).status()).isEqualTo(200);
        assertThat(call(null, "GET", "/dashboards", null).status()).isEqualTo(401);
        assertThat(call(acme.mcpKey(), "GET", "/dashboards", null).status())
                .as("an MCP key is refused at REST")
                .isEqualTo(401);
        Reply wrongMethod = call(acmeKey, "PUT", "/dashboards", "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
    }

    @Test
    void hostileInputGetsTheOneErrorFormat() throws Exception {
        for (String body : List.of(
                "{}",
                "{\"name\":\"\"}",
                "{\"name\":42}",
                "{\"name\":\"x\",\"admin\":true}",
                "{\"name\":\"" + "x".repeat(201) + "\"}",
                "{\"name\":\"tab\\u0000null\"}",
                "[1,2]",
                "not json")) {
            Reply reply = call(acmeKey, "POST", "/dashboards", body);
            assertThat(reply.status()).as(body).isEqualTo(400);
            assertThat(reply.body().path("error").path("code").asString()).isEqualTo("invalid_argument");
        }
        assertThat(call(acmeKey, "GET", "/dashboards?limit=abc", null).status()).isEqualTo(400);
        assertThat(call(acmeKey, "GET", "/dashboards?limit=1000", null).status())
                .isEqualTo(400);
        assertThat(call(acmeKey, "GET", "/dashboards?cursor='%3B--", null).status())
                .isEqualTo(400);
        assertThat(call(acmeKey, "GET", "/dashboards/db_%27%3B--", null).status())
                .isEqualTo(404);
        assertThat(call(acmeKey, "GET", "/dashboards/db_00000000000000000000000000", null)
                        .status())
                .isEqualTo(404);
        Reply injection = call(acmeKey, "POST", "/dashboards", "{\"name\":\"'); DROP TABLE dashboards; --\"}");
        assertThat(injection.status()).isEqualTo(201);
        assertThat(injection.body().path("name").asString()).isEqualTo("'); DROP TABLE dashboards; --");
    }
}
