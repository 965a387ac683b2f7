package com.claribi.mcp;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * A concrete resource with a fixed URI (MCP §server/resources).
 *
 * @param reader returns the {@code contents} entries for a read
 */
public record Resource(
        String uri, String name, String title, String description, Optional<String> mimeType, Reader reader) {
    public Resource {
        Objects.requireNonNull(uri, "uri");
        McpNames.requireName(name, "resource");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(mimeType, "mimeType");
        Objects.requireNonNull(reader, "reader");
        if (!uri.matches("[a-z][a-z0-9+.-]*://.+")) {
            throw new IllegalArgumentException("resource uri must be absolute: " + uri);
        }
    }

    /** Reads a resource. Throws {@link com.claribi.platform.ClariException} NOT_FOUND when absent. */
    @FunctionalInterface
    public interface Reader {
        List<ObjectNode> read(String uri, java.util.Map<String, String> variables, CallContext context);
    }
}
