package com.claribi.mcp;

import com.claribi.auth.Authenticator;
import com.claribi.http.HttpServer;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.storage.MetadataStore;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * clariBI's MCP server: mounts the Streamable HTTP transport at {@code /mcp/v1/}, the legacy
 * HTTP+SSE transport, the metadata document and the public tool catalog, all answering from one
 * {@link McpRegistry}. Call {@link #serving(URI)} once the HTTP server knows its public URL, and
 * {@link #close()} before stopping the HTTP server so open streams end.
 */
public final class McpServer implements AutoCloseable {
    /** Largest body of any request but a large-input {@code tools/call} (1 MiB). */
    public static final int SMALL_BODY_LIMIT = 1024 * 1024;
    /** Largest body of a {@code tools/call} to a tool declaring large input (34 MiB). */
    public static final int LARGE_BODY_LIMIT = 34 * 1024 * 1024;

    static final String VERSION = "0.1.0";

    private final McpRegistry registry;
    private final Config config;
    private final SessionStore sessions;
    private final SessionStreams streams = new SessionStreams();
    private final Authenticator authenticator;
    private final ToolAccessPolicy accessPolicy;
    private final JsonMapper mapper = Json.mapper();
    private final ClientRequests clientRequests = new ClientRequests();
    private final RequestState requestState = new RequestState(mapper, Clock.systemUTC());
    private volatile URI publicUrl;
    private volatile Set<String> allowedOrigins = Set.of();
    private volatile Dispatcher dispatcher;
    private final long bodyLimit;

    private McpServer(
            Config config,
            MetadataStore metadata,
            Authenticator authenticator,
            ToolAccessPolicy accessPolicy,
            McpRegistry registry) {
        this.config = config;
        this.sessions = new SessionStore(metadata, Clock.systemUTC());
        this.authenticator = authenticator;
        this.accessPolicy = accessPolicy;
        this.registry = registry;
        this.bodyLimit = registry.anyLargeInput() ? LARGE_BODY_LIMIT : SMALL_BODY_LIMIT;
    }

    /**
     * @param registry every tool, resource and prompt; frozen by this call
     */
    public static McpServer create(
            Config config,
            MetadataStore metadata,
            Authenticator authenticator,
            ToolAccessPolicy accessPolicy,
            McpRegistry registry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(authenticator, "authenticator");
        Objects.requireNonNull(accessPolicy, "accessPolicy");
        registry.freeze();
        return new McpServer(config, metadata, authenticator, accessPolicy, registry);
    }

    /** Adds the MCP routes; requests before {@link #serving(URI)} answer 503. */
    public void register(HttpServer.Routes routes) {
        McpRoutes handler = new McpRoutes(this);
        routes.add("/mcp/v1", handler);
        routes.add("/mcp/v1/", handler);
        routes.add("/mcp/v1/sse", handler);
        routes.add("/mcp/v1/messages", handler);
        routes.add("/api/mcp-server/tool-catalog", handler);
        routes.add("/api/mcp-server/tool-catalog/", handler);
    }

    /** Completes the wiring once the public URL is known. */
    public void serving(URI url) {
        this.publicUrl = url;
        Set<String> origins = new HashSet<>(config.allowedOrigins());
        origins.add(origin(url));
        this.allowedOrigins = Set.copyOf(origins);
        this.dispatcher = new Dispatcher(
                registry,
                accessPolicy,
                sessions,
                VERSION,
                url + "/.well-known/oauth-protected-resource/mcp/v1",
                requestState);
    }

    @Override
    public void close() {
        streams.close();
    }

    McpRegistry registry() {
        return registry;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    SessionStore sessions() {
        return sessions;
    }

    SessionStreams streams() {
        return streams;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    JsonMapper mapper() {
        return mapper;
    }

    ClientRequests clientRequests() {
        return clientRequests;
    }

    URI publicUrl() {
        return publicUrl;
    }

    boolean closing() {
        return streams.closing();
    }

    /** The hard cap on any body: 34 MiB when some tool takes large input, else 1 MiB. */
    long bodyLimit() {
        return bodyLimit;
    }

    /**
     * DNS-rebinding defence (MCP §basic/transports "Security warning"): a present {@code Origin}
     * must be our public origin, a configured one, or, when bound to loopback, a loopback origin;
     * on loopback the {@code Host} must name a loopback host or our public host.
     *
     * <p>An allowed {@code Origin} gets CORS headers naming exactly that origin; there is never a
     * wildcard.
     *
     * @throws McpException 403 otherwise
     */
    void checkOrigin(Request request, org.eclipse.jetty.server.Response response) {
        boolean loopback = isLoopback(config.bind());
        String origin = request.getHeaders().get("Origin");
        if (origin != null) {
            String normalized = origin.toLowerCase(Locale.ROOT);
            boolean allowed = allowedOrigins.contains(normalized)
                    || (loopback && isLoopbackOrigin(normalized, Request.getLocalPort(request)));
            if (!allowed) {
                throw McpException.transport(403, "Forbidden: this Origin may not call the MCP server.");
            }
            response.getHeaders().put("Access-Control-Allow-Origin", origin);
            response.getHeaders().put("Vary", "Origin");
            response.getHeaders()
                    .put("Access-Control-Expose-Headers", "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate");
        }
        if (loopback) {
            String host = hostName(request.getHeaders().get("Host"));
            if (host != null
                    && !isLoopbackHost(host)
                    && !host.equalsIgnoreCase(publicUrl == null ? "" : publicUrl.getHost())) {
                throw McpException.transport(403, "Forbidden: this Host may not call the MCP server.");
            }
        }
    }

    private static boolean isLoopback(String bind) {
        return bind.equals("127.0.0.1") || bind.equals("::1") || bind.equals("localhost") || bind.startsWith("127.");
    }

    private static boolean isLoopbackOrigin(String origin, int port) {
        for (String host : List.of("localhost", "127.0.0.1", "[::1]")) {
            if (origin.equals("http://" + host + ":" + port) || origin.equals("https://" + host + ":" + port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    private static String hostName(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String lower = hostHeader.toLowerCase(Locale.ROOT);
        if (lower.startsWith("[")) {
            int end = lower.indexOf(']');
            return end < 0 ? lower : lower.substring(0, end + 1);
        }
        int colon = lower.indexOf(':');
        return colon < 0 ? lower : lower.substring(0, colon);
    }

    private static String origin(URI url) {
        String base = url.getScheme() + "://" + url.getHost();
        return (url.getPort() < 0 ? base : base + ":" + url.getPort()).toLowerCase(Locale.ROOT);
    }

    /** {@code GET /mcp/v1/} with {@code Accept: application/json}: what this server is and offers. */
    ObjectNode metadataDocument() {
        String base = publicUrl.toString();
        ObjectNode document = JsonRpc.NODES
                .objectNode()
                .put("name", Dispatcher.SERVER_NAME)
                .put("title", "clariBI")
                .put("version", VERSION)
                .put("description", "AI business intelligence over MCP: upload data, ask questions, get reports.");
        ArrayNode versions = document.putArray("protocol_versions");
        Versions.ALL.forEach(versions::add);
        ObjectNode transports = document.putObject("transports");
        transports
                .putObject("streamable_http")
                .put("url", base + "/mcp/v1/")
                .put("protocol_versions", String.join(",", Versions.SESSION_VERSIONS) + "," + Versions.V2026_07_28);
        transports
                .putObject("sse")
                .put("url", base + "/mcp/v1/sse")
                .put("messages_url", base + "/mcp/v1/messages")
                .put("protocol_versions", Versions.V2024_11_05);
        document.putObject("authentication")
                .put("type", "oauth2")
                .put("protected_resource_metadata", base + "/.well-known/oauth-protected-resource/mcp/v1")
                .put("authorization_server_metadata", base + "/.well-known/oauth-authorization-server")
                .put("api_key_prefix", "claribi_mcp_");
        document.putObject("counts")
                .put("tools", registry.tools().size())
                .put("resources", registry.resources().size())
                .put("resource_templates", registry.templates().size())
                .put("prompts", registry.prompts().size());
        document.put("tool_catalog", base + "/api/mcp-server/tool-catalog/");
        return document;
    }

    /** The public catalog the SDKs are generated from (SPEC §1). */
    ObjectNode toolCatalog() {
        ObjectNode catalog =
                JsonRpc.NODES.objectNode().put("server", Dispatcher.SERVER_NAME).put("version", VERSION);
        ArrayNode tools = catalog.putArray("tools");
        for (Tool tool : registry.tools()) {
            ObjectNode node = tools.addObject()
                    .put("name", tool.name())
                    .put("title", tool.title())
                    .put("description", tool.description());
            node.set("input_schema", tool.inputSchema());
            tool.outputSchema().ifPresent(schema -> node.set("output_schema", schema));
            node.putObject("annotations")
                    .put("readOnlyHint", tool.annotations().readOnlyHint())
                    .put("destructiveHint", tool.annotations().destructiveHint())
                    .put("idempotentHint", tool.annotations().idempotentHint())
                    .put("openWorldHint", tool.annotations().openWorldHint());
            ArrayNode scopes = node.putArray("required_scopes");
            tool.requiredScope().ifPresent(scope -> scopes.add(scope.wireName()));
            node.put("requires_auth", tool.needsAuthentication());
            node.put("requires_mcp_server_access", tool.gatedByTier());
        }
        ArrayNode templates = catalog.putArray("resource_templates");
        for (ResourceTemplate template : registry.templates()) {
            ObjectNode node = templates
                    .addObject()
                    .put("uri_template", template.uriTemplate())
                    .put("name", template.name())
                    .put("title", template.title())
                    .put("description", template.description());
            template.mimeType().ifPresent(mime -> node.put("mime_type", mime));
        }
        ArrayNode prompts = catalog.putArray("prompts");
        for (Prompt prompt : registry.prompts()) {
            ObjectNode node = prompts.addObject()
                    .put("name", prompt.name())
                    .put("title", prompt.title())
                    .put("description", prompt.description());
            ArrayNode arguments = node.putArray("arguments");
            prompt.arguments()
                    .forEach(argument -> arguments
                            .addObject()
                            .put("name", argument.name())
                            .put("description", argument.description())
                            .put("required", argument.required()));
        }
        return catalog;
    }
}
