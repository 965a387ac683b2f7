package com.claribi.auth.oauth;

import com.claribi.http.HttpResponses;
import com.claribi.http.HttpServer;
import com.claribi.http.RefusedBodies;
import com.claribi.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP side of the authorization server: metadata documents (SPEC §1 paths), {@code
 * /mcp/v1/oauth/register}, {@code /token} and {@code /revoke}. The browser-facing {@code /authorize}
 * lives in the web app, which owns sessions and pages. Errors are RFC 6749 §5.2 JSON with {@code
 * Cache-Control: no-store}; no stack trace or class name is ever returned.
 */
public final class OAuthRoutes {
    private static final Logger log = LoggerFactory.getLogger(OAuthRoutes.class);
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final AuthorizationServer server;

    public OAuthRoutes(AuthorizationServer server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    public void register(HttpServer.Routes routes) {
        Handler authorizationMetadata = get(() -> server.authorizationServerMetadata());
        routes.add("/mcp/v1/.well-known/oauth-authorization-server", authorizationMetadata);
        routes.add("/.well-known/oauth-authorization-server/mcp/v1", authorizationMetadata);
        routes.add("/.well-known/oauth-authorization-server", authorizationMetadata);
        Handler resourceMetadata = get(() -> server.protectedResourceMetadata());
        routes.add("/mcp/v1/.well-known/oauth-protected-resource", resourceMetadata);
        routes.add("/.well-known/oauth-protected-resource/mcp/v1", resourceMetadata);
        routes.add(
                "/mcp/v1/oauth/register",
                post(
                        (request, body) -> {
                            JsonNode json;
                            try {
                                json = Json.mapper().readTree(body);
                            } catch (JacksonException e) {
                                throw new OAuthException(400, "invalid_client_metadata", "The body is not valid JSON.");
                            }
                            return server.register(json, Request.getRemoteAddr(request));
                        },
                        201,
                        true));
        routes.add(
                "/mcp/v1/oauth/token",
                post((request, body) -> server.token(form(request, body), header(request)), 200, false));
        routes.add(
                "/mcp/v1/oauth/revoke",
                post(
                        (request, body) -> {
                            server.revoke(form(request, body), header(request));
                            return Map.of();
                        },
                        200,
                        false));
    }

    private interface Endpoint {
        Map<String, Object> handle(Request request, String body);
    }

    private interface Document {
        Map<String, Object> build();
    }

    private static Handler get(Document document) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                cors(response);
                if (HttpMethod.OPTIONS.is(request.getMethod())) {
                    preflight(response, callback);
                    return true;
                }
                if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
                    error(response, callback, new OAuthException(405, "invalid_request", "Use GET."));
                    return true;
                }
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=300");
                write(response, callback, 200, document.build(), false);
                return true;
            }
        };
    }

    private static Handler post(Endpoint endpoint, int successStatus, boolean jsonBody) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                cors(response);
                if (HttpMethod.OPTIONS.is(request.getMethod())) {
                    preflight(response, callback);
                    return true;
                }
                try {
                    if (!HttpMethod.POST.is(request.getMethod())) {
                        response.getHeaders().put(HttpHeader.ALLOW, "POST, OPTIONS");
                        throw new OAuthException(405, "invalid_request", "Use POST.");
                    }
                    String contentType = Optional.ofNullable(
                                    request.getHeaders().get(HttpHeader.CONTENT_TYPE))
                            .orElse("")
                            .toLowerCase(java.util.Locale.ROOT);
                    String expected = jsonBody ? "application/json" : "application/x-www-form-urlencoded";
                    if (!contentType.startsWith(expected)) {
                        throw OAuthException.invalidRequest("The body must be " + expected + ".");
                    }
                    Map<String, Object> result = endpoint.handle(request, body(request));
                    write(response, callback, successStatus, result, true);
                } catch (OAuthException e) {
                    if (e.status() == 401 && request.getHeaders().get(HttpHeader.AUTHORIZATION) != null) {
                        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"clariBI\"");
                    }
                    error(response, callback, e);
                } catch (RuntimeException e) {
                    log.error("OAuth endpoint {} failed", request.getHttpURI().getPath(), e);
                    error(response, callback, new OAuthException(500, "server_error", "The server failed; try again."));
                }
                return true;
            }
        };
    }

    private static Map<String, String> form(Request request, String body) {
        return FormData.parse(body);
    }

    private static Optional<String> header(Request request) {
        return Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION));
    }

    private static String body(Request request) {
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = request.getLength() > MAX_BODY_BYTES ? null : in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes == null || bytes.length > MAX_BODY_BYTES) {
                RefusedBodies.drop(in);
                throw new OAuthException(
                        413, "invalid_request", "The body is larger than " + MAX_BODY_BYTES + " bytes.");
            }
        } catch (IOException e) {
            throw OAuthException.invalidRequest("The body could not be read.");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Browser-based MCP clients (the Inspector) call these endpoints cross-origin without cookies. */
    private static void cors(Response response) {
        response.getHeaders().put("Access-Control-Allow-Origin", "*");
        response.getHeaders().put("Access-Control-Expose-Headers", "WWW-Authenticate");
    }

    private static void preflight(Response response, Callback callback) {
        response.getHeaders().put("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        response.getHeaders().put("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version");
        response.getHeaders().put("Access-Control-Max-Age", "600");
        response.setStatus(204);
        callback.succeeded();
    }

    private static void error(Response response, Callback callback, OAuthException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.getMessage());
        write(response, callback, e.status(), body, true);
    }

    private static void write(
            Response response, Callback callback, int status, Map<String, Object> body, boolean noStore) {
        String json = Json.mapper().writeValueAsString(body);
        HttpResponses.json(response, callback, status, json);
        if (!noStore) {
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=300");
        }
    }
}
