package com.claribi.auth.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.platform.Json;
import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The authorization server against a real metadata store: one test per refusal of issue 4, and the
 * whole code → token → refresh flow on both stores.
 */
class AuthorizationServerTest {
    private static final URI PUBLIC_URL = URI.create("https://claribi.example");
    private static final String RESOURCE = "https://claribi.example/mcp/v1";
    private static final String REDIRECT = "http://127.0.0.1:4711/callback";

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));
    private MetadataStore store;
    private Accounts accounts;
    private AuthorizationServer server;
    private User user;
    private Workspace workspace;

    @BeforeEach
    void open() {
        openOn(MetadataStores.EMBEDDED);
    }

    private void openOn(MetadataStores kind) {
        if (store != null) {
            store.close();
        }
        store = kind.open(folder.resolve(kind.name() + System.nanoTime()));
        accounts = new Accounts(store.jdbi(), clock);
        server = serverAt(PUBLIC_URL, AuthorizationServer.Settings.defaults());
        user = accounts.createUser("ada@example.com", Optional.of("correct horse battery staple"));
        workspace = accounts.createWorkspace(
                "Analytical Engines", "trial", Optional.of(clock.instant().plus(Duration.ofDays(14))), user.id());
    }

    private AuthorizationServer serverAt(URI url, AuthorizationServer.Settings settings) {
        return new AuthorizationServer(store.jdbi(), accounts, clock, () -> url, settings, ClientMetadataFetcher.NONE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    // ---- helpers ----

    private String registerPublic(String... redirects) {
        String uris =
                java.util.Arrays.stream(redirects).map(uri -> "\"" + uri + "\"").collect(Collectors.joining(","));
        Map<String, Object> response = server.register(
                Json.mapper()
                        .readTree("{\"client_name\":\"Test app\",\"token_endpoint_auth_method\":\"none\","
                                + "\"redirect_uris\":[" + uris + "]}"),
                "10.0.0.1");
        return (String) response.get("client_id");
    }

    private static String verifier() {
        return "verifier-" + "x".repeat(40) + System.nanoTime();
    }

    private static String challenge(String verifier) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String query(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> authorizeParameters(String clientId, String verifier) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", clientId);
        parameters.put("redirect_uri", REDIRECT);
        parameters.put("code_challenge", challenge(verifier));
        parameters.put("code_challenge_method", "S256");
        parameters.put("state", "st-123");
        parameters.put("resource", RESOURCE);
        parameters.put("scope", "usage:read billing:read");
        return parameters;
    }

    private String code(String clientId, String verifier) {
        AuthorizationCheck check = server.checkAuthorization(query(authorizeParameters(clientId, verifier)));
        assertThat(check).isInstanceOf(AuthorizationCheck.Valid.class);
        URI location = server.approve(((AuthorizationCheck.Valid) check).request(), user.id(), workspace.id());
        return FormData.parse(location.getRawQuery()).get("code");
    }

    private Map<String, Object> exchange(String clientId, String code, String verifier) {
        return server.token(
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "redirect_uri",
                        REDIRECT,
                        "code_verifier",
                        verifier,
                        "client_id",
                        clientId,
                        "resource",
                        RESOURCE),
                Optional.empty());
    }

    private Map<String, Object> refresh(String clientId, Object refreshToken, String... scope) {
        Map<String, String> form = new LinkedHashMap<>(
                Map.of("grant_type", "refresh_token", "refresh_token", (String) refreshToken, "client_id", clientId));
        if (scope.length > 0) {
            form.put("scope", scope[0]);
        }
        return server.token(form, Optional.empty());
    }

    private static void assertOAuthError(Runnable call, int status, String error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(OAuthException.class, e -> {
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.status()).isEqualTo(status);
        });
    }

    // ---- the flow ----

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void codeExchangeAndRefreshIssueOpaqueHashedTokensThatResolveToTheUser(MetadataStores kind) {
        openOn(kind);
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        Map<String, Object> tokens = exchange(clientId, code(clientId, verifier), verifier);

        String access = (String) tokens.get("access_token");
        assertThat(access).startsWith("claribi_oat_").hasSizeGreaterThanOrEqualTo(12 + 43);
        assertThat(tokens)
                .containsEntry("token_type", "Bearer")
                .containsEntry("expires_in", 3600L)
                .containsEntry("scope", "usage:read billing:read");
        Principal principal = server.resolveAccessToken(access).orElseThrow();
        assertThat(principal.userId()).isEqualTo(user.id());
        assertThat(principal.workspaceId()).isEqualTo(workspace.id());
        assertThat(principal.scopes()).containsExactlyInAnyOrder(Scope.USAGE_READ, Scope.BILLING_READ);
        assertThat(principal.credential()).isEqualTo(Principal.CredentialKind.OAUTH_ACCESS_TOKEN);
        long rawStored = store.jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT COUNT(*) FROM oauth_tokens WHERE token_sha256 = ? OR token_sha256 = ?")
                        .bind(0, access)
                        .bind(1, (String) tokens.get("refresh_token"))
                        .mapTo(Long.class)
                        .one());
        assertThat(rawStored).isZero();

        Map<String, Object> refreshed = refresh(clientId, tokens.get("refresh_token"), "usage:read");
        assertThat(refreshed.get("refresh_token")).isNotEqualTo(tokens.get("refresh_token"));
        assertThat(server.resolveAccessToken((String) refreshed.get("access_token"))
                        .orElseThrow()
                        .scopes())
                .containsExactly(Scope.USAGE_READ);

        clock.advance(Duration.ofMinutes(61));
        assertThat(server.resolveAccessToken(access)).isEmpty();
    }

    // ---- one test per refusal ----

    @Test
    void aRedirectUriThatWasNotRegisteredIsShownOnOurPageAndNeverRedirectedTo() {
        String clientId = registerPublic(REDIRECT);
        Map<String, String> parameters = authorizeParameters(clientId, verifier());
        parameters.put("redirect_uri", "https://attacker.example/callback");
        assertThat(server.checkAuthorization(query(parameters))).isInstanceOf(AuthorizationCheck.ShowError.class);

        parameters.put("redirect_uri", "http://localhost:4711/callback");
        assertThat(server.checkAuthorization(query(parameters))).isInstanceOf(AuthorizationCheck.ShowError.class);
        parameters.put("redirect_uri", "http://127.0.0.1:4711/callback/other");
        assertThat(server.checkAuthorization(query(parameters))).isInstanceOf(AuthorizationCheck.ShowError.class);

        parameters.put("redirect_uri", "http://127.0.0.1:5999/callback");
        assertThat(server.checkAuthorization(query(parameters)))
                .as("only the port of a loopback redirect may vary (RFC 8252 §7.3)")
                .isInstanceOf(AuthorizationCheck.Valid.class);

        parameters.put("client_id", "claribi_client_unknown");
        assertThat(server.checkAuthorization(query(parameters))).isInstanceOf(AuthorizationCheck.ShowError.class);
    }

    @Test
    void pkcePlainAndAMissingChallengeAreRefusedBackToTheClientWithState() {
        String clientId = registerPublic(REDIRECT);
        Map<String, String> plain = authorizeParameters(clientId, verifier());
        plain.put("code_challenge_method", "plain");
        assertRedirectError(plain, "invalid_request");

        Map<String, String> missing = authorizeParameters(clientId, verifier());
        missing.remove("code_challenge");
        missing.remove("code_challenge_method");
        assertRedirectError(missing, "invalid_request");
    }

    @Test
    void aVerifierWithoutAChallengeHasNoCodeToRedeem() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        Map<String, String> parameters = authorizeParameters(clientId, verifier);
        parameters.remove("code_challenge");
        URI location = assertRedirectError(parameters, "invalid_request");
        assertThat(FormData.parse(location.getRawQuery())).doesNotContainKey("code");
        assertOAuthError(() -> exchange(clientId, "claribi_oac_" + "A".repeat(43), verifier), 400, "invalid_grant");
    }

    @Test
    void aWrongOrMissingVerifierIsRefused() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        String code = code(clientId, verifier);
        assertOAuthError(
                () -> server.token(
                        Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "redirect_uri",
                                REDIRECT,
                                "client_id",
                                clientId),
                        Optional.empty()),
                400,
                "invalid_request");
        assertOAuthError(() -> exchange(clientId, code, verifier() + "-wrong"), 400, "invalid_grant");
    }

    @Test
    void reusingACodeRevokesEveryTokenIssuedFromIt() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        String code = code(clientId, verifier);
        Map<String, Object> tokens = exchange(clientId, code, verifier);
        assertThat(server.resolveAccessToken((String) tokens.get("access_token")))
                .isPresent();

        assertOAuthError(() -> exchange(clientId, code, verifier), 400, "invalid_grant");
        assertThat(server.resolveAccessToken((String) tokens.get("access_token")))
                .isEmpty();
        assertOAuthError(() -> refresh(clientId, tokens.get("refresh_token")), 400, "invalid_grant");
    }

    @Test
    void aCodeOlderThanSixtySecondsIsRefused() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        String code = code(clientId, verifier);
        clock.advance(Duration.ofSeconds(61));
        assertOAuthError(() -> exchange(clientId, code, verifier), 400, "invalid_grant");
    }

    @Test
    void anotherClientsCodeIsRefused() {
        String alice = registerPublic(REDIRECT);
        String mallory = registerPublic(REDIRECT);
        String verifier = verifier();
        String code = code(alice, verifier);
        assertOAuthError(() -> exchange(mallory, code, verifier), 400, "invalid_grant");
    }

    @Test
    void aRefreshMayNotEscalateScopes() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        Map<String, Object> tokens = exchange(clientId, code(clientId, verifier), verifier);
        assertOAuthError(
                () -> refresh(clientId, tokens.get("refresh_token"), "usage:read billing:write"), 400, "invalid_scope");
        assertThat(refresh(clientId, tokens.get("refresh_token"), "usage:read")).containsKey("access_token");
    }

    @Test
    void replayingARotatedRefreshTokenRevokesTheWholeGrant() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        Map<String, Object> first = exchange(clientId, code(clientId, verifier), verifier);
        Map<String, Object> second = refresh(clientId, first.get("refresh_token"));
        assertThat(server.resolveAccessToken((String) second.get("access_token")))
                .isPresent();

        assertOAuthError(() -> refresh(clientId, first.get("refresh_token")), 400, "invalid_grant");
        assertThat(server.resolveAccessToken((String) second.get("access_token")))
                .isEmpty();
        assertThat(server.resolveAccessToken((String) first.get("access_token")))
                .isEmpty();
        assertOAuthError(() -> refresh(clientId, second.get("refresh_token")), 400, "invalid_grant");
    }

    @Test
    void aTokenForAnotherResourceIsNeitherIssuedNorAccepted() {
        String clientId = registerPublic(REDIRECT);
        Map<String, String> parameters = authorizeParameters(clientId, verifier());
        parameters.put("resource", "https://other.example/mcp");
        assertRedirectError(parameters, "invalid_target");

        String verifier = verifier();
        String code = code(clientId, verifier);
        assertOAuthError(
                () -> server.token(
                        Map.of(
                                "grant_type",
                                "authorization_code",
                                "code",
                                code,
                                "redirect_uri",
                                REDIRECT,
                                "code_verifier",
                                verifier,
                                "client_id",
                                clientId,
                                "resource",
                                "https://other.example/mcp"),
                        Optional.empty()),
                400,
                "invalid_target");

        String verifier2 = verifier();
        String access = (String)
                exchange(clientId, code(clientId, verifier2), verifier2).get("access_token");
        AuthorizationServer otherDeployment =
                serverAt(URI.create("https://eu.claribi.example"), AuthorizationServer.Settings.defaults());
        assertThat(otherDeployment.resolveAccessToken(access))
                .as("the token's audience is https://claribi.example/mcp/v1")
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "JavaScript://%0aalert(1)",
                "https://app.example/cb#fragment",
                "http://app.example/cb",
                "https://user:pw@app.example/cb",
                "/relative",
                "vbscript:msgbox"
            })
    void registrationRefusesDangerousRedirectUris(String uri) {
        assertOAuthError(() -> registerPublic(uri.replace("\"", "")), 400, "invalid_redirect_uri");
    }

    @Test
    void registrationAcceptsHttpsLoopbackAndNativeSchemes() {
        assertThat(registerPublic(
                        "https://claude.ai/api/mcp/auth_callback",
                        "http://[::1]:3000/cb",
                        "cursor://anysphere.cursor-retrieval/oauth/callback",
                        "com.example.app:/oauth2redirect"))
                .startsWith("claribi_client_");
    }

    @Test
    void aRegistrationFloodGets429PerAddressAndUnderTheGlobalCap() {
        server = serverAt(PUBLIC_URL, new AuthorizationServer.Settings(3, 5));
        String body = "{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}";
        for (int i = 0; i < 3; i++) {
            server.register(Json.mapper().readTree(body), "203.0.113.7");
        }
        assertOAuthError(() -> server.register(Json.mapper().readTree(body), "203.0.113.7"), 429, "too_many_requests");
        server.register(Json.mapper().readTree(body), "203.0.113.8");
        server.register(Json.mapper().readTree(body), "203.0.113.9");
        assertOAuthError(() -> server.register(Json.mapper().readTree(body), "203.0.113.10"), 429, "too_many_requests");
    }

    @Test
    void aConfidentialClientGetsItsSecretOnceStoredHashedAndMustPresentIt() {
        Map<String, Object> registered = server.register(
                Json.mapper()
                        .readTree("{\"client_name\":\"Server app\",\"redirect_uris\":[\"https://app.example/cb\"],"
                                + "\"token_endpoint_auth_method\":\"client_secret_basic\"}"),
                "10.0.0.2");
        String clientId = (String) registered.get("client_id");
        String secret = (String) registered.get("client_secret");
        assertThat(secret).startsWith("claribi_ocs_");
        String stored = store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT secret_sha256 FROM oauth_clients WHERE id = ?")
                        .bind(0, clientId)
                        .mapTo(String.class)
                        .one());
        assertThat(stored).isEqualTo(Secrets.sha256Hex(secret)).doesNotContain(secret);

        Map<String, String> form = Map.of("grant_type", "refresh_token", "refresh_token", "x");
        String wrong =
                "Basic " + Base64.getEncoder().encodeToString((clientId + ":nope").getBytes(StandardCharsets.UTF_8));
        assertOAuthError(() -> server.token(form, Optional.of(wrong)), 401, "invalid_client");
        assertOAuthError(
                () -> server.token(
                        Map.of("grant_type", "refresh_token", "refresh_token", "x", "client_id", clientId),
                        Optional.empty()),
                401,
                "invalid_client");
        String right = "Basic "
                + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        assertOAuthError(() -> server.token(form, Optional.of(right)), 400, "invalid_grant");
    }

    @Test
    void revokingAnAccessTokenLeavesTheRefreshTokenAndRevokingTheRefreshTokenEndsTheGrant() {
        String clientId = registerPublic(REDIRECT);
        String verifier = verifier();
        Map<String, Object> tokens = exchange(clientId, code(clientId, verifier), verifier);
        server.revoke(Map.of("token", (String) tokens.get("access_token"), "client_id", clientId), Optional.empty());
        assertThat(server.resolveAccessToken((String) tokens.get("access_token")))
                .isEmpty();
        Map<String, Object> refreshed = refresh(clientId, tokens.get("refresh_token"));

        server.revoke(
                Map.of("token", (String) refreshed.get("refresh_token"), "client_id", clientId), Optional.empty());
        assertThat(server.resolveAccessToken((String) refreshed.get("access_token")))
                .isEmpty();
        server.revoke(Map.of("token", "claribi_ort_unknown", "client_id", clientId), Optional.empty());
    }

    @Test
    void consentIsRememberedPerClientForTheScopesAllowed() {
        String clientId = registerPublic(REDIRECT);
        AuthorizationRequest request = ((AuthorizationCheck.Valid)
                        server.checkAuthorization(query(authorizeParameters(clientId, verifier()))))
                .request();
        assertThat(server.hasConsent(user.id(), request)).isFalse();
        server.approve(request, user.id(), workspace.id());
        assertThat(server.hasConsent(user.id(), request)).isTrue();

        Map<String, String> wider = authorizeParameters(clientId, verifier());
        wider.put("scope", "usage:read billing:write");
        assertThat(server.hasConsent(
                        user.id(), ((AuthorizationCheck.Valid) server.checkAuthorization(query(wider))).request()))
                .isFalse();
        String other = registerPublic(REDIRECT);
        assertThat(server.hasConsent(
                        user.id(),
                        ((AuthorizationCheck.Valid)
                                        server.checkAuthorization(query(authorizeParameters(other, verifier()))))
                                .request()))
                .isFalse();
    }

    @Test
    void anHttpsClientIdIsResolvedFromItsMetadataDocumentWhichMustNameItself() {
        String url = "https://app.example/oauth/client.json";
        Map<String, String> documents = new java.util.HashMap<>();
        server = new AuthorizationServer(
                store.jdbi(),
                accounts,
                clock,
                () -> PUBLIC_URL,
                AuthorizationServer.Settings.defaults(),
                documentUrl -> documents.get(documentUrl.toString()));
        documents.put(
                url,
                "{\"client_id\":\"" + url + "\",\"client_name\":\"Example App\",\"redirect_uris\":[\"" + REDIRECT
                        + "\"]}");
        String verifier = verifier();
        Map<String, Object> tokens = exchange(url, code(url, verifier), verifier);
        assertThat(server.resolveAccessToken((String) tokens.get("access_token")))
                .isPresent();
        assertThat(server.client(url).orElseThrow().name()).isEqualTo("Example App");

        String impostor = "https://evil.example/client.json";
        documents.put(impostor, "{\"client_id\":\"" + url + "\",\"redirect_uris\":[\"" + REDIRECT + "\"]}");
        assertThat(server.checkAuthorization(query(authorizeParameters(impostor, verifier()))))
                .isInstanceOf(AuthorizationCheck.ShowError.class);
        String scripted = "https://bad.example/client.json";
        documents.put(scripted, "{\"client_id\":\"" + scripted + "\",\"redirect_uris\":[\"javascript:alert(1)\"]}");
        assertThat(server.checkAuthorization(query(authorizeParameters(scripted, verifier()))))
                .isInstanceOf(AuthorizationCheck.ShowError.class);
    }

    private URI assertRedirectError(Map<String, String> parameters, String error) {
        AuthorizationCheck check = server.checkAuthorization(query(parameters));
        assertThat(check).isInstanceOf(AuthorizationCheck.RedirectError.class);
        URI location = ((AuthorizationCheck.RedirectError) check).location();
        assertThat(location.toString()).startsWith(REDIRECT + "?");
        Map<String, String> returned = FormData.parse(location.getRawQuery());
        assertThat(returned).containsEntry("error", error).containsEntry("state", "st-123");
        return location;
    }
}
