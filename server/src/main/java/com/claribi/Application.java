package com.claribi;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.Mailer;
import com.claribi.accounts.Signup;
import com.claribi.analysis.Analyses;
import com.claribi.analysis.AnalysisEngine;
import com.claribi.analysis.AnalysisLimits;
import com.claribi.analysis.LlmPlanner;
import com.claribi.auth.Authenticator;
import com.claribi.auth.KeyAuthenticator;
import com.claribi.auth.oauth.AuthorizationServer;
import com.claribi.auth.oauth.OAuthAuthenticator;
import com.claribi.auth.oauth.OAuthRoutes;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.dashboards.Dashboards;
import com.claribi.http.HttpServer;
import com.claribi.http.OpsRoutes;
import com.claribi.ingest.DataSourceCatalog;
import com.claribi.ingest.DataSources;
import com.claribi.ingest.HostResolver;
import com.claribi.ingest.IngestLimits;
import com.claribi.ingest.Ingestor;
import com.claribi.ingest.SourceFormat;
import com.claribi.ingest.UrlFetcher;
import com.claribi.mcp.AccountTools;
import com.claribi.mcp.AnalysisTools;
import com.claribi.mcp.DataSourceTools;
import com.claribi.mcp.McpRegistry;
import com.claribi.mcp.McpServer;
import com.claribi.mcp.McpTools;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.rest.RestApi;
import com.claribi.storage.MetadataStore;
import com.claribi.storage.WorkspaceDatabases;
import com.claribi.web.WebApp;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Accounts accounts;
    private final Signup signup;
    private final Plans plans;
    private final Authenticator authenticator;
    private final WorkspaceDatabases workspaces;
    private final DataSourceCatalog catalog;
    private final Analyses analyses;
    private final Dashboards dashboards;

    private Application(
            Deque<AutoCloseable> opened,
            HttpServer http,
            URI publicUrl,
            Accounts accounts,
            Signup signup,
            Plans plans,
            Authenticator authenticator,
            WorkspaceDatabases workspaces,
            DataSourceCatalog catalog,
            Analyses analyses,
            Dashboards dashboards) {
        this.analyses = analyses;
        this.dashboards = dashboards;
        this.workspaces = workspaces;
        this.catalog = catalog;
        this.opened = opened;
        this.http = http;
        this.publicUrl = publicUrl;
        this.accounts = accounts;
        this.signup = signup;
        this.plans = plans;
        this.authenticator = authenticator;
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

            Clock clock = Clock.systemUTC();
            Pricing pricing = Pricing.load(config.pricingFile());
            AtomicReference<URI> publicUrlOnceBound =
                    new AtomicReference<>(config.publicUrl().orElse(null));
            Accounts accounts = new Accounts(metadata.jdbi(), clock);
            Mailer mailer = Mailer.fromConfig(config.smtp(), metadata.jdbi(), clock);
            Signup signup =
                    new Signup(accounts, mailer, Signup.Settings.defaults(pricing.signupTier(), pricing.trialDays()));
            opened.push(signup);
            Plans plans = new Plans(pricing, accounts, metadata.jdbi(), clock);
            // Client ID Metadata Documents are fetched with ingestion's SSRF-safe fetcher (SPEC §6),
            // with limits sized for a small JSON document.
            UrlFetcher metadataDocuments = new UrlFetcher(
                    new UrlFetcher.Limits(
                            64 * 1024, 3, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10)),
                    config.urlFetchAllowlist(),
                    HostResolver.system());
            opened.push(metadataDocuments);
            AuthorizationServer oauth = new AuthorizationServer(
                    metadata.jdbi(),
                    accounts,
                    clock,
                    publicUrlOnceBound::get,
                    AuthorizationServer.Settings.defaults(),
                    documentUrl -> fetchMetadataDocument(metadataDocuments, documentUrl));
            Authenticator authenticator =
                    new OAuthAuthenticator(new KeyAuthenticator(accounts, publicUrlOnceBound::get), oauth);

            UrlFetcher urlFetcher = UrlFetcher.create(config);
            opened.push(urlFetcher);
            DataSourceCatalog catalog = new DataSourceCatalog(metadata.jdbi(), Json.mapper(), clock);
            DataSources dataSources = new DataSources(
                    catalog, new Ingestor(IngestLimits.defaults(), clock), urlFetcher, workspaces, plans, 2);
            opened.push(dataSources);

            AnalysisLimits analysisLimits = AnalysisLimits.defaults();
            // the optional LLM planner (CLARIBI_LLM_PROVIDER); absent, the engine plans deterministically
            Optional<LlmPlanner> llmPlanner = LlmPlanner.create(config.llm(), Json.mapper());
            llmPlanner.ifPresent(opened::push);
            AnalysisEngine.warmUpChartsInBackground();
            Analyses analyses = new Analyses(
                    new AnalysisEngine(clock, analysisLimits, llmPlanner),
                    analysisLimits,
                    catalog,
                    workspaces,
                    plans,
                    metadata.jdbi(),
                    Json.mapper(),
                    clock,
                    Math.max(2, Runtime.getRuntime().availableProcessors()));
            opened.push(analyses);
            Dashboards dashboards = new Dashboards(analyses, metadata.jdbi(), clock);

            HttpServer.Routes routes = new HttpServer.Routes();
            OpsRoutes.register(routes, metadata::isReachable, metrics);
            routes.add(RestApi.PREFIX + "/*", new RestApi(authenticator, accounts, plans, dataSources, dashboards));
            new OAuthRoutes(oauth).register(routes);
            new WebApp(accounts, signup, oauth, metadata.jdbi(), clock, publicUrlOnceBound::get).register(routes);

            McpRegistry mcpRegistry = new McpRegistry();
            McpTools.register(mcpRegistry, pricing);
            AccountTools.register(mcpRegistry, signup, plans, publicUrlOnceBound::get);
            DataSourceTools.register(mcpRegistry, dataSources);
            AnalysisTools.register(mcpRegistry, analyses, dashboards);
            for (McpRegistry.Extension extension : mcpExtensions) {
                extension.register(mcpRegistry);
            }
            McpServer mcp =
                    McpServer.create(config, metadata, authenticator, AccountTools.tierPolicy(plans), mcpRegistry);
            mcp.register(routes);
            DataSourceTools.notifyChanges(dataSources, mcp);

            HttpServer http = HttpServer.start(config.bind(), config.port(), routes, Duration.ofSeconds(20));
            opened.push(http);
            URI publicUrl = config.publicUrl()
                    .orElseGet(() -> URI.create("http://" + hostForUrl(config.bind()) + ":" + http.port()));
            publicUrlOnceBound.set(publicUrl);
            mcp.serving(publicUrl);
            opened.push(mcp);
            dataSources.resumeInterrupted();
            log.info("clariBI listening on {}:{} (public URL {})", config.bind(), http.port(), publicUrl);
            return new Application(
                    opened,
                    http,
                    publicUrl,
                    accounts,
                    signup,
                    plans,
                    authenticator,
                    workspaces,
                    catalog,
                    analyses,
                    dashboards);
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

    /** The accounts feature of this graph (operator tasks and in-process tests). */
    public Accounts accounts() {
        return accounts;
    }

    /** Signup of this graph (in-process tests; users reach it through MCP). */
    public Signup signup() {
        return signup;
    }

    public Plans plans() {
        return plans;
    }

    /** The workspaces' DuckDB databases (in-process tests seed tables through it). */
    public WorkspaceDatabases workspaceDatabases() {
        return workspaces;
    }

    /** The data-source catalog (in-process tests record data sources through it). */
    public DataSourceCatalog dataSourceCatalog() {
        return catalog;
    }

    /** The analysis service (in-process tests). */
    public Analyses analyses() {
        return analyses;
    }

    /** Dashboards (in-process tests). */
    public Dashboards dashboards() {
        return dashboards;
    }

    /** The credential check both surfaces use. */
    public Authenticator authenticator() {
        return authenticator;
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

    private static String fetchMetadataDocument(UrlFetcher fetcher, URI documentUrl) {
        Path file = null;
        try {
            file = Files.createTempFile("claribi-client-metadata", ".json");
            fetcher.fetch(documentUrl.toString(), file, Optional.of(SourceFormat.JSON));
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the document could not be read");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file holds only public client metadata
                }
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
