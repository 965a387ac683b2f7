package com.claribi.mcp;

import com.claribi.auth.Principal;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a handler may use besides its arguments. One per call; not shared between threads except
 * that {@link #cancelled()} may be read from any thread.
 */
public interface CallContext {

    /** The authenticated caller; empty for anonymous calls. */
    Optional<Principal> principal();

    /**
     * The authenticated caller, for tools that declare a scope (the transport answers 401 before
     * such a tool runs without one, so this only fails if a tool is registered without a scope).
     */
    default Principal requirePrincipal() {
        return principal()
                .orElseThrow(() -> new ClariException(ErrorCode.UNAUTHENTICATED, "Sign in to use this tool."));
    }

    /** The protocol version this call arrived with. */
    String protocolVersion();

    /**
     * Reports progress when the request carried a {@code progressToken}; otherwise does nothing
     * (MCP §basic/utilities/progress). {@code progress} must increase between calls.
     *
     * @param total the total when known, else {@code null}
     * @param message optional human-readable status, else {@code null}
     */
    void progress(double progress, Double total, String message);

    /** True once the client cancelled this request or went away; long work should stop. */
    boolean cancelled();

    /** Sends a {@code notifications/message} log entry when the client's level lets it through. */
    void log(LogLevel level, String logger, JsonNode data);

    /**
     * Asks the client something (sampling, elicitation, roots) and waits for the answer. On the
     * stateful transports the request is sent on the call's stream; on the 2026-07-28 stateless
     * transport the call ends with an {@code input_required} result and the client retries with
     * the answer (SEP-2322), so handlers must be safe to re-run up to their client requests.
     *
     * @param key names this request among the call's client requests; stable across retries
     * @param method {@code sampling/createMessage}, {@code elicitation/create} or {@code roots/list}
     * @return the client's result
     * @throws com.claribi.platform.ClariException when the client lacks the capability or failed
     */
    default JsonNode requestFromClient(String key, String method, ObjectNode params) {
        return requestFromClient(java.util.Map.of(key, new ClientRequest(method, params)))
                .get(key);
    }

    /**
     * Asks the client several things at once; on the stateless transport they all travel in one
     * {@code input_required} result.
     *
     * @return the client's results by key
     */
    java.util.Map<String, JsonNode> requestFromClient(java.util.Map<String, ClientRequest> requests);

    /**
     * One server-to-client request.
     *
     * @param method {@code sampling/createMessage}, {@code elicitation/create} or {@code roots/list}
     */
    record ClientRequest(String method, ObjectNode params) {
        public ClientRequest {
            java.util.Objects.requireNonNull(params, "params");
            if (!java.util.List.of("sampling/createMessage", "elicitation/create", "roots/list")
                    .contains(method)) {
                throw new IllegalArgumentException("not a client request method: " + method);
            }
        }

        /** The client capability the method needs. */
        public String capability() {
            return switch (method) {
                case "sampling/createMessage" -> "sampling";
                case "elicitation/create" -> "elicitation";
                default -> "roots";
            };
        }
    }

    /** The capabilities the client declared. */
    ObjectNode clientCapabilities();

    /**
     * The caller's network address as the server saw it, for per-address limits such as signup's;
     * empty when the transport does not know it.
     */
    default Optional<String> clientAddress() {
        return Optional.empty();
    }
}
