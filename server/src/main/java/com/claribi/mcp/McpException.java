package com.claribi.mcp;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Protocol misuse: becomes a JSON-RPC error (and, where the transport requires, an HTTP status) in
 * one place, {@link StreamableHttpHandler}. Messages are written for the client and never hold a
 * stack trace, class name or SQL text. Tool-level problems are not exceptions of this kind: they
 * are {@code isError} results.
 */
final class McpException extends RuntimeException {
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** Generic server error used for transport problems (session, origin, auth). */
    static final int SERVER_ERROR = -32000;
    /** 2026-07-28: a routing header disagrees with the body. */
    static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: the request needs a client capability the client did not declare. */
    static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the requested protocol version is not supported. */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private final int code;
    private final transient JsonNode data;
    private final int httpStatus;
    private final transient Map<String, String> headers;

    McpException(int code, String message, JsonNode data, int httpStatus, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
        this.httpStatus = httpStatus;
        this.headers = Map.copyOf(headers);
    }

    McpException(int code, String message, int httpStatus) {
        this(code, message, null, httpStatus, Map.of());
    }

    static McpException parse(String message) {
        return new McpException(PARSE_ERROR, message, 400);
    }

    static McpException invalidRequest(String message) {
        return new McpException(INVALID_REQUEST, message, 400);
    }

    static McpException methodNotFound(String method) {
        return new McpException(METHOD_NOT_FOUND, "Method not found: " + truncate(method), 404);
    }

    static McpException invalidParams(String message) {
        return new McpException(INVALID_PARAMS, message, 400);
    }

    static McpException invalidParams(String message, JsonNode data) {
        return new McpException(INVALID_PARAMS, message, data, 400, Map.of());
    }

    static McpException transport(int httpStatus, String message) {
        return new McpException(SERVER_ERROR, message, httpStatus);
    }

    int code() {
        return code;
    }

    JsonNode data() {
        return data;
    }

    int httpStatus() {
        return httpStatus;
    }

    Map<String, String> headers() {
        return headers;
    }

    static String truncate(String value) {
        if (value == null) {
            return "(none)";
        }
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }
}
