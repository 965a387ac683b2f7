package com.claribi.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one SSE response stream, kept so a client can resume with {@code Last-Event-ID}
 * (MCP 2025-11-25 §transports "Resumability and redelivery"). Holds at most {@link #MAX_BYTES} of
 * event data; later events are still delivered live but cannot be replayed. Thread-safe.
 */
final class EventLog {
    static final int MAX_BYTES = 256 * 1024;

    private final String streamId;
    private final List<String> events = new ArrayList<>();
    private int bytes;
    private int sequence;
    private boolean complete;
    private volatile boolean delivered;

    EventLog(String streamId) {
        this.streamId = streamId;
    }

    String streamId() {
        return streamId;
    }

    /** Records an event; returns its sequence number (1-based). */
    synchronized int append(String data) {
        sequence++;
        if (bytes + data.length() <= MAX_BYTES && events.size() == sequence - 1) {
            events.add(data);
            bytes += data.length();
        }
        notifyAll();
        return sequence;
    }

    /** The answer was written to the client's connection (which may still have broken). */
    void markDelivered() {
        delivered = true;
    }

    boolean delivered() {
        return delivered;
    }

    synchronized void complete() {
        complete = true;
        notifyAll();
    }

    /**
     * Waits up to {@code waitMillis} for events after {@code after}.
     *
     * @return the events after {@code after} (possibly none), and whether the stream is complete
     */
    synchronized Batch after(int after, long waitMillis) throws InterruptedException {
        if (events.size() <= after && !complete) {
            wait(waitMillis);
        }
        List<String> next = after < events.size() ? List.copyOf(events.subList(after, events.size())) : List.of();
        return new Batch(next, after + next.size(), complete && after + next.size() >= events.size());
    }

    record Batch(List<String> events, int lastSequence, boolean complete) {}
}
