package com.claribi.mcp;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.LoggerFactory;

/** Sends each MCP path to its handler once the server knows its public URL. */
final class McpRoutes extends Handler.Abstract {
    private final McpServer server;
    private volatile StreamableHttpHandler streamable;
    private volatile LegacySseHandler legacy;

    McpRoutes(McpServer server) {
        this.server = server;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            return route(request, response, callback);
        } catch (RuntimeException e) {
            // Never let Jetty's error page (which names exception classes) answer for us.
            LoggerFactory.getLogger(McpRoutes.class).error("MCP routing failed", e);
            if (!response.isCommitted()) {
                response.setStatus(500);
                response.getHeaders().put("Content-Type", "application/json");
                response.write(
                        true,
                        java.nio.ByteBuffer.wrap(
                                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"Internal error.\"}}"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        callback);
            } else {
                callback.failed(e);
            }
            return true;
        }
    }

    private boolean route(Request request, Response response, Callback callback) {
        if (server.dispatcher() == null) {
            response.setStatus(503);
            callback.succeeded();
            return true;
        }
        if (streamable == null) {
            synchronized (this) {
                if (streamable == null) {
                    StreamableHttpHandler handler = new StreamableHttpHandler(
                            server,
                            server.dispatcher(),
                            server.sessions(),
                            server.authenticator(),
                            server.mapper(),
                            server.clientRequests());
                    legacy = new LegacySseHandler(server, handler);
                    streamable = handler;
                }
            }
        }
        String path = request.getHttpURI().getPath();
        if (path.startsWith("/api/mcp-server/tool-catalog")) {
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                response.getHeaders().put("Allow", "GET, HEAD");
                streamable.fail(response, callback, null, McpException.transport(405, "Use GET."), true);
                return true;
            }
            streamable.writeJson(response, callback, 200, server.toolCatalog());
            return true;
        }
        if (path.equals("/mcp/v1/sse") || path.equals("/mcp/v1/messages")) {
            return legacy.handle(request, response, callback);
        }
        return streamable.handle(request, response, callback);
    }
}
