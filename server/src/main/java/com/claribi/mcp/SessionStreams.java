package com.claribi.mcp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The open server-to-client streams of this process: Streamable HTTP GET streams and legacy SSE
 * connections, by session. Messages for a session without an open stream here are dropped (they
 * are notifications; a client that wants them keeps a stream open). Thread-safe.
 */
final class SessionStreams {
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final ObjectNode END = JsonRpc.NODES.objectNode();

    private final Map<String, Set<BlockingQueue<ObjectNode>>> queues = new ConcurrentHashMap<>();
    private volatile boolean closing;

    /** Queues a message for every open stream of the session; false when none is open here. */
    boolean send(String sessionId, ObjectNode message) {
        Set<BlockingQueue<ObjectNode>> open = queues.get(sessionId);
        if (open == null || open.isEmpty()) {
            return false;
        }
        open.forEach(queue -> queue.offer(message));
        return true;
    }

    /**
     * Writes the session's messages to {@code sse} until the client leaves, the session ends or the
     * server stops. Blocks the calling (virtual) thread.
     */
    void serve(String sessionId, SseStream sse, BooleanSupplier sessionLive) throws InterruptedException {
        BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>(1000);
        queues.computeIfAbsent(sessionId, id -> ConcurrentHashMap.newKeySet()).add(queue);
        try {
            long idle = 0;
            while (!closing) {
                ObjectNode message = queue.poll(500, TimeUnit.MILLISECONDS);
                if (message == END) {
                    return;
                }
                if (message != null) {
                    idle = 0;
                    if (!sse.send(message)) {
                        return;
                    }
                    continue;
                }
                idle += 500;
                if (idle >= KEEP_ALIVE_MILLIS) {
                    idle = 0;
                    if (!sse.keepAlive() || !sessionLive.getAsBoolean()) {
                        return;
                    }
                }
            }
        } finally {
            queues.computeIfPresent(sessionId, (id, set) -> {
                set.remove(queue);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Closes the session's streams (DELETE). */
    void end(String sessionId) {
        Set<BlockingQueue<ObjectNode>> open = queues.get(sessionId);
        if (open != null) {
            open.forEach(queue -> queue.offer(END));
        }
    }

    /** Ends every stream so the HTTP server can stop without waiting for them. */
    void close() {
        closing = true;
        queues.values().forEach(set -> set.forEach(queue -> queue.offer(END)));
    }

    boolean closing() {
        return closing;
    }
}
