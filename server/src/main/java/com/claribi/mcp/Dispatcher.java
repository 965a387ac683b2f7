package com.claribi.mcp;

import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.networknt.schema.Error;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Answers MCP requests from the registry, independent of the transport. Protocol misuse is thrown
 * as {@link McpException}; tool-level problems come back as {@code isError} results (MCP
 * 2025-11-25 §server/tools "Error handling").
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    static final int PAGE_SIZE = 100;
    static final String SERVER_NAME = "claribi";

    private final McpRegistry registry;
    private final ToolAccessPolicy accessPolicy;
    private final SessionStore sessions;
    private final String serverVersion;
    private final String resourceMetadataUrl;
    private final RequestState requestState;
    /** Per tool name; see {@link #renderedResult}. */
    private final ConcurrentMap<String, Rendered> rendered = new ConcurrentHashMap<>();

    Dispatcher(
            McpRegistry registry,
            ToolAccessPolicy accessPolicy,
            SessionStore sessions,
            String serverVersion,
            String resourceMetadataUrl,
            RequestState requestState) {
        this.registry = registry;
        this.accessPolicy = accessPolicy;
        this.sessions = sessions;
        this.serverVersion = serverVersion;
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.requestState = requestState;
    }

    /** Answers one request; the result object, or an {@link McpException}. */
    ObjectNode handle(JsonRpc.Request request, Exchange exchange) {
        ObjectNode result = switch (request.method()) {
            case "ping" -> {
                requireSession(exchange, request.method());
                yield JsonRpc.NODES.objectNode();
            }
            case "tools/list" -> page(request, "tools", registry.tools(), this::describeTool);
            case "tools/call" -> callTool(request, exchange);
            case "resources/list" -> page(request, "resources", listResources(exchange), node -> node);
            case "resources/templates/list" ->
                page(request, "resourceTemplates", registry.templates(), this::describeTemplate);
            case "resources/read" ->
                withInputs(
                        request,
                        exchange,
                        "resources/read:" + request.params().path("uri").asString(""),
                        () -> readResource(request, exchange));
            case "resources/subscribe", "resources/unsubscribe" -> subscription(request, exchange);
            case "prompts/list" -> page(request, "prompts", registry.prompts(), this::describePrompt);
            case "prompts/get" ->
                withInputs(
                        request,
                        exchange,
                        "prompts/get:" + request.params().path("name").asString(""),
                        () -> getPrompt(request, exchange));
            case "completion/complete" -> complete(request);
            case "logging/setLevel" -> setLevel(request, exchange);
            case "server/discover" -> {
                if (!exchange.stateless()) {
                    throw McpException.methodNotFound(request.method());
                }
                yield discover();
            }
            default -> throw McpException.methodNotFound(request.method());
        };
        if (exchange.stateless() && !result.has("resultType")) {
            result.put("resultType", "complete");
        }
        return result;
    }

    private static void requireSession(Exchange exchange, String method) {
        if (exchange.stateless()) {
            // 2026-07-28 removed ping, initialize and logging/setLevel from the stateless wire.
            throw McpException.methodNotFound(method);
        }
    }

    ObjectNode initializeResult(String version, boolean listChanged) {
        ObjectNode result = JsonRpc.NODES.objectNode().put("protocolVersion", version);
        result.set("capabilities", capabilities(listChanged));
        result.set("serverInfo", serverInfo());
        result.put(
                "instructions",
                "clariBI answers business questions about your data. Call check_pricing to see plans; "
                        + "sign up with register_account and verify_email, then upload data and ask questions.");
        return result;
    }

    ObjectNode discover() {
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode versions = result.putArray("supportedVersions");
        Versions.STATELESS_VERSIONS.forEach(versions::add);
        result.set("capabilities", capabilities(false));
        result.put("instructions", "clariBI answers business questions about your data.");
        result.putObject("_meta").set("io.modelcontextprotocol/serverInfo", serverInfo());
        result.put("resultType", "complete");
        result.put("ttlMs", 0);
        result.put("cacheScope", "public");
        return result;
    }

    ObjectNode serverInfo() {
        return JsonRpc.NODES
                .objectNode()
                .put("name", SERVER_NAME)
                .put("title", "clariBI")
                .put("version", serverVersion)
                .put("websiteUrl", "https://claribi.com");
    }

    private ObjectNode capabilities(boolean stateful) {
        ObjectNode capabilities = JsonRpc.NODES.objectNode();
        capabilities.putObject("tools").put("listChanged", false);
        ObjectNode resources = capabilities.putObject("resources").put("listChanged", false);
        if (stateful) {
            resources.put("subscribe", true);
            capabilities.putObject("logging");
        }
        capabilities.putObject("prompts").put("listChanged", false);
        capabilities.putObject("completions");
        return capabilities;
    }

    // ---- listing and pagination (MCP §server/utilities/pagination) ----

    private <T> ObjectNode page(
            JsonRpc.Request request, String field, List<T> items, Function<T, ObjectNode> describe) {
        int offset = decodeCursor(request.params().get("cursor"));
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode array = result.putArray(field);
        int end = Math.min(items.size(), offset + PAGE_SIZE);
        for (int index = offset; index < end; index++) {
            array.add(describe.apply(items.get(index)));
        }
        if (end < items.size()) {
            result.put("nextCursor", encodeCursor(end));
        }
        result.put("ttlMs", 0);
        result.put("cacheScope", "public");
        return result;
    }

    private static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(JsonNode cursor) {
        if (cursor == null || cursor.isNull()) {
            return 0;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor.asString()), StandardCharsets.UTF_8);
            if (cursor.isString() && decoded.startsWith("o:")) {
                int offset = Integer.parseInt(decoded.substring(2));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw McpException.invalidParams("The cursor is not one this server issued.");
    }

    ObjectNode describeTool(Tool tool) {
        ObjectNode node = JsonRpc.NODES
                .objectNode()
                .put("name", tool.name())
                .put("title", tool.title())
                .put("description", tool.description());
        node.set("inputSchema", tool.inputSchema());
        tool.outputSchema().ifPresent(schema -> node.set("outputSchema", schema));
        node.putObject("annotations")
                .put("title", tool.title())
                .put("readOnlyHint", tool.annotations().readOnlyHint())
                .put("destructiveHint", tool.annotations().destructiveHint())
                .put("idempotentHint", tool.annotations().idempotentHint())
                .put("openWorldHint", tool.annotations().openWorldHint());
        if (!tool.icons().isEmpty()) {
            ArrayNode icons = node.putArray("icons");
            for (Tool.Icon icon : tool.icons()) {
                ObjectNode iconNode = icons.addObject().put("src", icon.src());
                icon.mimeType().ifPresent(mime -> iconNode.put("mimeType", mime));
                if (!icon.sizes().isEmpty()) {
                    ArrayNode sizes = iconNode.putArray("sizes");
                    icon.sizes().forEach(sizes::add);
                }
            }
        }
        ObjectNode meta = node.putObject("_meta");
        ArrayNode scopes = meta.putArray("claribi/requiredScopes");
        tool.requiredScope().ifPresent(scope -> scopes.add(scope.wireName()));
        return node;
    }

    /** Registered resources first, then each lister's, in a stable order for pagination. */
    private List<ObjectNode> listResources(Exchange exchange) {
        List<ObjectNode> listed = new java.util.ArrayList<>();
        registry.resources().forEach(resource -> listed.add(describeResource(resource)));
        for (ResourceLister lister : registry.resourceListers()) {
            for (ResourceLister.Listed entry : lister.list(exchange)) {
                ObjectNode node = JsonRpc.NODES
                        .objectNode()
                        .put("uri", entry.uri())
                        .put("name", entry.name())
                        .put("title", entry.title())
                        .put("description", entry.description());
                entry.mimeType().ifPresent(mime -> node.put("mimeType", mime));
                listed.add(node);
            }
        }
        return listed;
    }

    ObjectNode describeResource(Resource resource) {
        ObjectNode node = JsonRpc.NODES
                .objectNode()
                .put("uri", resource.uri())
                .put("name", resource.name())
                .put("title", resource.title())
                .put("description", resource.description());
        resource.mimeType().ifPresent(mime -> node.put("mimeType", mime));
        return node;
    }

    ObjectNode describeTemplate(ResourceTemplate template) {
        ObjectNode node = JsonRpc.NODES
                .objectNode()
                .put("uriTemplate", template.uriTemplate())
                .put("name", template.name())
                .put("title", template.title())
                .put("description", template.description());
        template.mimeType().ifPresent(mime -> node.put("mimeType", mime));
        return node;
    }

    ObjectNode describePrompt(Prompt prompt) {
        ObjectNode node = JsonRpc.NODES
                .objectNode()
                .put("name", prompt.name())
                .put("title", prompt.title())
                .put("description", prompt.description());
        ArrayNode arguments = node.putArray("arguments");
        for (Prompt.Argument argument : prompt.arguments()) {
            arguments
                    .addObject()
                    .put("name", argument.name())
                    .put("description", argument.description())
                    .put("required", argument.required());
        }
        return node;
    }

    // ---- tools/call ----

    private ObjectNode callTool(JsonRpc.Request request, Exchange exchange) {
        String name = requiredString(request.params(), "name");
        McpRegistry.RegisteredTool registered = registry.registeredTool(name)
                .orElseThrow(() -> McpException.invalidParams("Unknown tool: " + McpException.truncate(name)));
        Tool tool = registered.tool();
        Optional<String> denied = authorize(tool, exchange.authentication());
        if (denied.isPresent()) {
            return toolResult(ToolResult.error(denied.get()));
        }
        JsonNode arguments = request.params().get("arguments");
        if (arguments == null || arguments.isNull()) {
            arguments = JsonRpc.NODES.objectNode();
        }
        if (!(arguments instanceof ObjectNode argumentObject)) {
            return toolResult(ToolResult.error("The arguments of " + name + " must be a JSON object."));
        }
        List<Error> problems = registered.input().validate(argumentObject);
        if (!problems.isEmpty()) {
            return toolResult(ToolResult.error(describeProblems(name, problems)));
        }
        return withInputs(
                request,
                exchange,
                "tools/call:" + name,
                () -> renderedResult(name, run(tool, argumentObject, exchange)));
    }

    /**
     * The wire form of a handler's result. A handler returning the very same {@link ToolResult}
     * instance again (reference data built once, see {@link Tool.Handler}) gets its content and
     * structured content rendered to JSON bytes once and spliced into every later answer, so such a
     * call neither copies nor re-serialises the tree. Other results are answered as they are.
     */
    private ObjectNode renderedResult(String toolName, ToolResult result) {
        Rendered last = rendered.get(toolName);
        if (last == null || last.source() != result) {
            rendered.put(toolName, new Rendered(result, null, null));
            return toolResult(result);
        }
        if (last.content() == null) {
            last = new Rendered(
                    result,
                    raw(JsonRpc.NODES.arrayNode().addAll(result.content())),
                    result.structuredContent().map(Dispatcher::raw).orElse(null));
            rendered.put(toolName, last);
        }
        ObjectNode node = JsonRpc.NODES.objectNode();
        node.putRawValue("content", last.content());
        if (last.structuredContent() != null) {
            node.putRawValue("structuredContent", last.structuredContent());
        }
        node.put("isError", result.isError());
        return node;
    }

    /** JSON text whose UTF-8 bytes are encoded once and copied as they are on every write. */
    private static RawValue raw(JsonNode node) {
        SerializedString json = new SerializedString(node.toString());
        json.asUnquotedUTF8();
        return new RawValue(json);
    }

    /**
     * The last result instance a tool returned, with its rendered JSON once it came back twice.
     *
     * @param content null until rendered
     * @param structuredContent null until rendered or when the result has none
     */
    private record Rendered(ToolResult source, RawValue content, RawValue structuredContent) {}

    private static ToolResult run(Tool tool, ObjectNode arguments, Exchange exchange) {
        String name = tool.name();
        ToolResult result;
        try {
            result = tool.handler().call(arguments, exchange);
        } catch (Exchange.InputRequired | McpException e) {
            throw e;
        } catch (ClariException e) {
            result = ToolResult.error(toolMessage(e));
        } catch (RuntimeException e) {
            log.error("tool {} failed", name, e);
            result = ToolResult.error("The tool " + name + " failed unexpectedly. Try again in a moment.");
        }
        return result;
    }

    /**
     * SEP-2322 on the stateless transport: hands the handler the answers from {@code requestState}
     * and {@code inputResponses}, and turns a handler that needs more into an {@code
     * input_required} result carrying every answer so far in a new signed state.
     */
    private ObjectNode withInputs(
            JsonRpc.Request request, Exchange exchange, String subject, java.util.function.Supplier<ObjectNode> body) {
        if (exchange.stateless()) {
            ObjectNode answers = requestState.open(request.params(), subject);
            if (request.params().get("inputResponses") instanceof ObjectNode given) {
                for (Map.Entry<String, JsonNode> entry : given.properties()) {
                    answers.set(entry.getKey(), entry.getValue());
                }
            }
            exchange.provideInputs(answers);
        }
        try {
            return body.get();
        } catch (Exchange.InputRequired inputRequired) {
            ObjectNode result = JsonRpc.NODES.objectNode().put("resultType", "input_required");
            ObjectNode requests = result.putObject("inputRequests");
            exchange.missingInputs().forEach(requests::set);
            result.put("requestState", requestState.issue(subject, exchange.providedInputs()));
            return result;
        }
    }

    /**
     * Throws the 401/403 a {@code tools/call} deserves before anything is streamed; other methods
     * need no credentials.
     */
    void checkAccess(JsonRpc.Request request, Authentication authentication) {
        if (request.method().equals("tools/call")) {
            registry.registeredTool(request.params().path("name").asString(""))
                    .ifPresent(registered -> authorize(registered.tool(), authentication));
        }
    }

    /**
     * Scope checks are protocol errors the transport turns into 401/403 with {@code
     * WWW-Authenticate} (MCP §basic/authorization); a tier without the feature is a tool error the
     * model can explain.
     */
    private Optional<String> authorize(Tool tool, Authentication authentication) {
        if (!tool.needsAuthentication()) {
            return Optional.empty();
        }
        String scope = tool.requiredScope().map(Scope::wireName).orElse("");
        Principal principal = switch (authentication) {
            case Authentication.Authenticated(Principal authenticated) -> authenticated;
            case Authentication.Anonymous() ->
                throw unauthorized(
                        "The tool " + tool.name() + " needs you to sign in: connect with an MCP API key or OAuth.",
                        scope);
            case Authentication.Refused(String message) -> throw unauthorized(message, scope);
        };
        if (tool.requiredScope().isPresent()
                && !principal.has(tool.requiredScope().get())) {
            throw new McpException(
                    McpException.SERVER_ERROR,
                    "This credential lacks the scope " + scope + " that " + tool.name() + " needs.",
                    null,
                    403,
                    Map.of(
                            "WWW-Authenticate",
                            "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\", resource_metadata=\""
                                    + resourceMetadataUrl + "\""));
        }
        if (tool.gatedByTier()) {
            return accessPolicy.denial(principal, tool);
        }
        return Optional.empty();
    }

    McpException unauthorized(String message, String scope) {
        String challenge = "Bearer resource_metadata=\"" + resourceMetadataUrl + "\""
                + (scope.isEmpty() ? "" : ", scope=\"" + scope + "\"");
        return new McpException(McpException.SERVER_ERROR, message, null, 401, Map.of("WWW-Authenticate", challenge));
    }

    private static String describeProblems(String tool, List<Error> problems) {
        StringBuilder message = new StringBuilder("Invalid arguments for " + tool + ":");
        problems.stream()
                .limit(10)
                .forEach(problem ->
                        message.append(" ").append(problem.getMessage()).append(";"));
        message.setLength(message.length() - 1);
        return message.append(". Fix the arguments and call again.").toString();
    }

    private static String toolMessage(ClariException e) {
        return e.code() == ErrorCode.INTERNAL ? "The tool failed unexpectedly. Try again in a moment." : e.getMessage();
    }

    static ObjectNode toolResult(ToolResult result) {
        ObjectNode node = JsonRpc.NODES.objectNode();
        ArrayNode content = node.putArray("content");
        result.content().forEach(content::add);
        result.structuredContent().ifPresent(structured -> node.set("structuredContent", structured));
        node.put("isError", result.isError());
        return node;
    }

    // ---- resources ----

    private ObjectNode readResource(JsonRpc.Request request, Exchange exchange) {
        String uri = requiredString(request.params(), "uri");
        List<ObjectNode> contents;
        try {
            Optional<Resource> resource = registry.resource(uri);
            if (resource.isPresent()) {
                contents = resource.get().reader().read(uri, Map.of(), exchange);
            } else {
                contents = null;
                for (ResourceTemplate template : registry.templates()) {
                    Optional<Map<String, String>> variables = template.match(uri);
                    if (variables.isPresent()) {
                        contents = template.reader().read(uri, variables.get(), exchange);
                        break;
                    }
                }
            }
        } catch (ClariException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw resourceNotFound(uri);
            }
            throw McpException.invalidParams(toolMessage(e));
        }
        if (contents == null || contents.isEmpty()) {
            throw resourceNotFound(uri);
        }
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode array = result.putArray("contents");
        contents.forEach(array::add);
        result.put("ttlMs", 0);
        result.put("cacheScope", "private");
        return result;
    }

    /** SEP-2164: -32602 with the URI in {@code data}, never an empty {@code contents}. */
    private static McpException resourceNotFound(String uri) {
        return McpException.invalidParams(
                "Resource not found: " + McpException.truncate(uri),
                JsonRpc.NODES.objectNode().put("uri", uri));
    }

    private ObjectNode subscription(JsonRpc.Request request, Exchange exchange) {
        requireSession(exchange, request.method());
        String uri = requiredString(request.params(), "uri");
        String sessionId = exchange.session().orElseThrow().id();
        if (request.method().equals("resources/subscribe")) {
            sessions.subscribe(sessionId, uri);
        } else {
            sessions.unsubscribe(sessionId, uri);
        }
        return JsonRpc.NODES.objectNode();
    }

    // ---- prompts and completion ----

    private ObjectNode getPrompt(JsonRpc.Request request, Exchange exchange) {
        String name = requiredString(request.params(), "name");
        Prompt prompt = registry.prompt(name)
                .orElseThrow(() -> McpException.invalidParams("Unknown prompt: " + McpException.truncate(name)));
        JsonNode given = request.params().get("arguments");
        Map<String, String> arguments = new LinkedHashMap<>();
        if (given != null && !given.isNull()) {
            if (!given.isObject()) {
                throw McpException.invalidParams("Prompt arguments must be an object of strings.");
            }
            for (Map.Entry<String, JsonNode> entry : given.properties()) {
                if (!entry.getValue().isString()) {
                    throw McpException.invalidParams("Prompt argument " + entry.getKey() + " must be a string.");
                }
                arguments.put(entry.getKey(), entry.getValue().asString());
            }
        }
        for (Prompt.Argument argument : prompt.arguments()) {
            if (argument.required() && !arguments.containsKey(argument.name())) {
                throw McpException.invalidParams("Prompt " + name + " needs the argument " + argument.name() + ".");
            }
        }
        List<ObjectNode> messages;
        try {
            messages = prompt.renderer().render(arguments, exchange);
        } catch (ClariException e) {
            throw McpException.invalidParams(toolMessage(e));
        }
        ObjectNode result = JsonRpc.NODES.objectNode().put("description", prompt.description());
        ArrayNode array = result.putArray("messages");
        messages.forEach(array::add);
        return result;
    }

    private ObjectNode complete(JsonRpc.Request request) {
        JsonNode ref = request.params().get("ref");
        JsonNode argument = request.params().get("argument");
        if (ref == null || !ref.isObject() || argument == null || !argument.isObject()) {
            throw McpException.invalidParams("completion/complete needs a ref and an argument.");
        }
        String type = ref.path("type").asString("");
        switch (type) {
            case "ref/prompt" -> {
                if (registry.prompt(ref.path("name").asString("")).isEmpty()) {
                    throw McpException.invalidParams("Unknown prompt in ref.");
                }
            }
            case "ref/resource" -> {
                String uri = ref.path("uri").asString("");
                boolean known = registry.templates().stream()
                                .anyMatch(t -> t.uriTemplate().equals(uri))
                        || registry.resource(uri).isPresent();
                if (!known) {
                    throw McpException.invalidParams("Unknown resource in ref.");
                }
            }
            default -> throw McpException.invalidParams("ref.type must be ref/prompt or ref/resource.");
        }
        ObjectNode result = JsonRpc.NODES.objectNode();
        result.putObject("completion").put("total", 0).put("hasMore", false).putArray("values");
        return result;
    }

    private ObjectNode setLevel(JsonRpc.Request request, Exchange exchange) {
        requireSession(exchange, request.method());
        String level = requiredString(request.params(), "level");
        LogLevel parsed = LogLevel.fromWireName(level)
                .orElseThrow(() -> McpException.invalidParams(
                        "level must be one of debug, info, notice, warning, " + "error, critical, alert, emergency."));
        sessions.setLogLevel(exchange.session().orElseThrow().id(), parsed);
        return JsonRpc.NODES.objectNode();
    }

    private static String requiredString(ObjectNode params, String field) {
        JsonNode value = params.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw McpException.invalidParams("params." + field + " must be a non-empty string.");
        }
        return value.asString();
    }
}
