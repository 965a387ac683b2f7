package com.claribi.mcp;

import com.claribi.auth.Authenticator;
import com.claribi.http.RefusedBodies;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Streamable HTTP transport at {@code /mcp/v1/} (MCP 2025-03-26, 2025-06-18, 2025-11-25
 * §basic/transports, and the stateless 2026-07-28 revision). Every protocol misuse is turned into
 * an HTTP status and JSON-RPC error here, in {@link #fail}, and nowhere else.
 */
final class StreamableHttpHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(StreamableHttpHandler.class);
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    private static final HttpField JSON_CONTENT_TYPE =
            new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    /** Bodies declaring at most this many bytes are read into an array of exactly their size. */
    private static final int PREALLOCATED_BODY = 64 * 1024;

    private static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    private static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    private static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";

    private final McpServer server;
    private final Dispatcher dispatcher;
    private final SessionStore sessions;
    private final Authenticator authenticator;
    private final JsonMapper mapper;
    private final ClientRequests clientRequests;
    /** Requests in flight on this process, for {@code notifications/cancelled}. */
    private final ConcurrentMap<String, Exchange> inFlight = new ConcurrentHashMap<>();

    /**
     * Logs of SSE responses a client may still resume: kept 5 minutes after their last event, and
     * {@link #DELIVERED_LOG_GRACE} once the answer was written. A successful write only means the
     * bytes reached our socket, not the client, whose connection may have broken at that moment.
     * At most {@link #MAX_EVENT_LOGS} logs of at most {@link EventLog#MAX_BYTES} each: replay
     * memory is bounded at 256 MiB however many streams are resumable.
     */
    private final Cache<String, EventLog> eventLogs = Caffeine.newBuilder()
            .expireAfter(Expiry.<String, EventLog>writing(
                    (streamId, log) -> log.delivered() ? DELIVERED_LOG_GRACE : Duration.ofMinutes(5)))
            .maximumSize(MAX_EVENT_LOGS)
            .build();

    private static final int MAX_EVENT_LOGS = 1_000;
    private static final Duration DELIVERED_LOG_GRACE = Duration.ofSeconds(30);

    /** Parsed client capabilities by their text; clients of one kind all send the same. */
    private final Cache<String, ObjectNode> parsedObjects =
            Caffeine.newBuilder().maximumSize(1_000).build();

    StreamableHttpHandler(
            McpServer server,
            Dispatcher dispatcher,
            SessionStore sessions,
            Authenticator authenticator,
            JsonMapper mapper,
            ClientRequests clientRequests) {
        this.server = server;
        this.dispatcher = dispatcher;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.mapper = mapper;
        this.clientRequests = clientRequests;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            server.checkOrigin(request, response);
            switch (request.getMethod()) {
                case "OPTIONS" -> preflight(response, callback);
                case "POST" -> post(request, response, callback);
                case "GET" -> get(request, response, callback);
                case "DELETE" -> delete(request, response, callback);
                default -> {
                    response.getHeaders().put("Allow", "GET, POST, DELETE, OPTIONS");
                    throw McpException.transport(405, "Use POST, GET, DELETE or OPTIONS.");
                }
            }
        } catch (McpException e) {
            fail(response, callback, null, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.succeeded();
        } catch (RuntimeException e) {
            log.error("MCP request failed", e);
            fail(response, callback, null, new McpException(McpException.INTERNAL_ERROR, "Internal error.", 500), true);
        }
        return true;
    }

    /** CORS preflight; only reached for an allowed (or absent) Origin. */
    private static void preflight(Response response, Callback callback) {
        response.getHeaders().put("Access-Control-Allow-Methods", "GET, POST, DELETE");
        response.getHeaders()
                .put(
                        "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID, "
                                + "Mcp-Method, Mcp-Name");
        response.getHeaders().put("Access-Control-Max-Age", "600");
        response.setStatus(204);
        callback.succeeded();
    }

    // ---- POST: one JSON-RPC message or a 2025-03-26 batch ----

    private void post(Request request, Response response, Callback callback) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.regionMatches(true, 0, "application/json", 0, 16)) {
            throw McpException.transport(415, "Send the JSON-RPC message as application/json.");
        }
        byte[] body = readBody(request);
        JsonNode parsed;
        try {
            parsed = mapper.readTree(body);
        } catch (JacksonException e) {
            throw McpException.parse("Parse error: the body is not valid JSON.");
        }
        if (parsed == null || parsed.isMissingNode()) {
            throw McpException.parse("Parse error: the body is empty.");
        }
        Authentication authentication = authenticate(request);
        if (parsed instanceof ArrayNode batch) {
            postBatch(request, response, callback, batch, body.length, authentication);
            return;
        }
        JsonRpc.Message message = JsonRpc.parse(parsed);
        try {
            postMessage(request, response, callback, message, body.length, authentication);
        } catch (McpException e) {
            fail(response, callback, message instanceof JsonRpc.Request rpc ? rpc.id() : null, e, true);
        }
    }

    private void postMessage(
            Request request,
            Response response,
            Callback callback,
            JsonRpc.Message message,
            int bodyLength,
            Authentication authentication) {
        checkBodySize(message, bodyLength);
        String headerVersion = request.getHeaders().get(VERSION_HEADER);
        // With a session id an unknown version is the session's problem (400); without one it is
        // a stateless request for a version we may not speak (-32022).
        boolean withSession = request.getHeaders().get(SESSION_HEADER) != null;
        boolean stateless = (headerVersion != null && Versions.STATELESS_VERSIONS.contains(headerVersion))
                || (!withSession && headerVersion != null && !Versions.ALL.contains(headerVersion))
                || (!withSession && hasMetaVersion(message));
        if (!stateless && message instanceof JsonRpc.Request rpc && rpc.method().equals("initialize")) {
            initialize(request, response, callback, rpc);
            return;
        }
        if (stateless) {
            postStateless(request, response, callback, message, headerVersion, authentication);
        } else {
            postInSession(request, response, callback, message, headerVersion, authentication);
        }
    }

    private static boolean hasMetaVersion(JsonRpc.Message message) {
        return message instanceof JsonRpc.Request rpc && rpc.meta().has(META_VERSION);
    }

    private void initialize(Request request, Response response, Callback callback, JsonRpc.Request rpc) {
        String requested = rpc.params().path("protocolVersion").asString("");
        String version = Versions.negotiate(requested);
        ObjectNode clientInfo = rpc.params().get("clientInfo") instanceof ObjectNode info ? info : null;
        JsonNode capabilities = rpc.params().get("capabilities");
        String capabilityText = capabilities instanceof ObjectNode ? mapper.writeValueAsString(capabilities) : "{}";
        SessionStore.Session session = sessions.create(
                version,
                "streamable",
                clientInfo == null ? null : clientInfo.path("name").asString(null),
                clientInfo == null ? null : clientInfo.path("version").asString(null),
                capabilityText);
        response.getHeaders().put(SESSION_HEADER, session.id());
        writeJson(response, callback, 200, JsonRpc.result(rpc.id(), dispatcher.initializeResult(version, true)));
    }

    private void postInSession(
            Request request,
            Response response,
            Callback callback,
            JsonRpc.Message message,
            String headerVersion,
            Authentication authentication) {
        SessionStore.Session session = requireSession(request);
        if (headerVersion != null && !headerVersion.equals(session.protocolVersion())) {
            throw McpException.transport(
                    400,
                    "Unsupported MCP-Protocol-Version " + McpException.truncate(headerVersion) + "; this session uses "
                            + session.protocolVersion() + ".");
        }
        switch (message) {
            case JsonRpc.Response answer -> {
                clientRequests.complete(session.id(), answer);
                accepted(response, callback);
            }
            case JsonRpc.Notification notification -> {
                notification(session.id(), notification);
                accepted(response, callback);
            }
            case JsonRpc.Request rpc -> {
                if (rejectsAuthentication(authentication, response, callback, rpc)) {
                    return;
                }
                boolean stream = acceptsEventStream(request) && streamsResponse(rpc);
                ObjectNode capabilities = parseObject(session.clientCapabilities());
                Optional<LogLevel> level = Optional.of(
                        session.logLevel().flatMap(LogLevel::fromWireName).orElse(LogLevel.INFO));
                respond(
                        request,
                        response,
                        callback,
                        rpc,
                        stream,
                        Versions.atLeast(session.protocolVersion(), Versions.V2025_11_25),
                        exchangeFactory(
                                session.protocolVersion(),
                                Optional.of(session),
                                authentication,
                                clientAddress(request),
                                capabilities,
                                level,
                                rpc));
            }
        }
    }

    private void postStateless(
            Request request,
            Response response,
            Callback callback,
            JsonRpc.Message message,
            String headerVersion,
            Authentication authentication) {
        if (!(message instanceof JsonRpc.Request rpc)) {
            // Notifications and stray responses carry nothing to answer without a session.
            accepted(response, callback);
            return;
        }
        try {
            ObjectNode meta = rpc.meta();
            if (headerVersion == null) {
                throw new McpException(McpException.HEADER_MISMATCH, "Missing MCP-Protocol-Version header.", 400);
            }
            if (!meta.has(META_VERSION) || !meta.has(META_CAPABILITIES)) {
                throw McpException.invalidParams(
                        "Invalid params: _meta must carry " + META_VERSION + " and " + META_CAPABILITIES + ".");
            }
            if (!headerVersion.equals(meta.path(META_VERSION).asString(""))) {
                throw new McpException(
                        McpException.HEADER_MISMATCH,
                        "MCP-Protocol-Version header does not match _meta " + META_VERSION + ".",
                        400);
            }
            if (!Versions.STATELESS_VERSIONS.contains(headerVersion)) {
                ObjectNode data = JsonRpc.NODES.objectNode();
                ArrayNode supported = data.putArray("supported");
                Versions.STATELESS_VERSIONS.forEach(supported::add);
                data.put("requested", headerVersion);
                throw new McpException(
                        McpException.UNSUPPORTED_PROTOCOL_VERSION,
                        "Unsupported protocol version.",
                        data,
                        400,
                        Map.of());
            }
            checkRoutingHeaders(request, rpc);
            if (rejectsAuthentication(authentication, response, callback, rpc)) {
                return;
            }
            ObjectNode capabilities =
                    meta.get(META_CAPABILITIES) instanceof ObjectNode given ? given : JsonRpc.NODES.objectNode();
            Optional<LogLevel> level =
                    LogLevel.fromWireName(meta.path(META_LOG_LEVEL).asString(""));
            boolean stream = acceptsEventStream(request) && streamsResponse(rpc);
            respond(
                    request,
                    response,
                    callback,
                    rpc,
                    stream,
                    false,
                    exchangeFactory(
                            headerVersion,
                            Optional.empty(),
                            authentication,
                            clientAddress(request),
                            capabilities,
                            level,
                            rpc));
        } catch (McpException e) {
            fail(response, callback, rpc.id(), e, true);
        }
    }

    /** 2026-07-28: {@code Mcp-Method} and {@code Mcp-Name} must repeat what the body says. */
    private static void checkRoutingHeaders(Request request, JsonRpc.Request rpc) {
        String method = request.getHeaders().get("Mcp-Method");
        if (method == null) {
            throw new McpException(McpException.HEADER_MISMATCH, "Missing Mcp-Method header.", 400);
        }
        if (!method.equals(rpc.method())) {
            throw new McpException(McpException.HEADER_MISMATCH, "Mcp-Method header does not match the body.", 400);
        }
        String nameField = switch (rpc.method()) {
            case "tools/call", "prompts/get" -> "name";
            case "resources/read" -> "uri";
            default -> null;
        };
        String name = request.getHeaders().get("Mcp-Name");
        if (nameField != null) {
            String bodyName = rpc.params().path(nameField).asString(null);
            if (name == null && bodyName != null) {
                throw new McpException(McpException.HEADER_MISMATCH, "Missing Mcp-Name header.", 400);
            }
            if (name != null && !name.equals(bodyName)) {
                throw new McpException(McpException.HEADER_MISMATCH, "Mcp-Name header does not match the body.", 400);
            }
        }
    }

    private interface ExchangeFactory {
        Exchange create(Outbound outbound);
    }

    private ExchangeFactory exchangeFactory(
            String version,
            Optional<SessionStore.Session> session,
            Authentication authentication,
            Optional<String> clientAddress,
            ObjectNode capabilities,
            Optional<LogLevel> level,
            JsonRpc.Request rpc) {
        JsonNode progressToken = rpc.meta().get("progressToken");
        ObjectNode inputResponses = rpc.params().get("inputResponses") instanceof ObjectNode given ? given : null;
        return outbound -> new Exchange(
                version,
                session,
                authentication,
                clientAddress,
                capabilities,
                level,
                outbound,
                progressToken,
                clientRequests,
                inputResponses);
    }

    /**
     * Runs a request and writes its answer. When the client accepts {@code text/event-stream} and
     * the handler sends a notification or a request before answering, the response becomes an SSE
     * stream at that moment; otherwise it stays plain JSON (MCP §transports allows either), which
     * keeps the common case to one write.
     */
    private void respond(
            Request request,
            Response response,
            Callback callback,
            JsonRpc.Request rpc,
            boolean stream,
            boolean resumable,
            ExchangeFactory factory) {
        boolean stateless = request.getHeaders().get(SESSION_HEADER) == null;
        LazyStream lazy = stream ? new LazyStream(response, resumable, stateless) : null;
        Exchange exchange = factory.create(lazy == null ? Outbound.NONE : lazy);
        if (lazy != null) {
            lazy.exchange = exchange;
        }
        String key = track(exchange, rpc);
        ObjectNode answer;
        try {
            answer = JsonRpc.result(rpc.id(), dispatcher.handle(rpc, exchange));
        } catch (McpException e) {
            if (lazy == null || !lazy.opened()) {
                fail(response, callback, rpc.id(), e, exchange.stateless());
                return;
            }
            answer = JsonRpc.error(rpc.id(), e.code(), e.getMessage(), e.data());
        } catch (RuntimeException e) {
            log.error("MCP request {} failed", rpc.method(), e);
            McpException internal = new McpException(McpException.INTERNAL_ERROR, "Internal error.", 500);
            if (lazy == null || !lazy.opened()) {
                fail(response, callback, rpc.id(), internal, true);
                return;
            }
            answer = JsonRpc.error(rpc.id(), internal.code(), internal.getMessage(), null);
        } finally {
            inFlight.remove(key);
        }
        if (lazy == null || !lazy.opened()) {
            writeJson(response, callback, 200, answer);
            return;
        }
        lazy.finish(answer);
        callback.succeeded();
    }

    /** An SSE response opened on the first message a handler sends; see {@link #respond}. */
    private final class LazyStream implements Outbound {
        private final Response response;
        private final boolean resumable;
        private final boolean cancelOnClose;
        private SseStream sse;
        private EventLog eventLog;
        private volatile Exchange exchange;

        LazyStream(Response response, boolean resumable, boolean cancelOnClose) {
            this.response = response;
            this.resumable = resumable;
            this.cancelOnClose = cancelOnClose;
        }

        synchronized boolean opened() {
            return sse != null;
        }

        @Override
        public boolean streaming() {
            return true;
        }

        @Override
        public synchronized boolean send(ObjectNode message) {
            if (sse == null) {
                response.setStatus(200);
                if (resumable) {
                    eventLog = new EventLog(UUID.randomUUID().toString());
                    eventLogs.put(eventLog.streamId(), eventLog);
                }
                sse = SseStream.open(response, mapper, eventLog, null);
                if (eventLog != null) {
                    sse.prime();
                }
            }
            boolean sent = sse.send(message);
            if (!sent && cancelOnClose && exchange != null) {
                // 2026-07-28: a closed response stream cancels its request.
                exchange.cancel();
            }
            return sent;
        }

        /** Sends the answer and ends the stream; a delivered stream's log is kept only briefly. */
        synchronized void finish(ObjectNode answer) {
            boolean delivered = sse.send(answer);
            sse.close();
            if (delivered && eventLog != null) {
                eventLog.markDelivered();
                eventLogs.put(eventLog.streamId(), eventLog);
            }
        }
    }

    private String track(Exchange exchange, JsonRpc.Request rpc) {
        String key = exchange.session().map(SessionStore.Session::id).orElse("-") + "|"
                + rpc.id().toString();
        inFlight.put(key, exchange);
        return key;
    }

    void notification(String sessionId, JsonRpc.Notification notification) {
        if (notification.method().equals("notifications/cancelled")) {
            JsonNode requestId = notification.params().get("requestId");
            if (requestId != null) {
                Exchange exchange = inFlight.get(sessionId + "|" + requestId);
                if (exchange != null) {
                    exchange.cancel();
                }
            }
        }
        // notifications/initialized, roots/list_changed and others need no answer.
    }

    private static boolean streamsResponse(JsonRpc.Request rpc) {
        return rpc.method().equals("tools/call") || rpc.meta().has("progressToken");
    }

    private void postBatch(
            Request request,
            Response response,
            Callback callback,
            ArrayNode batch,
            int bodyLength,
            Authentication authentication) {
        SessionStore.Session session = requireSession(request);
        if (!session.protocolVersion().equals(Versions.V2025_03_26)) {
            throw McpException.invalidRequest("JSON-RPC batches are only part of protocol 2025-03-26.");
        }
        if (batch.isEmpty()) {
            throw McpException.invalidRequest("An empty batch is not a valid request.");
        }
        if (bodyLength > McpServer.SMALL_BODY_LIMIT) {
            throw McpException.transport(413, "A batch may be at most 1 MiB.");
        }
        ArrayNode answers = JsonRpc.NODES.arrayNode();
        ObjectNode capabilities = parseObject(session.clientCapabilities());
        for (JsonNode element : batch) {
            JsonRpc.Message message;
            try {
                message = JsonRpc.parse(element);
            } catch (McpException e) {
                answers.add(JsonRpc.error(null, e.code(), e.getMessage(), e.data()));
                continue;
            }
            switch (message) {
                case JsonRpc.Response answer -> clientRequests.complete(session.id(), answer);
                case JsonRpc.Notification notification -> notification(session.id(), notification);
                case JsonRpc.Request rpc -> {
                    if (rpc.method().equals("initialize")) {
                        answers.add(JsonRpc.error(
                                rpc.id(),
                                McpException.INVALID_REQUEST,
                                "initialize must not be part of a batch.",
                                null));
                        continue;
                    }
                    if (authentication instanceof Authentication.Refused(String refusal)) {
                        answers.add(JsonRpc.error(rpc.id(), McpException.SERVER_ERROR, refusal, null));
                        continue;
                    }
                    Exchange exchange = new Exchange(
                            session.protocolVersion(),
                            Optional.of(session),
                            authentication,
                            clientAddress(request),
                            capabilities,
                            Optional.of(LogLevel.INFO),
                            Outbound.NONE,
                            null,
                            clientRequests,
                            null);
                    try {
                        answers.add(JsonRpc.result(rpc.id(), dispatcher.handle(rpc, exchange)));
                    } catch (McpException e) {
                        answers.add(JsonRpc.error(rpc.id(), e.code(), e.getMessage(), e.data()));
                    }
                }
            }
        }
        if (answers.isEmpty()) {
            accepted(response, callback);
        } else {
            writeJson(response, callback, 200, answers);
        }
    }

    // ---- GET: the server-to-client stream, resumption, or the metadata document ----

    private void get(Request request, Response response, Callback callback) throws InterruptedException {
        if (!acceptsEventStream(request)) {
            writeJson(response, callback, 200, server.metadataDocument());
            return;
        }
        String headerVersion = request.getHeaders().get(VERSION_HEADER);
        if (request.getHeaders().get(SESSION_HEADER) == null
                && headerVersion != null
                && Versions.STATELESS_VERSIONS.contains(headerVersion)) {
            response.getHeaders().put("Allow", "POST");
            throw McpException.transport(405, "Protocol 2026-07-28 has no standalone GET stream.");
        }
        SessionStore.Session session = requireSession(request);
        if (headerVersion != null && !headerVersion.equals(session.protocolVersion())) {
            throw McpException.transport(
                    400, "Unsupported MCP-Protocol-Version " + McpException.truncate(headerVersion) + ".");
        }
        response.setStatus(200);
        String lastEventId = request.getHeaders().get("Last-Event-ID");
        EventLog resumed = lastEventId == null ? null : eventLogs.getIfPresent(streamOf(lastEventId));
        if (resumed != null) {
            SseStream sse = SseStream.open(response, mapper, null, null);
            resume(sse, resumed, sequenceOf(lastEventId));
            sse.close();
            callback.succeeded();
            return;
        }
        SseStream sse = SseStream.open(response, mapper, null, null);
        server.streams()
                .serve(session.id(), sse, () -> sessions.find(session.id()).isPresent());
        sse.close();
        callback.succeeded();
    }

    private void resume(SseStream sse, EventLog eventLog, int after) throws InterruptedException {
        int next = after;
        while (!server.closing()) {
            EventLog.Batch batch = eventLog.after(next, 1000);
            for (String event : batch.events()) {
                next++;
                if (!sse.replay(eventLog.streamId(), next, event)) {
                    return;
                }
            }
            if (batch.complete()) {
                return;
            }
            if (batch.events().isEmpty() && !sse.keepAlive()) {
                return;
            }
        }
    }

    private static String streamOf(String eventId) {
        int dash = eventId.lastIndexOf('-');
        return dash <= 0 ? "" : eventId.substring(0, dash);
    }

    private static int sequenceOf(String eventId) {
        try {
            return Math.max(0, Integer.parseInt(eventId.substring(eventId.lastIndexOf('-') + 1)));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return 0;
        }
    }

    // ---- DELETE: the client ends its session ----

    private void delete(Request request, Response response, Callback callback) {
        String id = request.getHeaders().get(SESSION_HEADER);
        if (id == null) {
            throw McpException.transport(400, "Missing Mcp-Session-Id header.");
        }
        if (!sessions.end(id)) {
            throw McpException.transport(404, "Session not found or already ended.");
        }
        server.streams().end(id);
        response.setStatus(200);
        callback.succeeded();
    }

    // ---- shared helpers ----

    private SessionStore.Session requireSession(Request request) {
        String id = request.getHeaders().get(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            throw McpException.transport(400, "Bad Request: Mcp-Session-Id header is required; call initialize first.");
        }
        return sessions.find(id)
                .orElseThrow(
                        () -> McpException.transport(404, "Session not found; it ended or expired. Initialize again."));
    }

    /** The caller's IP address as the connection shows it (signup throttles per address). */
    static Optional<String> clientAddress(Request request) {
        return Optional.ofNullable(Request.getRemoteAddr(request));
    }

    Authentication authenticate(Request request) {
        String header = request.getHeaders().get("Authorization");
        if (header == null) {
            return new Authentication.Anonymous();
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            return new Authentication.Refused("Send credentials as Authorization: Bearer <token>.");
        }
        return switch (authenticator.authenticate(
                Authenticator.Surface.MCP, header.substring(7).trim())) {
            case Authenticator.Outcome.Authenticated authenticated ->
                new Authentication.Authenticated(authenticated.principal());
            case Authenticator.Outcome.Refused refused -> new Authentication.Refused(refused.message());
        };
    }

    /** A presented but invalid credential answers 401 on any request (RFC 6750 §3.1). */
    private boolean rejectsAuthentication(
            Authentication authentication, Response response, Callback callback, JsonRpc.Request rpc) {
        if (authentication instanceof Authentication.Refused(String message)) {
            fail(response, callback, rpc.id(), dispatcher.unauthorized(message, ""), true);
            return true;
        }
        return false;
    }

    /**
     * The whole body, at most {@link McpServer#bodyLimit()} bytes, read from Jetty's chunks into one
     * array. With a {@code Content-Length} of up to {@link #PREALLOCATED_BODY} bytes (every usual
     * message) the array has exactly that size; larger or chunked bodies grow it as bytes arrive, so
     * a declared length alone never reserves memory, and are refused as soon as they pass the limit.
     */
    byte[] readBody(Request request) {
        long limit = server.bodyLimit();
        long declared = request.getLength();
        if (declared > limit) {
            throw refused(request, tooLarge(limit));
        }
        int expected = declared >= 0 ? (int) declared : (int) limit;
        int initial = declared >= 0 ? (int) Math.min(declared, PREALLOCATED_BODY) : 4096;
        try {
            byte[] body = new byte[initial];
            int filled = 0;
            while (true) {
                Content.Chunk chunk = nextChunk(request);
                ByteBuffer bytes = chunk.getByteBuffer();
                int count = bytes.remaining();
                if (count > expected - filled) {
                    chunk.release();
                    throw refused(
                            request,
                            declared >= 0
                                    ? McpException.transport(400, "The request body is longer than its Content-Length.")
                                    : tooLarge(limit));
                }
                try {
                    if (count > body.length - filled) {
                        body = Arrays.copyOf(body, Math.min(expected, Math.max(body.length * 2, filled + count)));
                    }
                    bytes.get(body, filled, count);
                    filled += count;
                    if (chunk.isLast()) {
                        if (declared >= 0 && filled != declared) {
                            throw McpException.transport(400, "The request body is shorter than its Content-Length.");
                        }
                        return filled == body.length ? body : Arrays.copyOf(body, filled);
                    }
                } finally {
                    chunk.release();
                }
            }
        } catch (IOException e) {
            throw McpException.transport(400, "The request body could not be read.");
        }
    }

    /** The next chunk of the body, blocking this (virtual) thread until one arrives. */
    private static Content.Chunk nextChunk(Request request) throws IOException {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                Blocker.Runnable blocker = Blocker.runnable();
                try (blocker) {
                    request.demand(blocker);
                    blocker.block();
                }
                continue;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                chunk.release();
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            return chunk;
        }
    }

    /**
     * {@code refusal}, after dropping what is left of the body (within {@link RefusedBodies}' bound)
     * so a client still writing it reads the refusal instead of a reset connection.
     */
    private static McpException refused(Request request, McpException refusal) {
        RefusedBodies.drop(Request.asInputStream(request));
        return refusal;
    }

    private static McpException tooLarge(long limit) {
        return McpException.transport(413, "The request body is larger than " + limit / (1024 * 1024) + " MiB.");
    }

    /** Only {@code tools/call} of a tool declaring large input may exceed 1 MiB. */
    void checkBodySize(JsonRpc.Message message, int length) {
        if (length <= McpServer.SMALL_BODY_LIMIT) {
            return;
        }
        boolean large = message instanceof JsonRpc.Request rpc
                && rpc.method().equals("tools/call")
                && server.registry()
                        .registeredTool(rpc.params().path("name").asString(""))
                        .map(registered -> registered.tool().largeInput())
                        .orElse(false);
        if (!large) {
            throw McpException.transport(413, "The request body is larger than 1 MiB.");
        }
    }

    static boolean acceptsEventStream(Request request) {
        for (HttpField field : request.getHeaders()) {
            if (field.getHeader() == HttpHeader.ACCEPT && containsIgnoreCase(field.getValue(), "text/event-stream")) {
                return true;
            }
        }
        return false;
    }

    /** Case-insensitive (ASCII) substring test without allocating. */
    static boolean containsIgnoreCase(String value, String part) {
        for (int start = 0; start + part.length() <= value.length(); start++) {
            if (value.regionMatches(true, start, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The object a session's stored JSON text (its client capabilities) holds, or an empty object.
     * Parsed once per distinct text: the result is shared and must only be read ({@link
     * Exchange#clientCapabilities()} hands handlers a copy).
     */
    ObjectNode parseObject(String json) {
        return parsedObjects.get(json, text -> {
            try {
                return mapper.readTree(text) instanceof ObjectNode object ? object : JsonRpc.NODES.objectNode();
            } catch (JacksonException e) {
                return JsonRpc.NODES.objectNode();
            }
        });
    }

    private void accepted(Response response, Callback callback) {
        response.setStatus(202);
        callback.succeeded();
    }

    /** One write with a known length: no chunking, no intermediate String. */
    void writeJson(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(JSON_CONTENT_TYPE);
        headers.put(NO_STORE);
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /**
     * The one place protocol errors become HTTP: on a session, errors found while dispatching are
     * JSON-RPC errors in a 200 response (clients read them as answers, and 404 would tell them the
     * session ended); transport, authentication and all 2026-07-28 errors carry their own status.
     */
    void fail(Response response, Callback callback, JsonNode id, McpException e, boolean ownStatus) {
        e.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        int status = ownStatus || e.httpStatus() == 401 || e.httpStatus() == 403 ? e.httpStatus() : 200;
        if (status == 413) {
            // The unread body makes the connection unusable; say so, so clients do not reuse it.
            response.getHeaders().put("Connection", "close");
        }
        writeJson(response, callback, status, JsonRpc.error(id, e.code(), e.getMessage(), e.data()));
    }
}
