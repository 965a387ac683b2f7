package com.claribi.auth.oauth;

import com.claribi.accounts.Accounts;
import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.platform.Json;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth 2.1 authorization server of the MCP endpoint: RFC 8414 / RFC 9728 metadata, RFC 7591
 * dynamic registration and Client ID Metadata Documents, the authorization code grant with PKCE
 * S256 (RFC 7636) bound to one resource (RFC 8707), rotating refresh tokens, RFC 7009 revocation,
 * and access-token resolution for {@code /mcp/v1/}. Every code and token is opaque (256 random
 * bits) and stored only as SHA-256. Thread-safe; every method is one short transaction.
 */
public final class AuthorizationServer {
    /** Prefix of access tokens, so the MCP authenticator can route them here before any lookup. */
    public static final String ACCESS_TOKEN_PREFIX = "claribi_oat_";

    static final String REFRESH_TOKEN_PREFIX = "claribi_ort_";
    static final String CODE_PREFIX = "claribi_oac_";
    static final String CLIENT_SECRET_PREFIX = "claribi_ocs_";
    static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration REFRESH_TOKEN_LIFETIME = Duration.ofDays(30);
    static final Duration METADATA_DOCUMENT_TTL = Duration.ofHours(1);
    private static final Pattern PKCE_VALUE = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final Pattern CHALLENGE_VALUE = Pattern.compile("[A-Za-z0-9\\-_]{43}");
    private static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");
    // Keys a token transaction returns instead of a response, so its writes commit before the error.
    private static final String FAILED_GRANT = " invalid_grant";
    private static final String FAILED_SCOPE = " invalid_scope";
    private static final String FAILED_TARGET = " invalid_target";
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");

    /**
     * Limits on anonymous registration.
     *
     * @param registrationsPerAddressPerHour RFC 7591 registrations one client address may make an hour
     * @param registrationsPerDay registrations the whole server accepts in 24 hours (a cap on
     *     anonymous rows, whatever the addresses)
     */
    public record Settings(int registrationsPerAddressPerHour, int registrationsPerDay) {
        public Settings {
            if (registrationsPerAddressPerHour < 1 || registrationsPerDay < 1) {
                throw new IllegalArgumentException("registration limits must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(30, 5_000);
        }
    }

    private final Jdbi jdbi;
    private final Accounts accounts;
    private final Clock clock;
    private final Supplier<URI> publicUrl;
    private final Settings settings;
    private final ClientMetadataFetcher metadataFetcher;
    private final Cache<String, Bucket> registrationBuckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(2))
            .build();

    public AuthorizationServer(
            Jdbi jdbi,
            Accounts accounts,
            Clock clock,
            Supplier<URI> publicUrl,
            Settings settings,
            ClientMetadataFetcher metadataFetcher) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metadataFetcher = Objects.requireNonNull(metadataFetcher, "metadataFetcher");
    }

    // ---- discovery ----

    /** The issuer: {@code {publicUrl}/mcp/v1}. */
    public String issuer() {
        return publicUrl.get() + "/mcp/v1";
    }

    /** The canonical URI of the MCP resource (RFC 8707), without a trailing slash. */
    public String resource() {
        return publicUrl.get() + "/mcp/v1";
    }

    /** RFC 8414 authorization-server metadata. */
    public Map<String, Object> authorizationServerMetadata() {
        String issuer = issuer();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("authorization_endpoint", issuer + "/oauth/authorize");
        metadata.put("token_endpoint", issuer + "/oauth/token");
        metadata.put("registration_endpoint", issuer + "/oauth/register");
        metadata.put("revocation_endpoint", issuer + "/oauth/revoke");
        metadata.put("scopes_supported", scopeNames());
        metadata.put("response_types_supported", List.of("code"));
        metadata.put("response_modes_supported", List.of("query"));
        metadata.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        metadata.put(
                "token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "client_secret_post"));
        metadata.put(
                "revocation_endpoint_auth_methods_supported",
                List.of("none", "client_secret_basic", "client_secret_post"));
        metadata.put("code_challenge_methods_supported", List.of("S256"));
        metadata.put("client_id_metadata_document_supported", true);
        metadata.put("authorization_response_iss_parameter_supported", true);
        metadata.put("service_documentation", publicUrl.get() + "/docs/oauth");
        return metadata;
    }

    /** RFC 9728 protected-resource metadata of {@code /mcp/v1}. */
    public Map<String, Object> protectedResourceMetadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resource", resource());
        metadata.put("authorization_servers", List.of(issuer()));
        metadata.put("scopes_supported", scopeNames());
        metadata.put("bearer_methods_supported", List.of("header"));
        metadata.put("resource_name", "clariBI MCP server");
        return metadata;
    }

    private static List<String> scopeNames() {
        return Arrays.stream(Scope.values()).map(Scope::wireName).toList();
    }

    // ---- registration (RFC 7591) ----

    /**
     * Registers a client. The response (RFC 7591 §3.2.1) carries the client secret for confidential
     * clients; this is the only time it exists outside the caller.
     *
     * @throws OAuthException 400 {@code invalid_redirect_uri} / {@code invalid_client_metadata}, 429
     *     when the address or the server has registered too many clients
     */
    Map<String, Object> register(JsonNode body, String clientAddress) {
        if (body == null || !body.isObject()) {
            throw new OAuthException(400, "invalid_client_metadata", "The registration body must be a JSON object.");
        }
        List<String> redirectUris = RedirectUris.validateAll(body.get("redirect_uris"));
        String authMethod = text(body, "token_endpoint_auth_method").orElse("client_secret_basic");
        if (!AUTH_METHODS.contains(authMethod)) {
            throw new OAuthException(
                    400,
                    "invalid_client_metadata",
                    "token_endpoint_auth_method must be none, client_secret_basic or client_secret_post.");
        }
        List<String> grantTypes = stringList(body, "grant_types", List.of("authorization_code", "refresh_token"));
        if (!GRANT_TYPES.containsAll(grantTypes) || !grantTypes.contains("authorization_code")) {
            throw new OAuthException(
                    400,
                    "invalid_client_metadata",
                    "grant_types must include authorization_code and may add refresh_token; nothing else is supported.");
        }
        List<String> responseTypes = stringList(body, "response_types", List.of("code"));
        if (!responseTypes.equals(List.of("code"))) {
            throw new OAuthException(400, "invalid_client_metadata", "response_types must be [\"code\"].");
        }
        String name = text(body, "client_name").map(String::strip).orElse("");
        if (name.length() > 100) {
            throw new OAuthException(400, "invalid_client_metadata", "client_name is longer than 100 characters.");
        }
        if (name.isEmpty()) {
            name = "An unnamed application";
        }
        admitRegistration(clientAddress);

        String clientId = Secrets.mint("claribi_client_").substring(0, 40);
        Optional<String> secret =
                authMethod.equals("none") ? Optional.empty() : Optional.of(Secrets.mint(CLIENT_SECRET_PREFIX));
        Instant now = clock.instant();
        String storedName = name;
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO oauth_clients (id, secret_sha256, auth_method, client_name, redirect_uris,"
                                + " grant_types, metadata_document, registered_from, created_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, ?)")
                .bind(0, clientId)
                .bind(1, secret.map(Secrets::sha256Hex).orElse(null))
                .bind(2, authMethod)
                .bind(3, storedName)
                .bind(4, String.join("\n", redirectUris))
                .bind(5, String.join(" ", grantTypes))
                .bind(6, clientAddress.length() > 64 ? clientAddress.substring(0, 64) : clientAddress)
                .bind(7, utc(now))
                .execute());

        Map<String, Object> response = new LinkedHashMap<>();
        response.put("client_id", clientId);
        response.put("client_id_issued_at", now.getEpochSecond());
        secret.ifPresent(value -> {
            response.put("client_secret", value);
            response.put("client_secret_expires_at", 0);
        });
        response.put("client_name", storedName);
        response.put("redirect_uris", redirectUris);
        response.put("token_endpoint_auth_method", authMethod);
        response.put("grant_types", grantTypes);
        response.put("response_types", List.of("code"));
        return response;
    }

    private void admitRegistration(String clientAddress) {
        Bucket bucket = registrationBuckets.get(
                clientAddress,
                address -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(settings.registrationsPerAddressPerHour())
                                .refillGreedy(settings.registrationsPerAddressPerHour(), Duration.ofHours(1))
                                .build())
                        .build());
        if (!bucket.tryConsume(1)) {
            throw new OAuthException(
                    429, "too_many_requests", "Too many client registrations from this address; try again later.");
        }
        int lastDay = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM oauth_clients WHERE metadata_document = FALSE AND created_at > ?")
                .bind(0, utc(clock.instant().minus(Duration.ofDays(1))))
                .mapTo(Integer.class)
                .one());
        if (lastDay >= settings.registrationsPerDay()) {
            throw new OAuthException(
                    429, "too_many_requests", "The server is not accepting new client registrations right now.");
        }
    }

    /** The client with this id; an https id is resolved as a Client ID Metadata Document. */
    public Optional<OAuthClient> client(String clientId) {
        if (clientId == null || clientId.isEmpty() || clientId.length() > 400) {
            return Optional.empty();
        }
        Optional<OAuthClient> stored = storedClient(clientId);
        if (!clientId.startsWith("https://")) {
            return stored;
        }
        if (stored.isPresent()
                && stored.get().createdAt().plus(METADATA_DOCUMENT_TTL).isAfter(clock.instant())) {
            return stored;
        }
        return Optional.of(loadMetadataDocument(clientId));
    }

    private Optional<OAuthClient> storedClient(String clientId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, auth_method, client_name, redirect_uris, grant_types, metadata_document, created_at"
                                + " FROM oauth_clients WHERE id = ?")
                .bind(0, clientId)
                .map((rs, ctx) -> new OAuthClient(
                        rs.getString("id"),
                        rs.getString("auth_method"),
                        rs.getString("client_name"),
                        List.of(rs.getString("redirect_uris").split("\n")),
                        List.of(rs.getString("grant_types").split(" ")),
                        rs.getBoolean("metadata_document"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .findOne());
    }

    /**
     * Fetches and checks a Client ID Metadata Document: its {@code client_id} must equal its URL, it
     * is a public client, and its redirect URIs follow the registration rules.
     */
    private OAuthClient loadMetadataDocument(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The client_id is not a valid URL.");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null || uri.getHost() == null) {
            throw new IllegalStateException("The client_id URL may not carry credentials or a fragment.");
        }
        JsonNode document;
        try {
            document = Json.mapper().readTree(metadataFetcher.fetch(uri));
        } catch (JacksonException e) {
            throw new IllegalStateException("The client's metadata document is not valid JSON.");
        }
        if (document == null
                || !document.isObject()
                || !url.equals(text(document, "client_id").orElse(""))) {
            throw new IllegalStateException("The client's metadata document does not name its own URL as client_id.");
        }
        String authMethod = text(document, "token_endpoint_auth_method").orElse("none");
        if (!authMethod.equals("none")) {
            throw new IllegalStateException(
                    "Only public clients (token_endpoint_auth_method none) may use a metadata document.");
        }
        List<String> redirectUris;
        try {
            redirectUris = RedirectUris.validateAll(document.get("redirect_uris"));
        } catch (OAuthException e) {
            throw new IllegalStateException(
                    "The client's metadata document has unusable redirect_uris: " + e.getMessage());
        }
        String name = text(document, "client_name").map(String::strip).orElse(uri.getHost());
        if (name.isEmpty() || name.length() > 100) {
            name = uri.getHost();
        }
        OAuthClient client = new OAuthClient(
                url, "none", name, redirectUris, List.of("authorization_code", "refresh_token"), true, clock.instant());
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM oauth_clients WHERE id = ? AND NOT EXISTS"
                            + " (SELECT 1 FROM oauth_grants g WHERE g.client_id = oauth_clients.id)"
                            + " AND NOT EXISTS (SELECT 1 FROM oauth_consents c WHERE c.client_id = oauth_clients.id)")
                    .bind(0, url)
                    .execute();
            int updated = handle.createUpdate(
                            "UPDATE oauth_clients SET client_name = ?, redirect_uris = ?, created_at = ?"
                                    + " WHERE id = ?")
                    .bind(0, client.name())
                    .bind(1, String.join("\n", redirectUris))
                    .bind(2, utc(client.createdAt()))
                    .bind(3, url)
                    .execute();
            if (updated == 0) {
                handle.createUpdate(
                                "INSERT INTO oauth_clients (id, secret_sha256, auth_method, client_name,"
                                        + " redirect_uris, grant_types, metadata_document, registered_from, created_at)"
                                        + " VALUES (?, NULL, 'none', ?, ?, 'authorization_code refresh_token', TRUE, 'metadata', ?)")
                        .bind(0, url)
                        .bind(1, client.name())
                        .bind(2, String.join("\n", redirectUris))
                        .bind(3, utc(client.createdAt()))
                        .execute();
            }
        });
        return client;
    }

    // ---- authorization endpoint ----

    /**
     * Checks an authorization request. Client and redirect-URI problems are {@link
     * AuthorizationCheck.ShowError} (never redirected, RFC 6749 §4.1.2.1); the rest go back to the
     * client with {@code state}.
     *
     * @param query the raw query string of the request
     */
    public AuthorizationCheck checkAuthorization(String query) {
        Map<String, String> params;
        try {
            params = FormData.parse(query == null ? "" : query);
        } catch (OAuthException e) {
            return new AuthorizationCheck.ShowError(e.getMessage());
        }
        String clientId = params.get("client_id");
        if (clientId == null) {
            return new AuthorizationCheck.ShowError("The application did not say who it is (client_id is missing).");
        }
        OAuthClient client;
        try {
            Optional<OAuthClient> found = client(clientId);
            if (found.isEmpty()) {
                return new AuthorizationCheck.ShowError(
                        "This application is not registered with clariBI. Ask its developer to register it again.");
            }
            client = found.get();
        } catch (RuntimeException e) {
            return new AuthorizationCheck.ShowError(
                    "The application's metadata document could not be used: " + safeMessage(e));
        }
        String redirectUri = params.get("redirect_uri");
        if (redirectUri == null) {
            if (client.redirectUris().size() != 1) {
                return new AuthorizationCheck.ShowError(
                        "The application did not say where to return (redirect_uri is missing).");
            }
            redirectUri = client.redirectUris().getFirst();
        } else if (!RedirectUris.matchesAny(redirectUri, client.redirectUris())) {
            return new AuthorizationCheck.ShowError(
                    "The return address this application asked for is not one it registered, so clariBI will not"
                            + " send you there.");
        }
        Optional<String> state = Optional.ofNullable(params.get("state"));
        String responseType = params.get("response_type");
        if (!"code".equals(responseType)) {
            return redirectError(
                    redirectUri, "unsupported_response_type", "Only response_type=code is supported.", state);
        }
        String method = params.getOrDefault("code_challenge_method", "");
        String challenge = params.get("code_challenge");
        if (challenge == null) {
            return redirectError(
                    redirectUri, "invalid_request", "PKCE is required: send code_challenge with S256.", state);
        }
        if (!method.equals("S256")) {
            return redirectError(
                    redirectUri,
                    "invalid_request",
                    "Only code_challenge_method=S256 is supported (plain is refused).",
                    state);
        }
        if (!CHALLENGE_VALUE.matcher(challenge).matches()) {
            return redirectError(
                    redirectUri, "invalid_request", "code_challenge is not a base64url SHA-256 value.", state);
        }
        String resource = params.getOrDefault("resource", resource());
        if (!isOurResource(resource)) {
            return redirectError(
                    redirectUri,
                    "invalid_target",
                    "The resource must be this server's MCP endpoint " + resource() + ".",
                    state);
        }
        Set<Scope> scopes;
        try {
            scopes = parseScopes(params.get("scope"));
        } catch (OAuthException e) {
            return redirectError(redirectUri, "invalid_scope", e.getMessage(), state);
        }
        return new AuthorizationCheck.Valid(
                new AuthorizationRequest(client, redirectUri, scopes, state, challenge, resource(), query));
    }

    /**
     * Records consent, creates a grant for {@code workspaceId} and returns where to send the browser:
     * the redirect URI with a single-use code that lives 60 seconds, {@code state} and {@code iss}.
     */
    public URI approve(AuthorizationRequest request, String userId, String workspaceId) {
        String code = Secrets.mint(CODE_PREFIX);
        Instant now = clock.instant();
        String scopes = wire(request.scopes());
        jdbi.useTransaction(handle -> {
            String grantId = "grt_" + Secrets.mint("").substring(0, 24);
            handle.createUpdate(
                            "INSERT INTO oauth_grants (id, client_id, user_id, workspace_id, scopes, resource, created_at)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, grantId)
                    .bind(1, request.client().id())
                    .bind(2, userId)
                    .bind(3, workspaceId)
                    .bind(4, scopes)
                    .bind(5, request.resource())
                    .bind(6, utc(now))
                    .execute();
            handle.createUpdate(
                            "INSERT INTO oauth_codes (code_sha256, grant_id, redirect_uri, code_challenge, expires_at)"
                                    + " VALUES (?, ?, ?, ?, ?)")
                    .bind(0, Secrets.sha256Hex(code))
                    .bind(1, grantId)
                    .bind(2, request.redirectUri())
                    .bind(3, request.codeChallenge())
                    .bind(4, utc(now.plus(CODE_LIFETIME)))
                    .execute();
            int updated = handle.createUpdate(
                            "UPDATE oauth_consents SET scopes = ?, created_at = ? WHERE user_id = ? AND client_id = ?")
                    .bind(0, scopes)
                    .bind(1, utc(now))
                    .bind(2, userId)
                    .bind(3, request.client().id())
                    .execute();
            if (updated == 0) {
                handle.createUpdate(
                                "INSERT INTO oauth_consents (user_id, client_id, scopes, created_at) VALUES (?, ?, ?, ?)")
                        .bind(0, userId)
                        .bind(1, request.client().id())
                        .bind(2, scopes)
                        .bind(3, utc(now))
                        .execute();
            }
        });
        Map<String, String> response = new LinkedHashMap<>();
        response.put("code", code);
        request.state().ifPresent(state -> response.put("state", state));
        response.put("iss", issuer());
        return withQuery(request.redirectUri(), response);
    }

    /** Where to send the browser when the user clicks Deny (RFC 6749 §4.1.2.1 {@code access_denied}). */
    public URI deny(AuthorizationRequest request) {
        return ((AuthorizationCheck.RedirectError) redirectError(
                        request.redirectUri(), "access_denied", "The user denied access.", request.state()))
                .location();
    }

    /** Whether this user already allowed this client every scope the request asks for. */
    public boolean hasConsent(String userId, AuthorizationRequest request) {
        Optional<String> allowed = jdbi.withHandle(
                handle -> handle.createQuery("SELECT scopes FROM oauth_consents WHERE user_id = ? AND client_id = ?")
                        .bind(0, userId)
                        .bind(1, request.client().id())
                        .mapTo(String.class)
                        .findOne());
        return allowed.map(scopes -> scopesOf(scopes).containsAll(request.scopes()))
                .orElse(false);
    }

    private AuthorizationCheck redirectError(
            String redirectUri, String error, String description, Optional<String> state) {
        Map<String, String> response = new LinkedHashMap<>();
        response.put("error", error);
        response.put("error_description", description);
        state.ifPresent(value -> response.put("state", value));
        response.put("iss", issuer());
        return new AuthorizationCheck.RedirectError(withQuery(redirectUri, response));
    }

    // ---- token endpoint ----

    /**
     * The token endpoint (RFC 6749 §3.2): {@code authorization_code} with PKCE and {@code
     * refresh_token} with rotation. Returns the JSON success body.
     *
     * @param authorization the {@code Authorization} header, if any (client_secret_basic)
     * @throws OAuthException the §5.2 error to answer
     */
    Map<String, Object> token(Map<String, String> form, Optional<String> authorization) {
        String grantType = form.get("grant_type");
        if (grantType == null) {
            throw OAuthException.invalidRequest("grant_type is missing.");
        }
        return switch (grantType) {
            case "authorization_code" -> exchangeCode(form, authenticateClient(form, authorization));
            case "refresh_token" -> refresh(form, authenticateClient(form, authorization));
            default ->
                throw new OAuthException(
                        400, "unsupported_grant_type", "Only authorization_code and refresh_token are supported.");
        };
    }

    private Map<String, Object> exchangeCode(Map<String, String> form, OAuthClient client) {
        String code = form.get("code");
        String redirectUri = form.get("redirect_uri");
        String verifier = form.get("code_verifier");
        if (code == null) {
            throw OAuthException.invalidRequest("code is missing.");
        }
        if (verifier == null) {
            throw OAuthException.invalidRequest("code_verifier is missing: PKCE is required.");
        }
        if (!PKCE_VALUE.matcher(verifier).matches()) {
            throw OAuthException.invalidGrant("code_verifier is not 43 to 128 unreserved characters.");
        }
        Instant now = clock.instant();
        Map<String, Object> issued = jdbi.inTransaction(handle -> {
            Optional<Map<String, Object>> row = handle.createQuery(
                            "SELECT c.grant_id, c.redirect_uri, c.code_challenge, c.expires_at, c.used_at, g.client_id,"
                                    + " g.scopes, g.resource, g.revoked_at FROM oauth_codes c JOIN oauth_grants g"
                                    + " ON g.id = c.grant_id WHERE c.code_sha256 = ?")
                    .bind(0, Secrets.sha256Hex(code))
                    .mapToMap()
                    .findOne();
            if (row.isEmpty()) {
                return Map.<String, Object>of(FAILED_GRANT, "The authorization code is not valid.");
            }
            Map<String, Object> found = row.get();
            String grantId = (String) found.get("grant_id");
            if (found.get("used_at") != null) {
                // RFC 6749 §4.1.2 / OAuth 2.1 §4.1.3: a replayed code revokes what it issued.
                revokeGrant(handle, grantId, now);
                return Map.<String, Object>of(
                        FAILED_GRANT, "The authorization code was already used; its tokens are revoked.");
            }
            handle.createUpdate("UPDATE oauth_codes SET used_at = ? WHERE code_sha256 = ?")
                    .bind(0, utc(now))
                    .bind(1, Secrets.sha256Hex(code))
                    .execute();
            if (!client.id().equals(found.get("client_id"))) {
                return Map.<String, Object>of(FAILED_GRANT, "The authorization code was issued to another client.");
            }
            if (found.get("revoked_at") != null
                    || !instant(found.get("expires_at")).isAfter(now)) {
                return Map.<String, Object>of(FAILED_GRANT, "The authorization code has expired.");
            }
            if (redirectUri != null ? !redirectUri.equals(found.get("redirect_uri")) : false) {
                return Map.<String, Object>of(FAILED_GRANT, "redirect_uri does not match the authorization request.");
            }
            String challenge = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(Secrets.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
            if (!Secrets.same(challenge, (String) found.get("code_challenge"))) {
                return Map.<String, Object>of(FAILED_GRANT, "code_verifier does not match the code_challenge.");
            }
            String resource = form.get("resource");
            if (resource != null && !isOurResource(resource)) {
                return Map.<String, Object>of(FAILED_TARGET, "The resource must be this server's MCP endpoint.");
            }
            return issueTokens(handle, grantId, client, scopesOf((String) found.get("scopes")), now);
        });
        return answer(issued);
    }

    private Map<String, Object> refresh(Map<String, String> form, OAuthClient client) {
        String refreshToken = form.get("refresh_token");
        if (refreshToken == null) {
            throw OAuthException.invalidRequest("refresh_token is missing.");
        }
        Optional<Set<Scope>> requested = Optional.ofNullable(form.get("scope")).map(AuthorizationServer::parseScopes);
        Instant now = clock.instant();
        Map<String, Object> issued = jdbi.inTransaction(handle -> {
            Optional<Map<String, Object>> row = handle.createQuery(
                            "SELECT t.id, t.grant_id, t.expires_at, t.used_at, t.revoked_at, g.client_id, g.scopes,"
                                    + " g.revoked_at AS grant_revoked_at FROM oauth_tokens t JOIN oauth_grants g"
                                    + " ON g.id = t.grant_id WHERE t.token_sha256 = ? AND t.kind = 'refresh'")
                    .bind(0, Secrets.sha256Hex(refreshToken))
                    .mapToMap()
                    .findOne();
            if (row.isEmpty()) {
                return Map.<String, Object>of(FAILED_GRANT, "The refresh token is not valid.");
            }
            Map<String, Object> found = row.get();
            String grantId = (String) found.get("grant_id");
            if (!client.id().equals(found.get("client_id"))) {
                return Map.<String, Object>of(FAILED_GRANT, "The refresh token was issued to another client.");
            }
            if (found.get("used_at") != null) {
                // OAuth 2.1 §4.3.1: a rotated refresh token presented again means it leaked.
                revokeGrant(handle, grantId, now);
                return Map.<String, Object>of(
                        FAILED_GRANT, "The refresh token was already used; the whole grant is revoked.");
            }
            if (found.get("revoked_at") != null
                    || found.get("grant_revoked_at") != null
                    || !instant(found.get("expires_at")).isAfter(now)) {
                return Map.<String, Object>of(FAILED_GRANT, "The refresh token has expired or was revoked.");
            }
            Set<Scope> granted = scopesOf((String) found.get("scopes"));
            if (requested.isPresent() && !granted.containsAll(requested.get())) {
                return Map.<String, Object>of(
                        FAILED_SCOPE, "A refresh may not ask for more scopes than the user allowed.");
            }
            String resource = form.get("resource");
            if (resource != null && !isOurResource(resource)) {
                return Map.<String, Object>of(FAILED_TARGET, "The resource must be this server's MCP endpoint.");
            }
            handle.createUpdate("UPDATE oauth_tokens SET used_at = ? WHERE id = ?")
                    .bind(0, utc(now))
                    .bind(1, found.get("id"))
                    .execute();
            return issueTokens(handle, grantId, client, requested.orElse(granted), now);
        });
        return answer(issued);
    }

    /** Turns the transaction's outcome into the response or the §5.2 error (after the commit). */
    private static Map<String, Object> answer(Map<String, Object> issued) {
        if (issued.containsKey(FAILED_GRANT)) {
            throw OAuthException.invalidGrant((String) issued.get(FAILED_GRANT));
        }
        if (issued.containsKey(FAILED_SCOPE)) {
            throw new OAuthException(400, "invalid_scope", (String) issued.get(FAILED_SCOPE));
        }
        if (issued.containsKey(FAILED_TARGET)) {
            throw new OAuthException(400, "invalid_target", (String) issued.get(FAILED_TARGET));
        }
        return issued;
    }

    private Map<String, Object> issueTokens(
            Handle handle, String grantId, OAuthClient client, Set<Scope> scopes, Instant now) {
        String access = Secrets.mint(ACCESS_TOKEN_PREFIX);
        insertToken(handle, access, "access", grantId, scopes, now, now.plus(ACCESS_TOKEN_LIFETIME));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", access);
        response.put("token_type", "Bearer");
        response.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        if (client.grantTypes().contains("refresh_token")) {
            String refresh = Secrets.mint(REFRESH_TOKEN_PREFIX);
            insertToken(handle, refresh, "refresh", grantId, scopes, now, now.plus(REFRESH_TOKEN_LIFETIME));
            response.put("refresh_token", refresh);
        }
        response.put("scope", wire(scopes));
        return response;
    }

    private static void insertToken(
            Handle handle, String token, String kind, String grantId, Set<Scope> scopes, Instant now, Instant expires) {
        handle.createUpdate(
                        "INSERT INTO oauth_tokens (id, token_sha256, kind, grant_id, scopes, created_at, expires_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, "tok_" + Secrets.mint("").substring(0, 24))
                .bind(1, Secrets.sha256Hex(token))
                .bind(2, kind)
                .bind(3, grantId)
                .bind(4, wire(scopes))
                .bind(5, utc(now))
                .bind(6, utc(expires))
                .execute();
    }

    private static void revokeGrant(Handle handle, String grantId, Instant now) {
        handle.createUpdate("UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(0, utc(now))
                .bind(1, grantId)
                .execute();
        handle.createUpdate("UPDATE oauth_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL")
                .bind(0, utc(now))
                .bind(1, grantId)
                .execute();
    }

    /**
     * Authenticates the client at the token and revocation endpoints (RFC 6749 §2.3): a public client
     * names itself with {@code client_id}; a confidential one uses the method it registered.
     */
    private OAuthClient authenticateClient(Map<String, String> form, Optional<String> authorization) {
        Optional<String[]> basic = authorization.flatMap(AuthorizationServer::basicCredentials);
        if (authorization.isPresent() && basic.isEmpty()) {
            throw OAuthException.invalidClient("The Authorization header is not valid client_secret_basic.");
        }
        String clientId = basic.map(pair -> pair[0]).orElse(form.get("client_id"));
        if (clientId == null) {
            throw OAuthException.invalidClient("Client authentication is missing: send client_id.");
        }
        if (basic.isPresent()
                && form.containsKey("client_id")
                && !form.get("client_id").equals(clientId)) {
            throw OAuthException.invalidRequest("client_id in the body differs from the Authorization header.");
        }
        OAuthClient client;
        try {
            client = client(clientId).orElseThrow(() -> OAuthException.invalidClient("The client is not registered."));
        } catch (OAuthException e) {
            throw e;
        } catch (RuntimeException e) {
            throw OAuthException.invalidClient("The client's metadata document could not be used.");
        }
        Optional<String> secret = basic.map(pair -> pair[1]).or(() -> Optional.ofNullable(form.get("client_secret")));
        if (client.isPublic()) {
            return client;
        }
        if (secret.isEmpty()) {
            throw OAuthException.invalidClient("This client must authenticate with its client secret.");
        }
        boolean viaBasic = basic.isPresent();
        if (viaBasic != client.authMethod().equals("client_secret_basic")) {
            throw OAuthException.invalidClient("This client registered " + client.authMethod() + ".");
        }
        String stored =
                jdbi.withHandle(handle -> handle.createQuery("SELECT secret_sha256 FROM oauth_clients WHERE id = ?")
                        .bind(0, clientId)
                        .mapTo(String.class)
                        .one());
        if (stored == null || !Secrets.same(stored, Secrets.sha256Hex(secret.get()))) {
            throw OAuthException.invalidClient("The client secret is not valid.");
        }
        return client;
    }

    private static Optional<String[]> basicCredentials(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 1) {
                return Optional.empty();
            }
            return Optional.of(new String[] {
                FormData.decode(decoded.substring(0, colon)), FormData.decode(decoded.substring(colon + 1))
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ---- revocation (RFC 7009) ----

    /**
     * Revokes a token: an access token alone, a refresh token with its whole grant. Unknown tokens and
     * tokens of other clients are ignored (RFC 7009 §2.2 answers 200 either way).
     */
    void revoke(Map<String, String> form, Optional<String> authorization) {
        OAuthClient client = authenticateClient(form, authorization);
        String token = form.get("token");
        if (token == null) {
            throw OAuthException.invalidRequest("token is missing.");
        }
        Instant now = clock.instant();
        jdbi.useTransaction(handle -> handle.createQuery(
                        "SELECT t.id, t.kind, t.grant_id FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id"
                                + " WHERE t.token_sha256 = ? AND g.client_id = ?")
                .bind(0, Secrets.sha256Hex(token))
                .bind(1, client.id())
                .mapToMap()
                .findOne()
                .ifPresent(row -> {
                    if (row.get("kind").equals("refresh")) {
                        revokeGrant(handle, (String) row.get("grant_id"), now);
                    } else {
                        handle.createUpdate(
                                        "UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                                .bind(0, utc(now))
                                .bind(1, row.get("id"))
                                .execute();
                    }
                }));
    }

    // ---- resource server side ----

    /**
     * Resolves an access token presented at {@code /mcp/v1/}: unexpired, unrevoked, issued for this
     * resource (its audience), and its user still a member of the workspace.
     */
    public Optional<Principal> resolveAccessToken(String token) {
        if (token == null || !token.startsWith(ACCESS_TOKEN_PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<Map<String, Object>> row = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT t.id, t.scopes, t.expires_at, g.user_id, g.workspace_id, g.resource FROM oauth_tokens t"
                                + " JOIN oauth_grants g ON g.id = t.grant_id WHERE t.token_sha256 = ? AND t.kind = 'access'"
                                + " AND t.revoked_at IS NULL AND g.revoked_at IS NULL")
                .bind(0, Secrets.sha256Hex(token))
                .mapToMap()
                .findOne());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> found = row.get();
        if (!instant(found.get("expires_at")).isAfter(now) || !isOurResource((String) found.get("resource"))) {
            return Optional.empty();
        }
        String userId = (String) found.get("user_id");
        String workspaceId = (String) found.get("workspace_id");
        if (accounts.role(workspaceId, userId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Principal(
                userId,
                workspaceId,
                scopesOf((String) found.get("scopes")),
                Principal.CredentialKind.OAUTH_ACCESS_TOKEN,
                (String) found.get("id")));
    }

    // ---- helpers ----

    /** RFC 8707: the resource must be our MCP endpoint; a trailing slash is the same resource. */
    boolean isOurResource(String resource) {
        String ours = resource();
        return resource.equals(ours) || resource.equals(ours + "/");
    }

    static Set<Scope> parseScopes(String scope) {
        if (scope == null || scope.isBlank()) {
            return EnumSet.allOf(Scope.class);
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : scope.strip().split(" +")) {
            scopes.add(Scope.fromWireName(name)
                    .orElseThrow(() -> new OAuthException(
                            400,
                            "invalid_scope",
                            "Unknown scope " + (name.length() > 40 ? name.substring(0, 40) + "…" : name) + ".")));
        }
        return scopes;
    }

    static Set<Scope> scopesOf(String stored) {
        if (stored.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(stored.split(" "))
                .map(name -> Scope.fromWireName(name).orElseThrow())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Scope.class)));
    }

    static String wire(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(" "));
    }

    private static URI withQuery(String redirectUri, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, value) -> query.append(query.isEmpty() ? "" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        String separator = redirectUri.contains("?") ? "&" : "?";
        return URI.create(redirectUri + separator + query);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw new OAuthException(400, "invalid_client_metadata", field + " must be a string.");
        }
        return Optional.of(value.asString());
    }

    private static List<String> stringList(JsonNode node, String field, List<String> fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isArray() || value.size() > 10) {
            throw new OAuthException(
                    400, "invalid_client_metadata", field + " must be an array of at most 10 strings.");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isString()) {
                throw new OAuthException(400, "invalid_client_metadata", field + " must be an array of strings.");
            }
            values.add(element.asString());
        }
        return List.copyOf(values);
    }

    private static String safeMessage(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.length() > 300 ? "it could not be fetched." : message;
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case OffsetDateTime offset -> offset.toInstant();
            case java.sql.Timestamp timestamp -> timestamp.toInstant();
            case Instant already -> already;
            default -> throw new IllegalStateException("unexpected time type");
        };
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
