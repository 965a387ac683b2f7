package com.claribi.mcp;

import com.claribi.auth.Scope;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One MCP tool: its descriptor and its handler (MCP 2025-11-25 §server/tools). Features contribute
 * tools to the {@link McpRegistry}; the transport never changes when a tool is added.
 *
 * @param name unique, 1–128 characters of {@code [A-Za-z0-9_.-]}
 * @param title human-readable name
 * @param description what the tool does, for the model
 * @param inputSchema JSON Schema (draft 2020-12) of {@code arguments}; an object schema with {@code
 *     additionalProperties: false}
 * @param outputSchema JSON Schema of {@code structuredContent}, when the tool returns one
 * @param annotations behaviour hints for clients
 * @param icons optional icons (MCP 2025-11-25 SEP-973)
 * @param requiredScope the scope a caller needs; empty means anonymous callers are allowed
 * @param gatedByTier whether the workspace's tier must include {@code mcp_server_access}
 * @param largeInput whether requests may carry up to {@link McpServer#LARGE_BODY_LIMIT} bytes
 * @param handler runs the call
 */
public record Tool(
        String name,
        String title,
        String description,
        ObjectNode inputSchema,
        Optional<ObjectNode> outputSchema,
        Annotations annotations,
        List<Icon> icons,
        Optional<Scope> requiredScope,
        boolean gatedByTier,
        boolean largeInput,
        Handler handler) {

    private static final tools.jackson.databind.json.JsonMapper SCHEMA_READER = com.claribi.platform.Json.mapper();

    /** Parses a JSON Schema written as a text block; tool classes build their descriptors with it. */
    public static ObjectNode schema(String json) {
        return (ObjectNode) SCHEMA_READER.readTree(json);
    }

    public Tool {
        McpNames.requireName(name, "tool");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        Objects.requireNonNull(outputSchema, "outputSchema");
        Objects.requireNonNull(annotations, "annotations");
        Objects.requireNonNull(requiredScope, "requiredScope");
        Objects.requireNonNull(handler, "handler");
        icons = List.copyOf(icons);
        if (!"object".equals(inputSchema.path("type").asString(""))) {
            throw new IllegalArgumentException("tool " + name + ": inputSchema must have type object");
        }
        JsonNode additional = inputSchema.get("additionalProperties");
        if (additional == null || !additional.isBoolean() || additional.booleanValue()) {
            throw new IllegalArgumentException("tool " + name + ": inputSchema must set additionalProperties: false");
        }
        inputSchema = inputSchema.deepCopy();
        outputSchema = outputSchema.map(ObjectNode::deepCopy);
        if (outputSchema.isPresent()
                && !"object".equals(outputSchema.get().path("type").asString(""))) {
            throw new IllegalArgumentException("tool " + name + ": outputSchema must have type object");
        }
    }

    /** Whether a caller must present credentials. */
    public boolean needsAuthentication() {
        return requiredScope.isPresent() || gatedByTier;
    }

    /**
     * Behaviour hints (MCP §server/tools ToolAnnotations). They are hints for clients, never a
     * security boundary.
     */
    public record Annotations(
            boolean readOnlyHint, boolean destructiveHint, boolean idempotentHint, boolean openWorldHint) {
        /** A tool that only reads and talks to no outside system. */
        public static final Annotations READ_ONLY = new Annotations(true, false, true, false);
    }

    /** An icon for clients that show tools graphically. */
    public record Icon(String src, Optional<String> mimeType, List<String> sizes) {
        public Icon {
            Objects.requireNonNull(src, "src");
            Objects.requireNonNull(mimeType, "mimeType");
            sizes = List.copyOf(sizes);
            if (!src.startsWith("https://") && !src.startsWith("data:")) {
                throw new IllegalArgumentException("icon src must be an https or data URI");
            }
        }
    }

    /**
     * Runs a tool call. Arguments have already been validated against the input schema. Return what
     * the model can fix (bad argument, quota, not found) as {@link ToolResult#error(String)} or
     * throw {@link com.claribi.platform.ClariException}; both reach the client as an {@code isError}
     * result. Implementations are thread-safe.
     *
     * <p>A handler whose answer never changes (reference data) may build its {@link ToolResult} once
     * and return that same instance from every call; its nodes must then never be modified. The
     * transport renders such a repeated instance to JSON once and reuses the bytes.
     */
    @FunctionalInterface
    public interface Handler {
        ToolResult call(ObjectNode arguments, CallContext context);
    }
}
