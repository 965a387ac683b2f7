package com.claribi.mcp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code text/event-stream} response (WHATWG server-sent events). Events carry ids {@code
 * <streamId>-<sequence>} so clients can resume; the optional priming event (an id with empty data,
 * SEP-1699) lets a client resume even before the first message. Writes block; thread-safe.
 */
final class SseStream implements Outbound {
    static final int RETRY_MILLIS = 1000;

    private final OutputStream out;
    private final JsonMapper mapper;
    private final EventLog log;
    private final String eventName;
    private boolean open = true;

    /**
     * @param log where events are recorded for resumption, or null for streams that are not
     *     resumable
     * @param eventName the SSE event type, or null for the default {@code message}
     */
    private SseStream(Response response, JsonMapper mapper, EventLog log, String eventName) {
        this.out = Content.Sink.asOutputStream(response);
        this.mapper = mapper;
        this.log = log;
        this.eventName = eventName;
    }

    /** Sets the SSE headers; the caller has set the status and any session header. */
    static SseStream open(Response response, JsonMapper mapper, EventLog log, String eventName) {
        response.getHeaders().put("Content-Type", "text/event-stream; charset=utf-8");
        response.getHeaders().put("Cache-Control", "no-cache, no-store");
        response.getHeaders().put("X-Accel-Buffering", "no");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        return new SseStream(response, mapper, log, eventName);
    }

    /** Sends the priming event: the stream's first id, a {@code retry} hint and no data. */
    synchronized void prime() {
        write("id: " + log.streamId() + "-0\nretry: " + RETRY_MILLIS + "\ndata: \n\n");
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public synchronized boolean send(ObjectNode message) {
        String data = mapper.writeValueAsString(message);
        StringBuilder event = new StringBuilder(data.length() + 64);
        if (log != null) {
            int sequence = log.append(data);
            event.append("id: ")
                    .append(log.streamId())
                    .append('-')
                    .append(sequence)
                    .append('\n');
        }
        if (eventName != null) {
            event.append("event: ").append(eventName).append('\n');
        }
        event.append("data: ").append(data).append("\n\n");
        return write(event.toString());
    }

    /** Writes an already-recorded event again (resumption). */
    synchronized boolean replay(String streamId, int sequence, String data) {
        return write("id: " + streamId + "-" + sequence + "\ndata: " + data + "\n\n");
    }

    /** A comment line; keeps proxies from closing an idle stream and detects gone clients. */
    synchronized boolean keepAlive() {
        return write(": keep-alive\n\n");
    }

    synchronized boolean raw(String text) {
        return write(text);
    }

    synchronized boolean isOpen() {
        return open;
    }

    private boolean write(String text) {
        if (!open) {
            return false;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            open = false;
            return false;
        }
    }

    /** Ends the response. */
    synchronized void close() {
        if (log != null) {
            log.complete();
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client has gone; nothing to finish
        }
        open = false;
    }
}
