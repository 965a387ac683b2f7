package com.claribi.mcp;

import com.claribi.auth.Authenticator;
import com.claribi.billing.Pricing;
import com.claribi.http.HttpServer;
import com.claribi.platform.Config;
import com.claribi.storage.MetadataStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The MCP server on a real Jetty on port 0 over a real embedded metadata store, with a chosen
 * authenticator and access policy, plus a small java.net.http client for wire tests.
 */
final class TestServer implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final MetadataStore metadata;
    private final boolean ownsMetadata;
    private final McpServer mcp;
    private final HttpServer http;
    final URI url;
    final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(
            MetadataStore metadata,
            boolean ownsMetadata,
            Authenticator authenticator,
            ToolAccessPolicy policy,
            McpRegistry.Extension... extensions) {
        this.metadata = metadata;
        this.ownsMetadata = ownsMetadata;
        McpRegistry registry = new McpRegistry();
        McpTools.register(registry, Pricing.load(java.util.Optional.empty()));
        for (McpRegistry.Extension extension : extensions) {
            extension.register(registry);
        }
        Config config = Config.defaults().withPort(0);
        mcp = McpServer.create(config, metadata, authenticator, policy, registry);
        HttpServer.Routes routes = new HttpServer.Routes();
        mcp.register(routes);
        http = HttpServer.start("127.0.0.1", 0, routes, Duration.ofSeconds(1));
        url = URI.create("http://127.0.0.1:" + http.port());
        mcp.serving(url);
    }

    static TestServer start(Path home, Authenticator authenticator, McpRegistry.Extension... extensions) {
        return new TestServer(
                MetadataStore.open(Config.defaults().database(), home),
                true,
                authenticator,
                ToolAccessPolicy.ALLOW_ALL,
                extensions);
    }

    /** A server on the given metadata database (e.g. a fresh PostgreSQL one). */
    static TestServer start(Path home, Config.Database database, Authenticator authenticator) {
        return new TestServer(MetadataStore.open(database, home), true, authenticator, ToolAccessPolicy.ALLOW_ALL);
    }

    static TestServer start(
            Path home, Authenticator authenticator, ToolAccessPolicy policy, McpRegistry.Extension... extensions) {
        return new TestServer(
                MetadataStore.open(Config.defaults().database(), home), true, authenticator, policy, extensions);
    }

    /** A second server process stand-in sharing this one's metadata store. */
    TestServer sibling() {
        return new TestServer(metadata, false, Authenticator.NONE, ToolAccessPolicy.ALLOW_ALL);
    }

    McpServer mcp() {
        return mcp;
    }

    URI endpoint() {
        return URI.create(url + "/mcp/v1/");
    }

    HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint())
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int index = 0; index < headers.length; index += 2) {
            builder.header(headers[index], headers[index + 1]);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Initializes a 2025-11-25 session and returns its id. */
    String initialize() throws Exception {
        HttpResponse<String> response = post("""
                {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                            "clientInfo": {"name": "wire-test", "version": "1.0"}}}""");
        String session = response.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(
                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}",
                "Mcp-Session-Id",
                session,
                "MCP-Protocol-Version",
                "2025-11-25");
        return session;
    }

    /** A POST on a session with the negotiated protocol version. */
    HttpResponse<String> call(String session, String body, String... headers) throws Exception {
        List<String> all = new ArrayList<>(List.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25"));
        all.addAll(List.of(headers));
        return post(body, all.toArray(String[]::new));
    }

    /** The JSON-RPC message in a JSON or single-response SSE body. */
    static String message(HttpResponse<String> response) {
        String body = response.body();
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data: ") && line.length() > 6) {
                    last = line.substring(6);
                }
            }
            return last;
        }
        return body;
    }

    @Override
    public void close() {
        client.close();
        mcp.close();
        http.close();
        if (ownsMetadata) {
            metadata.close();
        }
        opened.forEach(closeable -> {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
