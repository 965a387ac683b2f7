package com.claribi.mcp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * A prompt template (MCP §server/prompts).
 *
 * @param arguments the arguments in the order clients show them
 * @param renderer returns the {@code messages} for {@code prompts/get}
 */
public record Prompt(String name, String title, String description, List<Argument> arguments, Renderer renderer) {
    public Prompt {
        McpNames.requireName(name, "prompt");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(renderer, "renderer");
        arguments = List.copyOf(arguments);
    }

    public record Argument(String name, String description, boolean required) {
        public Argument {
            McpNames.requireName(name, "prompt argument");
            Objects.requireNonNull(description, "description");
        }
    }

    /**
     * Renders the prompt. Required arguments are present when it is called; throw {@link
     * com.claribi.platform.ClariException} INVALID_ARGUMENT for values it cannot use.
     */
    @FunctionalInterface
    public interface Renderer {
        List<ObjectNode> render(Map<String, String> arguments, CallContext context);
    }
}
