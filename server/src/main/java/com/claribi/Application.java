package com.claribi;

import com.claribi.auth.Authenticator;
import com.claribi.billing.Pricing;
import com.claribi.http.HttpServer;
import com.claribi.http.OpsRoutes;
import com.claribi.mcp.McpRegistry;
import com.claribi.mcp.McpServer;
import com.claribi.mcp.McpTools;
import com.claribi.mcp.ToolAccessPolicy;
import com.claribi.platform.Config;
import com.claribi.storage.MetadataStore;
import com.claribi.storage.WorkspaceDatabases;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the whole object graph with {@code new} from one {@link Config},
 * starts the HTTP server, and closes everything it opened in reverse order. Production ({@link
 * Main}) and the in-process server tests both call {@link #start(Config)}.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final Deque<AutoCloseable> opened;
    private final HttpServer http;
    private final URI publicUrl;

    private Application(Deque<AutoCloseable> opened, HttpServer http, URI publicUrl) {
        this.opened = opened;
        this.http = http;
        this.publicUrl = publicUrl;
    }

    /**
     * Opens the stores, wires every feature and starts serving.
     *
     * @param mcpExtensions extra MCP registrations; production passes none, protocol tests add
     *     fixtures
     */
    public static Application start(Config config, McpRegistry.Extension... mcpExtensions) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened.push(metrics::close);
            new JvmMemoryMetrics().bindTo(metrics);
            JvmGcMetrics gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(metrics);
            opened.push(gcMetrics);
            new JvmThreadMetrics().bindTo(metrics);
            new ProcessorMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);

            MetadataStore metadata = MetadataStore.open(config.database(), config.home());
            opened.push(metadata);

            WorkspaceDatabases workspaces =
                    WorkspaceDatabases.create(config.home(), WorkspaceDatabases.Limits.defaults());
            opened.push(workspaces);
            metrics.gauge("claribi.workspace.databases.open", workspaces, WorkspaceDatabases::openDatabases);

            HttpServer.Routes routes = new HttpServer.Routes();
            OpsRoutes.register(routes, metadata::isReachable, metrics);

            McpRegistry mcpRegistry = new McpRegistry();
            McpTools.register(mcpRegistry, Pricing.load(config.pricingFile()));
            for (McpRegistry.Extension extension : mcpExtensions) {
                extension.register(mcpRegistry);
            }
            McpServer mcp =
                    McpServer.create(config, metadata, Authenticator.NONE, ToolAccessPolicy.ALLOW_ALL, mcpRegistry);
            mcp.register(routes);

            HttpServer http = HttpServer.start(config.bind(), config.port(), routes, Duration.ofSeconds(20));
            opened.push(http);
            URI publicUrl = config.publicUrl()
                    .orElseGet(() -> URI.create("http://" + hostForUrl(config.bind()) + ":" + http.port()));
            mcp.serving(publicUrl);
            opened.push(mcp);
            log.info("clariBI listening on {}:{} (public URL {})", config.bind(), http.port(), publicUrl);
            return new Application(opened, http, publicUrl);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    /** The base URL clients use, without a trailing slash. */
    public URI publicUrl() {
        return publicUrl;
    }

    /** Stops the HTTP server first (draining in-flight requests), then the stores, newest first. */
    @Override
    public void close() {
        RuntimeException failure = new IllegalStateException("clariBI did not shut down cleanly");
        closeAll(opened, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeAll(Deque<AutoCloseable> opened, Throwable collector) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                collector.addSuppressed(e);
            }
        }
    }

    private static String hostForUrl(String bind) {
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            return "localhost";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }
}
