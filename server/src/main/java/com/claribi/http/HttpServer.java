package com.claribi.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Jetty server: one connector on {@code bind:port}, request handling on virtual
 * threads (handlers may block), routes mapped by path, and a graceful stop that lets in-flight
 * requests finish before the stores behind them close, without waiting on idle connections.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final GracefulHandler graceful;
    private final ConnectionTracker connections;
    private final Duration shutdownGrace;

    private HttpServer(
            Server server,
            ServerConnector connector,
            GracefulHandler graceful,
            ConnectionTracker connections,
            Duration shutdownGrace) {
        this.server = server;
        this.connector = connector;
        this.graceful = graceful;
        this.connections = connections;
        this.shutdownGrace = shutdownGrace;
    }

    /** Collects path mappings before the server starts. */
    public static final class Routes {
        private final PathMappingsHandler mappings = new PathMappingsHandler();

        /**
         * Maps a Jetty path spec: {@code "/healthz"} exact, {@code "/mcp/v1/*"} prefix, {@code "^…$"}
         * regex.
         */
        public Routes add(String pathSpec, Handler handler) {
            mappings.addMapping(PathSpec.from(pathSpec), handler);
            return this;
        }

        Handler handler() {
            return mappings;
        }
    }

    /**
     * Binds and starts the server.
     *
     * @param shutdownGrace how long a stop waits for in-flight requests
     */
    public static HttpServer start(String bind, int port, Routes routes, Duration shutdownGrace) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("http");
        VirtualThreadPool virtualThreads = new VirtualThreadPool();
        virtualThreads.setName("http-virtual");
        threads.setVirtualThreadsExecutor(virtualThreads);
        Server server = new Server(threads);

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        httpConfig.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        // Jetty would shorten every connection's idle timeout on shutdown, busy ones included;
        // close() closes idle connections itself and lets busy ones finish.
        connector.setShutdownIdleTimeout(-1);
        server.addConnector(connector);

        GracefulHandler graceful = new GracefulHandler(new NotFoundFallback(routes.handler()));
        ConnectionTracker connections = new ConnectionTracker(graceful);
        server.setHandler(connections);
        server.setStopTimeout(shutdownGrace.toMillis());
        server.setStopAtShutdown(false);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException(
                    "HTTP server could not start on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        return new HttpServer(server, connector, graceful, connections, shutdownGrace);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /**
     * Stops gracefully: stops accepting connections, answers new requests 503, closes idle
     * keep-alive connections at once, waits up to the grace period for requests in flight (each
     * connection closes when its response is written), then stops. Long-lived streams (SSE) must be
     * ended by their owners first, or they hold the stop for the whole grace period.
     */
    @Override
    public void close() {
        if (!server.isRunning()) {
            return;
        }
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        try {
            connector.shutdown();
            CompletableFuture<Void> drained = graceful.shutdown();
            connections.stopping(connector.getConnectedEndPoints());
            try {
                drained.get(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.warn("HTTP requests still running after the {} s shutdown grace period", shutdownGrace.toSeconds());
            } catch (ExecutionException e) {
                log.warn("HTTP graceful shutdown failed", e.getCause());
            }
            connections.closeAll(connector.getConnectedEndPoints());
            server.setStopTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopNow();
        } catch (Exception e) {
            throw new IllegalStateException("HTTP server did not stop cleanly", e);
        }
    }

    private void stopNow() {
        try {
            server.setStopTimeout(0);
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("HTTP server did not stop cleanly", e);
        }
    }
}
