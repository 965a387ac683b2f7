package com.claribi.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Knows which connections are in the middle of an exchange, so a graceful stop can close idle
 * keep-alive connections at once while busy ones finish. An exchange counts from the moment its
 * handler is called until Jetty has written the whole response ({@link HttpStream#succeeded()}).
 * Once {@link #stopping()} is called, every exchange's connection is closed when it completes.
 * Thread-safe.
 */
final class ConnectionTracker extends Handler.Wrapper {
    /** Exchanges in progress per connection (HTTP/1.1: at most one, briefly two while the next starts). */
    private final ConcurrentMap<EndPoint, Integer> busy = new ConcurrentHashMap<>();

    private volatile boolean stopping;

    ConnectionTracker(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        busy.merge(endPoint, 1, Integer::sum);
        request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
            @Override
            public void succeeded() {
                super.succeeded();
                completed(endPoint);
            }

            @Override
            public void failed(Throwable failure) {
                super.failed(failure);
                completed(endPoint);
            }
        });
        if (stopping) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        return super.handle(request, response, callback);
    }

    private void completed(EndPoint endPoint) {
        busy.computeIfPresent(endPoint, (key, count) -> count == 1 ? null : count - 1);
        if (stopping) {
            endPoint.close();
        }
    }

    /**
     * From now on connections close after their exchange; the ones without an exchange close now.
     *
     * @param connected every open connection of the connector
     */
    void stopping(java.util.Collection<EndPoint> connected) {
        stopping = true;
        for (EndPoint endPoint : connected) {
            if (!busy.containsKey(endPoint)) {
                endPoint.close();
            }
        }
    }

    /** Closes every connection still open, once no exchange is left to wait for. */
    void closeAll(java.util.Collection<EndPoint> connected) {
        connected.forEach(EndPoint::close);
    }
}
