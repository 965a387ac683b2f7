package com.claribi.mcp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * Server-to-client requests awaiting their answer on the stateful transports. The answer arrives as
 * a separate POST on the same session; it must reach this process (documented in docs/mcp.md).
 * Thread-safe.
 */
final class ClientRequests {
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final AtomicLong counter = new AtomicLong();
    private final ConcurrentMap<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    record Pending(JsonNode id, CompletableFuture<JsonNode> answer, String key) {}

    Pending open(String sessionId) {
        JsonNode id = StringNode.valueOf("srv-" + counter.incrementAndGet());
        String key = sessionId + "|" + id.asString();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(key, answer);
        return new Pending(id, answer, key);
    }

    void close(Pending request) {
        pending.remove(request.key());
    }

    /** @return false when no request with this id is waiting for this session */
    boolean complete(String sessionId, JsonRpc.Response response) {
        CompletableFuture<JsonNode> answer =
                pending.remove(sessionId + "|" + response.id().asString());
        if (answer == null) {
            return false;
        }
        if (response.error() != null) {
            answer.completeExceptionally(
                    new ClientAnswerError(response.error().path("message").asString("the client refused the request")));
        } else {
            answer.complete(response.result());
        }
        return true;
    }

    /** The client answered a server request with a JSON-RPC error. */
    static final class ClientAnswerError extends RuntimeException {
        ClientAnswerError(String message) {
            super(message, null, false, false);
        }
    }
}
