package com.claribi.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * What to do with the rest of a request body that is refused (too large) before it was read whole.
 * A client writing a body does not read the answer until it has sent it; if the server answered
 * and closed at once, that client would see a connection reset instead of the 413. So a modest
 * remainder is read and dropped first; past {@link #DROPPED_AT_MOST} the connection closes.
 */
public final class RefusedBodies {
    static final long DROPPED_AT_MOST = 1024 * 1024;

    private RefusedBodies() {}

    /** Reads and drops up to {@link #DROPPED_AT_MOST} more bytes of {@code body}. */
    public static void drop(InputStream body) {
        byte[] buffer = new byte[8192];
        long left = DROPPED_AT_MOST;
        try {
            for (int n; left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client stopped sending; the refusal stands
        }
    }
}
