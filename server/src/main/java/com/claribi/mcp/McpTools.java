package com.claribi.mcp;

import com.claribi.billing.Pricing;

/** The product's MCP registrations that live in this package. */
public final class McpTools {
    private McpTools() {}

    /** Registers {@code check_pricing}. */
    public static void register(McpRegistry registry, Pricing pricing) {
        registry.tool(CheckPricingTool.create(pricing));
    }
}
