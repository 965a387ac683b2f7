package com.claribi.mcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a tool call returns (MCP §server/tools CallToolResult).
 *
 * @param content content blocks (text, image, audio, resource, resource_link); at least one
 * @param structuredContent the machine-readable result, matching the tool's output schema
 * @param isError whether this is a tool-level failure the model may correct and retry
 */
public record ToolResult(List<ObjectNode> content, Optional<ObjectNode> structuredContent, boolean isError) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ToolResult {
        content = List.copyOf(content);
        Objects.requireNonNull(structuredContent, "structuredContent");
        if (content.isEmpty()) {
            throw new IllegalArgumentException("a tool result needs at least one content block");
        }
    }

    /** A result with a text block only. */
    public static ToolResult text(String text) {
        return new ToolResult(List.of(textBlock(text)), Optional.empty(), false);
    }

    /** A result with structured content and its human-readable summary. */
    public static ToolResult structured(ObjectNode structuredContent, String summary) {
        return new ToolResult(List.of(textBlock(summary)), Optional.of(structuredContent), false);
    }

    /** A tool-level failure the model can read and act on. */
    public static ToolResult error(String message) {
        return new ToolResult(List.of(textBlock(message)), Optional.empty(), true);
    }

    public static ObjectNode textBlock(String text) {
        return NODES.objectNode().put("type", "text").put("text", Objects.requireNonNull(text, "text"));
    }

    public static ObjectNode imageBlock(String base64, String mimeType) {
        return NODES.objectNode().put("type", "image").put("data", base64).put("mimeType", mimeType);
    }

    public static ObjectNode audioBlock(String base64, String mimeType) {
        return NODES.objectNode().put("type", "audio").put("data", base64).put("mimeType", mimeType);
    }

    /** An embedded text resource block. */
    public static ObjectNode resourceBlock(String uri, String mimeType, String text) {
        ObjectNode resource =
                NODES.objectNode().put("uri", uri).put("mimeType", mimeType).put("text", text);
        ObjectNode block = NODES.objectNode().put("type", "resource");
        block.set("resource", resource);
        return block;
    }
}
