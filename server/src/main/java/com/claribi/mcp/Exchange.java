package com.claribi.mcp;

import com.claribi.auth.Principal;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One request in flight: who sent it, on which protocol version and session, where its
 * notifications go, and whether it was cancelled. Implements {@link CallContext} for handlers.
 */
final class Exchange implements CallContext {
    private final String protocolVersion;
    private final Optional<SessionStore.Session> session;
    private final Authentication authentication;
    private final Optional<String> clientAddress;
    private final ObjectNode clientCapabilities;
    private final Optional<LogLevel> logLevel;
    private final Outbound outbound;
    private final JsonNode progressToken;
    private final ClientRequests clientRequests;
    private volatile ObjectNode inputResponses;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final Map<String, ObjectNode> missingInputs = new LinkedHashMap<>();

    /**
     * @param clientAddress the caller's IP address as the connection shows it
     * @param logLevel the least severe level the client wants; empty sends no log notifications
     * @param inputResponses 2026-07-28 answers to earlier {@code input_required} results, by key
     */
    Exchange(
            String protocolVersion,
            Optional<SessionStore.Session> session,
            Authentication authentication,
            Optional<String> clientAddress,
            ObjectNode clientCapabilities,
            Optional<LogLevel> logLevel,
            Outbound outbound,
            JsonNode progressToken,
            ClientRequests clientRequests,
            ObjectNode inputResponses) {
        this.protocolVersion = Objects.requireNonNull(protocolVersion, "protocolVersion");
        this.session = Objects.requireNonNull(session, "session");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.clientCapabilities = Objects.requireNonNull(clientCapabilities, "clientCapabilities");
        this.logLevel = Objects.requireNonNull(logLevel, "logLevel");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.progressToken = progressToken;
        this.clientRequests = clientRequests;
        this.inputResponses = inputResponses;
    }

    @Override
    public Optional<String> clientAddress() {
        return clientAddress;
    }

    boolean stateless() {
        return session.isEmpty();
    }

    Optional<SessionStore.Session> session() {
        return session;
    }

    Authentication authentication() {
        return authentication;
    }

    Outbound outbound() {
        return outbound;
    }

    void cancel() {
        cancelled.set(true);
    }

    /** Client requests a stateless handler asked for that the retry must answer (SEP-2322). */
    Map<String, ObjectNode> missingInputs() {
        return missingInputs;
    }

    @Override
    public Optional<Principal> principal() {
        return authentication instanceof Authentication.Authenticated(Principal principal)
                ? Optional.of(principal)
                : Optional.empty();
    }

    @Override
    public String protocolVersion() {
        return protocolVersion;
    }

    @Override
    public void progress(double progress, Double total, String message) {
        if (progressToken == null || !outbound.streaming()) {
            return;
        }
        ObjectNode params = JsonRpc.NODES.objectNode();
        params.set("progressToken", progressToken);
        params.put("progress", progress);
        if (total != null) {
            params.put("total", total);
        }
        if (message != null) {
            params.put("message", message);
        }
        send(JsonRpc.notification("notifications/progress", params));
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public void log(LogLevel level, String logger, JsonNode data) {
        if (logLevel.isEmpty() || level.compareTo(logLevel.get()) < 0 || !outbound.streaming()) {
            return;
        }
        ObjectNode params = JsonRpc.NODES.objectNode().put("level", level.wireName());
        if (logger != null) {
            params.put("logger", logger);
        }
        params.set("data", data);
        send(JsonRpc.notification("notifications/message", params));
    }

    /**
     * A stream that closed before the response does not cancel a stateful request (MCP 2025-11-25
     * §transports: disconnection is not cancellation; the client may resume); on the stateless
     * transport the outbound cancels the exchange itself.
     */
    private void send(ObjectNode message) {
        outbound.send(message);
    }

    /** Answers from earlier rounds (carried in {@code requestState}) and this retry's {@code inputResponses}. */
    void provideInputs(ObjectNode answers) {
        this.inputResponses = answers;
    }

    ObjectNode providedInputs() {
        return inputResponses == null ? JsonRpc.NODES.objectNode() : inputResponses;
    }

    @Override
    public Map<String, JsonNode> requestFromClient(Map<String, ClientRequest> requests) {
        for (ClientRequest request : requests.values()) {
            if (!clientCapabilities.has(request.capability())) {
                if (stateless()) {
                    ObjectNode data = JsonRpc.NODES.objectNode();
                    data.putObject("requiredCapabilities").putObject(request.capability());
                    throw new McpException(
                            McpException.MISSING_CLIENT_CAPABILITY,
                            "This request needs the client capability " + request.capability() + ".",
                            data,
                            400,
                            Map.of());
                }
                throw new ClariException(
                        ErrorCode.INVALID_ARGUMENT,
                        "This client does not support " + request.capability() + ", which this call needs.");
            }
        }
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        if (stateless()) {
            for (Map.Entry<String, ClientRequest> entry : requests.entrySet()) {
                JsonNode answer = inputResponses == null ? null : inputResponses.get(entry.getKey());
                if (answer != null && answer.isObject()) {
                    answers.put(entry.getKey(), answer);
                } else {
                    ObjectNode request = JsonRpc.NODES
                            .objectNode()
                            .put("method", entry.getValue().method());
                    request.set("params", entry.getValue().params());
                    missingInputs.put(entry.getKey(), request);
                }
            }
            if (!missingInputs.isEmpty()) {
                throw new InputRequired();
            }
            return answers;
        }
        if (!outbound.streaming()) {
            throw new ClariException(
                    ErrorCode.INVALID_ARGUMENT, "Asking the client needs a streamed (text/event-stream) response.");
        }
        Map<String, ClientRequests.Pending> pending = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, ClientRequest> entry : requests.entrySet()) {
                ClientRequests.Pending open =
                        clientRequests.open(session.orElseThrow().id());
                pending.put(entry.getKey(), open);
                if (!outbound.send(JsonRpc.request(
                        open.id(), entry.getValue().method(), entry.getValue().params()))) {
                    cancelled.set(true);
                    throw new ClariException(ErrorCode.UNAVAILABLE, "The client went away.");
                }
            }
            for (Map.Entry<String, ClientRequests.Pending> entry : pending.entrySet()) {
                answers.put(
                        entry.getKey(),
                        entry.getValue().answer().get(ClientRequests.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            return answers;
        } catch (ExecutionException e) {
            throw new ClariException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The client answered with an error: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ClariException(ErrorCode.UNAVAILABLE, "The client did not answer in time.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClariException(ErrorCode.UNAVAILABLE, "The call was interrupted.");
        } finally {
            pending.values().forEach(clientRequests::close);
        }
    }

    @Override
    public ObjectNode clientCapabilities() {
        return clientCapabilities.deepCopy();
    }

    /** Thrown through a handler when a stateless call needs client input first (SEP-2322). */
    static final class InputRequired extends RuntimeException {
        InputRequired() {
            super("input required", null, false, false);
        }
    }
}
