package com.claribi.http;

import java.net.InetSocketAddress;
import java.time.Duration;
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

/**
 * The embedded Jetty server: one connector on {@code bind:port}, request handling on virtual
 * threads (handlers may block), routes mapped by path, and a graceful stop that lets in-flight
 * requests finish before the stores behind them close.
 */
public final class HttpServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    private HttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
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
        server.addConnector(connector);

        GracefulHandler graceful = new GracefulHandler(new NotFoundFallback(routes.handler()));
        server.setHandler(graceful);
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
        return new HttpServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** Stops accepting, waits up to the grace period for in-flight requests, then closes. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("HTTP server did not stop cleanly", e);
        }
    }
}
