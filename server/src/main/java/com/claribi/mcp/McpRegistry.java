package com.claribi.mcp;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every tool, resource, resource template and prompt the MCP server offers. Features register
 * their records at startup; after the server starts the registry is read-only. Input and output
 * schemas are compiled once here, never per request. Listing order is registration order, so
 * consecutive {@code tools/list} calls agree.
 */
public final class McpRegistry {
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, RegisteredTool> tools = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, ResourceTemplate> templates = new LinkedHashMap<>();
    private final Map<String, Prompt> prompts = new LinkedHashMap<>();
    private volatile boolean frozen;

    /** Contributes registrations; the composition root and tests pass these to the application. */
    @FunctionalInterface
    public interface Extension {
        void register(McpRegistry registry);
    }

    /** A tool with its compiled schemas. */
    record RegisteredTool(Tool tool, Schema input, Optional<Schema> output) {}

    public McpRegistry tool(Tool tool) {
        checkOpen();
        if (tools.containsKey(tool.name())) {
            throw new IllegalArgumentException("tool " + tool.name() + " is registered twice");
        }
        Schema input = schemas.getSchema(tool.inputSchema());
        Optional<Schema> output = tool.outputSchema().map(schemas::getSchema);
        tools.put(tool.name(), new RegisteredTool(tool, input, output));
        return this;
    }

    public McpRegistry resource(Resource resource) {
        checkOpen();
        if (resources.putIfAbsent(resource.uri(), resource) != null) {
            throw new IllegalArgumentException("resource " + resource.uri() + " is registered twice");
        }
        return this;
    }

    public McpRegistry resourceTemplate(ResourceTemplate template) {
        checkOpen();
        if (templates.putIfAbsent(template.uriTemplate(), template) != null) {
            throw new IllegalArgumentException("resource template " + template.uriTemplate() + " is registered twice");
        }
        return this;
    }

    public McpRegistry prompt(Prompt prompt) {
        checkOpen();
        if (prompts.putIfAbsent(prompt.name(), prompt) != null) {
            throw new IllegalArgumentException("prompt " + prompt.name() + " is registered twice");
        }
        return this;
    }

    /** The registered tools in registration order. */
    public List<Tool> tools() {
        return tools.values().stream().map(RegisteredTool::tool).toList();
    }

    Optional<RegisteredTool> registeredTool(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    Optional<Resource> resource(String uri) {
        return Optional.ofNullable(resources.get(uri));
    }

    List<ResourceTemplate> templates() {
        return List.copyOf(templates.values());
    }

    List<Prompt> prompts() {
        return List.copyOf(prompts.values());
    }

    Optional<Prompt> prompt(String name) {
        return Optional.ofNullable(prompts.get(name));
    }

    /** Whether any registered tool accepts a large request body. */
    boolean anyLargeInput() {
        return tools.values().stream().anyMatch(registered -> registered.tool().largeInput());
    }

    void freeze() {
        frozen = true;
    }

    private void checkOpen() {
        if (frozen) {
            throw new IllegalStateException("the MCP registry is read-only once the server started");
        }
    }
}
