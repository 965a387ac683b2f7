package com.claribi.mcp;

import java.util.regex.Pattern;

/** Name rules shared by tools and prompts (MCP 2025-11-25 §server/tools "Tool names"). */
final class McpNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private McpNames() {}

    static void requireName(String name, String kind) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(kind + " names are 1-128 characters of [A-Za-z0-9_.-], got " + name);
        }
    }
}
