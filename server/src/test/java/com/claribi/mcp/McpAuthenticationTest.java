package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.auth.Authenticator;
import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.platform.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Every request is authenticated on its own; scopes and the tier gate decide what a caller may call. */
class McpAuthenticationTest {
    private static final String READER = "claribi_mcp_reader";
    private static final String NO_SCOPES = "claribi_mcp_noscopes";
    private static final String FREE_TIER = "claribi_mcp_free";
    private static final String REST_KEY = "claribi_api_rest";

    @TempDir
    Path home;

    private TestServer server;

    /** A hand-written authenticator: fixed tokens, fixed principals. */
    private static final Authenticator FAKE = (surface, token) -> switch (token) {
        case READER -> new Authenticator.Outcome.Authenticated(principal("ws_paid", Set.of(Scope.DATA_SOURCES_READ)));
        case NO_SCOPES -> new Authenticator.Outcome.Authenticated(principal("ws_paid", Set.of()));
        case FREE_TIER ->
            new Authenticator.Outcome.Authenticated(principal("ws_free", Set.of(Scope.DATA_SOURCES_READ)));
        case REST_KEY ->
            new Authenticator.Outcome.Refused(
                    "This is a REST API key; it works only at /api/v1/. Create an MCP key under Settings > Developer.");
        default -> new Authenticator.Outcome.Refused("This credential is not valid.");
    };

    private static Principal principal(String workspace, Set<Scope> scopes) {
        return new Principal("usr_1", workspace, scopes, Principal.CredentialKind.MCP_API_KEY, "key_1");
    }

    private static final ToolAccessPolicy TIER_GATE =
            (principal, tool) -> principal.workspaceId().equals("ws_free")
                    ? Optional.of("Your Free plan does not include MCP server access; upgrade to Trial or Starter.")
                    : Optional.empty();

    private static final McpRegistry.Extension SCOPED_TOOL = registry -> registry.tool(new Tool(
            "list_things",
            "List things",
            "A tool that needs data-sources:read",
            (tools.jackson.databind.node.ObjectNode) Json.mapper()
                    .readTree("{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}"),
            Optional.empty(),
            Tool.Annotations.READ_ONLY,
            List.of(),
            Optional.of(Scope.DATA_SOURCES_READ),
            true,
            false,
            (arguments, context) -> ToolResult.text(
                    "things of " + context.principal().orElseThrow().workspaceId())));

    @BeforeEach
    void start() {
        server = TestServer.start(home, FAKE, TIER_GATE, SCOPED_TOOL);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> callListThings(String session, String token) throws Exception {
        String body = """
                {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "list_things", "arguments": {}}}""";
        return token == null
                ? server.call(session, body)
                : server.call(session, body, "Authorization", "Bearer " + token);
    }

    @Test
    void discoveryAndAnonymousToolsNeedNoCredentials() throws Exception {
        String session = server.initialize();

        HttpResponse<String> list = server.call(session, """
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}""");
        HttpResponse<String> pricing = server.call(session, """
                {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "check_pricing"}}""");

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(Json.mapper()
                        .readTree(TestServer.message(pricing))
                        .path("result")
                        .path("isError")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void aScopedToolWithoutCredentialsIs401WithTheResourceMetadata() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = callListThings(session, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .isEqualTo("Bearer resource_metadata=\"" + server.url
                        + "/.well-known/oauth-protected-resource/mcp/v1\", scope=\"data-sources:read\"");
    }

    @Test
    void aRefusedCredentialsMessageReachesThe401Body() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = callListThings(session, REST_KEY);

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = Json.mapper().readTree(response.body());
        assertThat(body.path("error").path("message").asString()).contains("REST API key", "/api/v1/");
        assertThat(body.path("id").asInt()).isEqualTo(3);
    }

    @Test
    void aCredentialWithoutTheScopeIs403InsufficientScope() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = callListThings(session, NO_SCOPES);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\", scope=\"data-sources:read\", resource_metadata=\"");
    }

    @Test
    void theRightScopeCallsTheToolWithThePrincipal() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = callListThings(session, READER);

        JsonNode result = Json.mapper().readTree(TestServer.message(response)).path("result");
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("things of ws_paid");
    }

    @Test
    void aTierWithoutMcpServerAccessIsAToolErrorNotAnException() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = callListThings(session, FREE_TIER);

        JsonNode result = Json.mapper().readTree(TestServer.message(response)).path("result");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).contains("upgrade");
    }

    @Test
    void theSessionIdIsNeverACredential() throws Exception {
        String session = server.initialize();
        callListThings(session, READER);

        HttpResponse<String> withoutToken = callListThings(session, null);

        assertThat(withoutToken.statusCode()).isEqualTo(401);
    }

    @Test
    void anInvalidTokenIs401EvenForAnonymousMethods() throws Exception {
        String session = server.initialize();

        HttpResponse<String> response = server.call(session, """
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}""", "Authorization", "Bearer nonsense");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("resource_metadata=");
    }
}
