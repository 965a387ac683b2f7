package com.claribi.rest;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.ApiKey;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.Membership;
import com.claribi.accounts.MintedKey;
import com.claribi.accounts.Role;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Authenticator;
import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.billing.BillingStatus;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.billing.Quota;
import com.claribi.billing.Usage;
import com.claribi.http.HttpResponses;
import com.claribi.http.RefusedBodies;
import com.claribi.ingest.DataSources;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API at {@code /api/v1/} (SPEC §1): REST API keys only (an MCP key or access token gets
 * the directional refusal), JSON in and out, and one error format everywhere:
 *
 * <pre>{@code {"error": {"code": "invalid_argument", "message": "…safe to show…"}}}</pre>
 *
 * <p>Routes: {@code GET /account}, {@code GET /workspace}, {@code GET|POST /api-keys}, {@code DELETE
 * /api-keys/{id}}, {@code GET /usage}, {@code GET /billing/status}. Error codes map to HTTP statuses
 * here and nowhere else in this adapter.
 */
public final class RestApi extends Handler.Abstract {
    public static final String PREFIX = "/api/v1";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    private static final Pattern KEY_PATH = Pattern.compile("/api-keys/([A-Za-z0-9_]{1,40})");

    private final Authenticator authenticator;
    private final Accounts accounts;
    private final Plans plans;
    private final JsonMapper json = Json.mapper();
    private final DataSourceRoutes dataSources;
    private final DashboardRoutes dashboards;

    public RestApi(
            Authenticator authenticator,
            Accounts accounts,
            Plans plans,
            DataSources dataSources,
            com.claribi.dashboards.Dashboards dashboards) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.plans = Objects.requireNonNull(plans, "plans");
        this.dataSources = new DataSourceRoutes(Objects.requireNonNull(dataSources, "dataSources"));
        this.dashboards = new DashboardRoutes(Objects.requireNonNull(dashboards, "dashboards"));
    }

    /** One feature's answer to an authenticated, scope-checked request: status and JSON body. */
    private interface FeatureHandler {
        Map.Entry<Integer, Object> handle(Principal principal, Map<String, String> query);
    }

    /** A response body and status; {@code body} is serialized as JSON. */
    private record Reply(int status, Object body) {}

    /** A refusal with its own wire code and headers (authentication, scope, method). */
    private static final class Refusal extends RuntimeException {
        private final int status;
        private final String code;
        private final Map<String, String> headers;

        Refusal(int status, String code, String message, Map<String, String> headers) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.headers = headers;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply;
        try {
            reply = route(request);
        } catch (Refusal refusal) {
            refusal.headers.forEach((name, value) -> response.getHeaders().put(name, value));
            reply = error(refusal.status, refusal.code, refusal.getMessage());
        } catch (ClariException e) {
            reply = e.code() == ErrorCode.INTERNAL
                    ? error(500, "internal", "Something went wrong on our side; try again.")
                    : error(e.code().httpStatus(), e.code().name().toLowerCase(Locale.ROOT), e.getMessage());
        } catch (RuntimeException e) {
            log.error(
                    "REST request {} {} failed",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            reply = error(500, "internal", "Something went wrong on our side; try again.");
        }
        if (reply.status() == 204) {
            response.setStatus(204);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            callback.succeeded();
        } else {
            HttpResponses.json(response, callback, reply.status(), json.writeValueAsString(reply.body()));
        }
        return true;
    }

    private Reply route(Request request) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path == null || !path.startsWith(PREFIX + "/")) {
            throw notFound();
        }
        String route = path.substring(PREFIX.length());
        if (route.length() > 1 && route.endsWith("/")) {
            route = route.substring(0, route.length() - 1);
        }
        String finalRoute = route;
        if (DataSourceRoutes.allowed(route) != null) {
            return featureRoute(
                    request,
                    method,
                    route,
                    DataSourceRoutes.allowed(route),
                    DataSourceRoutes::scope,
                    (principal, query) -> dataSources.handle(principal, method, finalRoute, query));
        }
        if (DashboardRoutes.allowed(route) != null) {
            return featureRoute(
                    request,
                    method,
                    route,
                    DashboardRoutes.allowed(route),
                    DashboardRoutes::scope,
                    (principal, query) ->
                            dashboards.handle(principal, method, finalRoute, query, () -> readObject(request)));
        }
        Matcher keyPath = KEY_PATH.matcher(route);
        String allowed = switch (route) {
            case "/account", "/workspace", "/usage", "/billing/status" -> "GET";
            case "/api-keys" -> "GET, POST";
            default -> keyPath.matches() ? "DELETE" : null;
        };
        if (allowed == null) {
            throw notFound();
        }
        if (!List.of(allowed.split(", ")).contains(method)) {
            throw new Refusal(
                    405,
                    "method_not_allowed",
                    "Use " + allowed + " for " + PREFIX + route + ".",
                    Map.of("Allow", allowed));
        }
        Principal principal = authenticate(request);
        return switch (route) {
            case "/account" -> account(principal);
            case "/workspace" -> workspace(principal);
            case "/usage" -> usage(principal);
            case "/billing/status" -> billingStatus(principal);
            case "/api-keys" -> method.equals("GET") ? listKeys(principal) : mintKey(principal, readObject(request));
            default -> revokeKey(principal, keyPath.group(1));
        };
    }

    /** Answers a feature's routes: the method check, authentication, its scope, then the tier's {@code rest_api_access}. */
    private Reply featureRoute(
            Request request,
            String method,
            String route,
            String allowed,
            java.util.function.Function<String, Scope> scopeFor,
            FeatureHandler handler) {
        if (!List.of(allowed.split(", ")).contains(method)) {
            throw new Refusal(
                    405,
                    "method_not_allowed",
                    "Use " + allowed + " for " + PREFIX + route + ".",
                    Map.of("Allow", allowed));
        }
        Principal principal = authenticate(request);
        require(principal, scopeFor.apply(method));
        if (!plans.has(principal.workspaceId(), "rest_api_access")) {
            throw new ClariException(
                    ErrorCode.FORBIDDEN,
                    "This workspace's tier does not include rest_api_access; upgrade to use " + PREFIX + route + ".");
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (org.eclipse.jetty.util.Fields.Field field : Request.extractQueryParameters(request)) {
            query.put(field.getName(), field.getValue());
        }
        Map.Entry<Integer, Object> reply = handler.handle(principal, query);
        return new Reply(reply.getKey(), reply.getValue());
    }

    // ---- authentication ----

    private Principal authenticate(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw unauthenticated("This route needs a REST API key: send \"Authorization: Bearer claribi_api_…\".");
        }
        if (header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated("Send the REST API key as \"Authorization: Bearer claribi_api_…\".");
        }
        return switch (authenticator.authenticate(
                Authenticator.Surface.REST, header.substring(7).strip())) {
            case Authenticator.Outcome.Authenticated authenticated -> authenticated.principal();
            case Authenticator.Outcome.Refused refused -> throw unauthenticated(refused.message());
        };
    }

    private static Refusal unauthenticated(String message) {
        return new Refusal(
                401, "unauthenticated", message, Map.of("WWW-Authenticate", "Bearer realm=\"clariBI REST API\""));
    }

    private static void require(Principal principal, Scope scope) {
        if (!principal.has(scope)) {
            throw new Refusal(
                    403,
                    "insufficient_scope",
                    "This key lacks the scope " + scope.wireName() + " (" + scope.plainWords()
                            + "). Mint a key that includes it.",
                    Map.of(
                            "WWW-Authenticate",
                            "Bearer realm=\"clariBI REST API\", error=\"insufficient_scope\", scope=\""
                                    + scope.wireName() + "\""));
        }
    }

    // ---- routes ----

    private Reply account(Principal principal) {
        User user = accounts.user(principal.userId()).orElseThrow(RestApi::notFound);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "user",
                Map.of(
                        "id",
                        user.id(),
                        "email",
                        user.email(),
                        "created_at",
                        user.createdAt().toString()));
        List<Map<String, Object>> workspaces = new ArrayList<>();
        for (Workspace workspace : accounts.workspacesOf(user.id())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", workspace.id());
            entry.put("name", workspace.name());
            entry.put(
                    "role",
                    accounts.role(workspace.id(), user.id()).map(Role::wireName).orElse(null));
            entry.put("current", workspace.id().equals(principal.workspaceId()));
            workspaces.add(entry);
        }
        body.put("workspaces", workspaces);
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("kind", principal.credential().name().toLowerCase(Locale.ROOT));
        credential.put("id", principal.credentialId());
        credential.put("scopes", scopeNames(principal.scopes()));
        body.put("credential", credential);
        return new Reply(200, body);
    }

    private Reply workspace(Principal principal) {
        Workspace workspace = accounts.workspace(principal.workspaceId()).orElseThrow(RestApi::notFound);
        Pricing.Tier tier = plans.effectiveTier(workspace);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", workspace.id());
        body.put("name", workspace.name());
        body.put("tier", tier.id());
        body.put("tier_name", tier.name());
        body.put("trial_ends_at", workspace.trialEndsAt().map(Instant::toString).orElse(null));
        body.put("created_at", workspace.createdAt().toString());
        List<Map<String, Object>> members = new ArrayList<>();
        for (Membership member : accounts.members(workspace.id())) {
            members.add(Map.of(
                    "user_id",
                    member.userId(),
                    "email",
                    member.email(),
                    "role",
                    member.role().wireName()));
        }
        body.put("members", members);
        return new Reply(200, body);
    }

    private Reply usage(Principal principal) {
        require(principal, Scope.USAGE_READ);
        Usage usage = plans.usage(principal.workspaceId());
        Map<String, Object> quotas = new LinkedHashMap<>();
        for (Quota quota : Quota.values()) {
            Usage.Meter meter = usage.of(quota);
            quotas.put(
                    quota.wireName(),
                    Map.of(
                            "used",
                            meter.used(),
                            "limit",
                            meter.limit(),
                            "remaining",
                            meter.remaining(),
                            "monthly",
                            quota.monthly()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tier", usage.tier());
        body.put("period_start", usage.periodStart().toString());
        body.put("period_end", usage.periodEnd().toString());
        body.put("quotas", quotas);
        return new Reply(200, body);
    }

    private Reply billingStatus(Principal principal) {
        require(principal, Scope.BILLING_READ);
        BillingStatus status = plans.billingStatus(principal.workspaceId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workspace_id", status.workspaceId());
        body.put("tier", status.tier());
        body.put("tier_name", status.tierName());
        body.put("status", status.status());
        body.put("trial_ends_at", status.trialEndsAt().map(Instant::toString).orElse(null));
        body.put("renews_at", status.renewsAt().map(Instant::toString).orElse(null));
        body.put(Pricing.MCP_SERVER_ACCESS, status.mcpServerAccess());
        body.put("tiers_with_mcp_server_access", status.tiersWithMcpAccess());
        return new Reply(200, body);
    }

    private Reply listKeys(Principal principal) {
        require(principal, Scope.ACCOUNT_WRITE);
        boolean manager = canManage(principal);
        List<Map<String, Object>> keys = accounts.keys(principal.workspaceId()).stream()
                .filter(key -> manager || key.userId().equals(principal.userId()))
                .map(RestApi::keyJson)
                .toList();
        return new Reply(200, Map.of("api_keys", keys));
    }

    private static final Set<String> MINT_FIELDS = Set.of("kind", "name", "scopes");

    private Reply mintKey(Principal principal, JsonNode body) {
        require(principal, Scope.ACCOUNT_WRITE);
        for (String field : body.propertyNames()) {
            if (!MINT_FIELDS.contains(field)) {
                throw ClariException.invalid(
                        "Unknown field \"" + truncate(field) + "\"; send kind, name and" + " optionally scopes.");
            }
        }
        JsonNode kindNode = body.get("kind");
        if (kindNode == null || !kindNode.isString()) {
            throw ClariException.invalid("kind is required: \"mcp\" (for /mcp/v1/) or \"rest\" (for /api/v1/).");
        }
        KeyKind kind = KeyKind.fromWireName(kindNode.asString())
                .orElseThrow(() -> ClariException.invalid("kind must be \"mcp\" or \"rest\"."));
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isString()) {
            throw ClariException.invalid("name is required: a label such as \"Claude Desktop on my laptop\".");
        }
        Set<Scope> scopes;
        JsonNode scopesNode = body.get("scopes");
        if (scopesNode == null || scopesNode.isNull()) {
            scopes = principal.scopes();
        } else {
            if (!scopesNode.isArray() || scopesNode.size() == 0 || scopesNode.size() > Scope.values().length) {
                throw ClariException.invalid("scopes must be a non-empty array of scope names such as \"usage:read\".");
            }
            EnumSet<Scope> requested = EnumSet.noneOf(Scope.class);
            for (JsonNode element : scopesNode) {
                String name = element.isString() ? element.asString() : "";
                requested.add(Scope.fromWireName(name)
                        .orElseThrow(() -> ClariException.invalid("Unknown scope \"" + truncate(name)
                                + "\". Known scopes: " + String.join(", ", scopeNames(EnumSet.allOf(Scope.class)))
                                + ".")));
            }
            scopes = requested;
        }
        EnumSet<Scope> beyond = EnumSet.noneOf(Scope.class);
        beyond.addAll(scopes);
        beyond.removeAll(principal.scopes());
        if (!beyond.isEmpty()) {
            throw new ClariException(
                    ErrorCode.FORBIDDEN,
                    "A key cannot grant more than the key minting it; this one lacks "
                            + String.join(", ", scopeNames(beyond)) + ".");
        }
        MintedKey minted =
                accounts.mintKey(principal.workspaceId(), principal.userId(), kind, nameNode.asString(), scopes);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("api_key", keyJson(minted.key()));
        reply.put("secret", minted.secret());
        reply.put(
                "note",
                "Store this secret now: clariBI keeps only its hash and cannot show it again. "
                        + (kind == KeyKind.MCP ? "It works only at /mcp/v1/." : "It works only at /api/v1/."));
        return new Reply(201, reply);
    }

    private Reply revokeKey(Principal principal, String keyId) {
        require(principal, Scope.ACCOUNT_WRITE);
        ApiKey key = accounts.key(principal.workspaceId(), keyId)
                .orElseThrow(() -> ClariException.notFound("No API key " + keyId + " in this workspace."));
        if (!key.userId().equals(principal.userId()) && !canManage(principal)) {
            throw new ClariException(
                    ErrorCode.FORBIDDEN, "Only the key's owner or a workspace owner or admin can revoke it.");
        }
        accounts.revokeKey(principal.workspaceId(), keyId);
        return new Reply(204, null);
    }

    private boolean canManage(Principal principal) {
        return accounts.role(principal.workspaceId(), principal.userId())
                .map(Role::canManage)
                .orElse(false);
    }

    // ---- wire helpers ----

    private static Map<String, Object> keyJson(ApiKey key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.id());
        out.put("kind", key.kind().wireName());
        out.put("name", key.name());
        out.put("display_hint", key.displayHint());
        out.put("scopes", scopeNames(key.scopes()));
        out.put("user_id", key.userId());
        out.put("created_at", key.createdAt().toString());
        out.put("last_used_at", key.lastUsedAt().map(Instant::toString).orElse(null));
        out.put("revoked_at", key.revokedAt().map(Instant::toString).orElse(null));
        return out;
    }

    private static List<String> scopeNames(Set<Scope> scopes) {
        return EnumSet.copyOf(scopes.isEmpty() ? EnumSet.noneOf(Scope.class) : scopes).stream()
                .map(Scope::wireName)
                .toList();
    }

    private JsonNode readObject(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Refusal(
                    415,
                    "unsupported_media_type",
                    "Send the body as JSON with Content-Type: application/json.",
                    Map.of());
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = request.getLength() > MAX_BODY_BYTES ? null : in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes == null || bytes.length > MAX_BODY_BYTES) {
                RefusedBodies.drop(in);
                throw new ClariException(ErrorCode.TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
            }
        } catch (IOException e) {
            throw ClariException.invalid("The request body could not be read.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ClariException.invalid("The body is not valid UTF-8.");
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            throw ClariException.invalid("The body is not valid JSON (or nests deeper than " + Json.MAX_DEPTH + ").");
        }
        if (node == null || !node.isObject()) {
            throw ClariException.invalid("The body must be a JSON object.");
        }
        return node;
    }

    private static String truncate(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "…" : clean;
    }

    private static Refusal notFound() {
        return new Refusal(404, "not_found", "No such path.", Map.of());
    }

    private static Reply error(int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return new Reply(status, Map.of("error", error));
    }
}
