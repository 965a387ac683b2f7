package com.claribi.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.MintedKey;
import com.claribi.accounts.SignupCompleted;
import com.claribi.accounts.SignupStarted;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.TestConfigs;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The REST API over real HTTP: authentication, routes, and hostile input. */
class RestApiTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    @TempDir
    Path home;

    private Application application;
    private final HttpClient client = HttpClient.newHttpClient();
    private final JsonMapper json = Json.mapper();
    private SignupCompleted ada;
    private String restKey;

    @BeforeEach
    void start() throws Exception {
        application = Application.start(
                TestConfigs.withSmtp(Config.defaults().withHome(home).withPort(0), smtp()));
        ada = signUp(application, "ada@example.com", "Analytical Engines");
        restKey = application
                .accounts()
                .mintKey(ada.workspace().id(), ada.user().id(), KeyKind.REST, "ci", EnumSet.allOf(Scope.class))
                .secret();
    }

    @AfterEach
    void stop() {
        application.close();
    }

    static Config.Smtp smtp() {
        return new Config.Smtp(
                Optional.of("127.0.0.1"),
                mail.getSmtp().getPort(),
                Optional.of("mailer"),
                Optional.of("mailer-pw"),
                "clariBI <no-reply@claribi.test>",
                false);
    }

    /** Signs up through the real signup service, reading the code from the GreenMail mailbox. */
    static SignupCompleted signUp(Application application, String email, String organization) throws Exception {
        int before = mail.getReceivedMessages().length;
        SignupStarted started = application.signup().register(email, organization, true, "127.0.0.1");
        assertThat(mail.waitForIncomingEmail(10_000, before + 1)).isTrue();
        MimeMessage message = mail.getReceivedMessages()[before];
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(message.getSubject());
        assertThat(code.find()).isTrue();
        return application.signup().verify(started.pendingId(), code.group(1), "a long enough passphrase");
    }

    private HttpResponse<String> call(String method, String path, String bearer, String contentType, String body)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(application.publicUrl() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String bearer) throws Exception {
        return call("GET", path, bearer, null, null);
    }

    private HttpResponse<String> post(String path, String bearer, String body) throws Exception {
        return call("POST", path, bearer, "application/json", body);
    }

    private JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    /** Every error has the one format, and says nothing about our internals. */
    private JsonNode assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = body(response).get("error");
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "com.claribi", "SELECT", "at java.");
        return error;
    }

    @Test
    void theAccountAndWorkspaceDescribeTheKeysOwner() throws Exception {
        JsonNode account = body(get("/api/v1/account", restKey));
        assertThat(account.at("/user/email").asString()).isEqualTo("ada@example.com");
        assertThat(account.at("/workspaces/0/id").asString())
                .isEqualTo(ada.workspace().id());
        assertThat(account.at("/workspaces/0/role").asString()).isEqualTo("owner");
        assertThat(account.at("/credential/kind").asString()).isEqualTo("rest_api_key");

        JsonNode workspace = body(get("/api/v1/workspace", restKey));
        assertThat(workspace.get("name").asString()).isEqualTo("Analytical Engines");
        assertThat(workspace.get("tier").asString()).isEqualTo("trial");
        assertThat(workspace.get("trial_ends_at").asString()).isNotBlank();
        assertThat(workspace.at("/members/0/role").asString()).isEqualTo("owner");
    }

    @Test
    void usageAndBillingStatusShowTheTrial() throws Exception {
        JsonNode usage = body(get("/api/v1/usage", restKey));
        assertThat(usage.get("tier").asString()).isEqualTo("trial");
        assertThat(usage.at("/quotas/ai_credits/limit").asLong()).isEqualTo(50);
        assertThat(usage.at("/quotas/ai_credits/used").asLong()).isZero();
        assertThat(usage.at("/quotas/data_sources/limit").asLong()).isEqualTo(3);
        assertThat(usage.at("/quotas/uploads/limit").asLong()).isEqualTo(5);
        assertThat(usage.at("/quotas/storage_bytes/limit").asLong()).isEqualTo(1073741824L);

        JsonNode billing = body(get("/api/v1/billing/status", restKey));
        assertThat(billing.get("status").asString()).isEqualTo("trialing");
        assertThat(billing.get("mcp_server_access").asBoolean()).isTrue();
    }

    @Test
    void anMcpKeyOrAccessTokenIsRefusedWithTheWayToTheRightEndpoint() throws Exception {
        JsonNode error = assertError(get("/api/v1/account", ada.mcpKey().secret()), 401, "unauthenticated");
        assertThat(error.get("message").asString())
                .contains("MCP API key")
                .contains(application.publicUrl() + "/mcp/v1/")
                .contains("REST API key (claribi_api_")
                .contains("Settings > Developer");

        JsonNode token = assertError(get("/api/v1/account", ada.accessToken().secret()), 401, "unauthenticated");
        assertThat(token.get("message").asString()).contains("/mcp/v1/").contains("REST API key");
    }

    @Test
    void missingMalformedAndUnknownCredentialsGet401WithAChallenge() throws Exception {
        for (String bearer :
                new String[] {null, "", "claribi_api_short", "nonsense", "claribi_api_" + "A".repeat(46)}) {
            HttpResponse<String> response = get("/api/v1/account", bearer);
            assertError(response, 401, "unauthenticated");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        }
        HttpResponse<String> basic = client.send(
                HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1/account"))
                        .header("Authorization", "Basic YWRhOnB3")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(basic, 401, "unauthenticated");
    }

    @Test
    void keysOfBothKindsAreMintedOnceListedWithoutSecretsAndRevoked() throws Exception {
        HttpResponse<String> minted = post("/api/v1/api-keys", restKey, """
                {"kind": "rest", "name": "reporting job", "scopes": ["usage:read"]}""");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        String secret = body(minted).get("secret").asString();
        String id = body(minted).at("/api_key/id").asString();
        assertThat(secret).startsWith("claribi_api_");
        assertThat(body(minted).at("/api_key/scopes/0").asString()).isEqualTo("usage:read");

        HttpResponse<String> mcp = post("/api/v1/api-keys", restKey, """
                {"kind": "mcp", "name": "Claude Desktop"}""");
        assertThat(mcp.statusCode()).isEqualTo(201);
        assertThat(body(mcp).get("secret").asString()).startsWith("claribi_mcp_");

        HttpResponse<String> list = get("/api/v1/api-keys", restKey);
        assertThat(list.body())
                .doesNotContain(secret)
                .doesNotContain(body(mcp).get("secret").asString());
        assertThat(body(list).get("api_keys").size()).isEqualTo(4);

        assertThat(get("/api/v1/usage", secret).statusCode()).isEqualTo(200);
        assertError(get("/api/v1/billing/status", secret), 403, "insufficient_scope");
        assertThat(get("/api/v1/billing/status", secret).headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(value -> assertThat(value)
                        .contains("error=\"insufficient_scope\"")
                        .contains("scope=\"billing:read\""));
        assertError(post("/api/v1/api-keys", secret, "{\"kind\":\"rest\",\"name\":\"x\"}"), 403, "insufficient_scope");

        assertThat(call("DELETE", "/api/v1/api-keys/" + id, restKey, null, null).statusCode())
                .isEqualTo(204);
        assertError(get("/api/v1/usage", secret), 401, "unauthenticated");
        JsonNode revoked = body(get("/api/v1/api-keys", restKey)).get("api_keys");
        boolean found = false;
        for (JsonNode key : revoked) {
            if (key.get("id").asString().equals(id)) {
                found = true;
                assertThat(key.get("revoked_at").isNull()).isFalse();
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void aKeyCannotGrantMoreThanItHasNorTouchAnotherWorkspace() throws Exception {
        MintedKey narrow = application
                .accounts()
                .mintKey(
                        ada.workspace().id(),
                        ada.user().id(),
                        KeyKind.REST,
                        "narrow",
                        EnumSet.of(Scope.ACCOUNT_WRITE, Scope.USAGE_READ));
        assertError(
                post(
                        "/api/v1/api-keys",
                        narrow.secret(),
                        "{\"kind\":\"rest\",\"name\":\"x\",\"scopes\":[\"billing:write\"]}"),
                403,
                "forbidden");

        SignupCompleted grace = signUp(application, "grace@example.com", "Navy");
        String graceKeyId =
                application.accounts().keys(grace.workspace().id()).getFirst().id();
        assertError(call("DELETE", "/api/v1/api-keys/" + graceKeyId, restKey, null, null), 404, "not_found");
        assertThat(application.accounts().resolve(grace.mcpKey().secret())).isPresent();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json|invalid_argument",
                "[1,2]|invalid_argument",
                "\"text\"|invalid_argument",
                "{}|invalid_argument",
                "{\"kind\":\"soap\",\"name\":\"x\"}|invalid_argument",
                "{\"kind\":7,\"name\":\"x\"}|invalid_argument",
                "{\"kind\":\"rest\"}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"\"}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"a\\u0000b\"}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"x\",\"admin\":true}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"x\",\"scopes\":[]}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"x\",\"scopes\":[\"root\"]}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"x\",\"scopes\":\"usage:read\"}|invalid_argument",
                "{\"kind\":\"rest\",\"name\":\"x\",\"scopes\":[{\"$ne\":1}]}|invalid_argument",
            })
    void malformedMintRequestsAreRefusedWithAReason(String body, String code) throws Exception {
        assertError(post("/api/v1/api-keys", restKey, body), 400, code);
    }

    @Test
    void hostileBodiesAndPathsGetTheOneErrorFormat() throws Exception {
        assertError(post("/api/v1/api-keys", restKey, "[".repeat(5000)), 400, "invalid_argument");
        for (int length : new int[] {70_000, 900_000}) {
            // the client is still writing when the refusal is decided: it must read the 413, not a reset
            HttpResponse<String> oversized =
                    post("/api/v1/api-keys", restKey, "{\"kind\":\"rest\",\"name\":\"" + "x".repeat(length) + "\"}");
            assertError(oversized, 413, "too_large");
            // read whole, so the connection is kept rather than closed under a client still writing
            assertThat(oversized.headers().firstValue("Connection")).isEmpty();
        }
        assertError(
                post("/api/v1/api-keys", restKey, "{\"kind\":\"rest\",\"name\":\"" + "x".repeat(300) + "\"}"),
                400,
                "invalid_argument");
        assertError(call("POST", "/api/v1/api-keys", restKey, "text/plain", "{}"), 415, "unsupported_media_type");
        HttpResponse<String> invalidUtf8 = client.send(
                HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1/api-keys"))
                        .header("Authorization", "Bearer " + restKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(invalidUtf8, 400, "invalid_argument");
        assertError(get("/api/v1/nope", restKey), 404, "not_found");
        // Jetty refuses an encoded traversal before any route sees it (its own 400 page, no internals).
        HttpResponse<String> traversal = get("/api/v1/api-keys/%2e%2e%2faccount", restKey);
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(traversal.body()).doesNotContain("Exception", "com.claribi", "at java.");
        assertError(call("DELETE", "/api/v1/api-keys/key_doesnotexist", restKey, null, null), 404, "not_found");
        HttpResponse<String> wrongMethod = call("PUT", "/api/v1/usage", restKey, "application/json", "{}");
        assertError(wrongMethod, 405, "method_not_allowed");
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
    }
}
