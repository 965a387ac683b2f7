package com.claribi.mcp;

import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP+SSE transport of protocol 2024-11-05: {@code GET /mcp/v1/sse} opens the stream and
 * names the message endpoint; {@code POST /mcp/v1/messages?session_id=…} answers 202 and the
 * response travels on the stream. The stream lives in one process, so the POSTs must reach it too.
 */
final class LegacySseHandler {
    private static final Logger log = LoggerFactory.getLogger(LegacySseHandler.class);

    private final McpServer server;
    private final StreamableHttpHandler streamable;

    LegacySseHandler(McpServer server, StreamableHttpHandler streamable) {
        this.server = server;
        this.streamable = streamable;
    }

    boolean handle(Request request, Response response, Callback callback) {
        try {
            server.checkOrigin(request, response);
            String path = request.getHttpURI().getPath();
            if (path.equals("/mcp/v1/sse") && request.getMethod().equals("GET")) {
                open(response, callback);
            } else if (path.equals("/mcp/v1/messages") && request.getMethod().equals("POST")) {
                message(request, response, callback);
            } else {
                response.getHeaders().put("Allow", path.endsWith("/sse") ? "GET" : "POST");
                throw McpException.transport(405, "Method not allowed here.");
            }
        } catch (McpException e) {
            streamable.fail(response, callback, null, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.succeeded();
        } catch (RuntimeException e) {
            log.error("legacy MCP request failed", e);
            streamable.fail(
                    response,
                    callback,
                    null,
                    new McpException(McpException.INTERNAL_ERROR, "Internal error.", 500),
                    true);
        }
        return true;
    }

    private void open(Response response, Callback callback) throws InterruptedException {
        SessionStore.Session session = server.sessions().create(Versions.V2024_11_05, "sse", null, null, "{}");
        response.setStatus(200);
        SseStream sse = SseStream.open(response, server.mapper(), null, "message");
        if (sse.raw("event: endpoint\ndata: /mcp/v1/messages?session_id=" + session.id() + "\n\n")) {
            server.streams()
                    .serve(
                            session.id(),
                            sse,
                            () -> server.sessions().find(session.id()).isPresent());
        }
        sse.close();
        server.sessions().end(session.id());
        callback.succeeded();
    }

    private void message(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String sessionId = query.getValue("session_id");
        if (sessionId == null) {
            throw McpException.transport(400, "Missing session_id query parameter.");
        }
        SessionStore.Session session = server.sessions()
                .find(sessionId)
                .filter(found -> found.transport().equals("sse"))
                .orElseThrow(() -> McpException.transport(404, "Session not found; open /mcp/v1/sse again."));
        byte[] body = streamable.readBody(request);
        JsonNode parsed;
        try {
            parsed = server.mapper().readTree(body);
        } catch (JacksonException e) {
            throw McpException.parse("Parse error: the body is not valid JSON.");
        }
        JsonRpc.Message message = JsonRpc.parse(parsed);
        streamable.checkBodySize(message, body.length);
        Authentication authentication = streamable.authenticate(request);
        Optional<String> clientAddress = StreamableHttpHandler.clientAddress(request);
        switch (message) {
            case JsonRpc.Response answer -> server.clientRequests().complete(session.id(), answer);
            case JsonRpc.Notification notification -> streamable.notification(session.id(), notification);
            case JsonRpc.Request rpc -> {
                if (authentication instanceof Authentication.Refused(String refusal)) {
                    throw server.dispatcher().unauthorized(refusal, "");
                }
                server.dispatcher().checkAccess(rpc, authentication);
                Thread.ofVirtual()
                        .name("mcp-sse-request")
                        .start(() -> run(session, rpc, authentication, clientAddress));
            }
        }
        response.setStatus(202);
        callback.succeeded();
    }

    private void run(
            SessionStore.Session session,
            JsonRpc.Request rpc,
            Authentication authentication,
            Optional<String> clientAddress) {
        Outbound outbound = new Outbound() {
            @Override
            public boolean streaming() {
                return true;
            }

            @Override
            public boolean send(ObjectNode message) {
                return server.streams().send(session.id(), message);
            }
        };
        ObjectNode answer;
        try {
            if (rpc.method().equals("initialize")) {
                String requested = rpc.params().path("protocolVersion").asString("");
                String version = Versions.ALL.contains(requested) && !Versions.STATELESS_VERSIONS.contains(requested)
                        ? requested
                        : Versions.V2024_11_05;
                JsonNode capabilities = rpc.params().get("capabilities");
                JsonNode clientInfo = rpc.params().path("clientInfo");
                server.sessions()
                        .initialized(
                                session.id(),
                                version,
                                clientInfo.path("name").asString(null),
                                clientInfo.path("version").asString(null),
                                capabilities instanceof ObjectNode
                                        ? server.mapper().writeValueAsString(capabilities)
                                        : "{}");
                answer = JsonRpc.result(rpc.id(), server.dispatcher().initializeResult(version, true));
            } else {
                SessionStore.Session current =
                        server.sessions().find(session.id()).orElse(session);
                ObjectNode capabilities = streamable.parseObject(current.clientCapabilities());
                Exchange exchange = new Exchange(
                        current.protocolVersion(),
                        Optional.of(current),
                        authentication,
                        clientAddress,
                        capabilities,
                        Optional.of(current.logLevel()
                                .flatMap(LogLevel::fromWireName)
                                .orElse(LogLevel.INFO)),
                        outbound,
                        rpc.meta().get("progressToken"),
                        server.clientRequests(),
                        null);
                answer = JsonRpc.result(rpc.id(), server.dispatcher().handle(rpc, exchange));
            }
        } catch (McpException e) {
            answer = JsonRpc.error(rpc.id(), e.code(), e.getMessage(), e.data());
        } catch (RuntimeException e) {
            log.error("legacy MCP request failed", e);
            answer = JsonRpc.error(rpc.id(), McpException.INTERNAL_ERROR, "Internal error.", null);
        }
        outbound.send(answer);
    }
}
