package com.claribi.mcp;

import com.claribi.billing.Pricing;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code check_pricing} (SPEC §2, §3): tiers, prices, feature flags and limits from the one
 * pricing config. Anonymous, read-only, not gated by tier, so anyone can compare plans from chat.
 */
final class CheckPricingTool {
    private CheckPricingTool() {}

    static Tool create(Pricing pricing) {
        // Built once and returned from every call, never modified (see Tool.Handler).
        ToolResult result = ToolResult.structured(structured(pricing), summary(pricing));
        return new Tool(
                "check_pricing",
                "Check clariBI pricing",
                "Lists clariBI's plans with monthly and yearly prices, feature flags (mcp_server_access and "
                        + "others) and limits (AI credits, data sources, uploads, storage, members). No sign-in "
                        + "needed.",
                Tool.schema("""
                        {"type": "object", "properties": {}, "additionalProperties": false}"""),
                Optional.of(outputSchema(pricing)),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.empty(),
                false,
                false,
                (arguments, context) -> result);
    }

    private static ObjectNode structured(Pricing pricing) {
        ObjectNode root = JsonRpc.NODES
                .objectNode()
                .put("currency", pricing.currency())
                .put("trial_days", pricing.trialDays())
                .put("signup_tier", pricing.signupTier());
        ArrayNode tiers = root.putArray("tiers");
        for (Pricing.Tier tier : pricing.tiers()) {
            ObjectNode node = tiers.addObject()
                    .put("id", tier.id())
                    .put("name", tier.name())
                    .put("description", tier.description())
                    .put("self_serve", tier.selfServe())
                    .put("price_monthly_cents", tier.priceMonthlyCents())
                    .put("price_yearly_cents", tier.priceYearlyCents());
            ObjectNode features = node.putObject("features");
            tier.features().forEach(features::put);
            Pricing.Limits limits = tier.limits();
            node.putObject("limits")
                    .put("ai_credits_per_month", limits.aiCreditsPerMonth())
                    .put("data_sources", limits.dataSources())
                    .put("uploads_per_month", limits.uploadsPerMonth())
                    .put("storage_bytes", limits.storageBytes())
                    .put("members", limits.members());
        }
        ArrayNode withAccess = root.putArray("tiers_with_mcp_server_access");
        pricing.tiersWith(Pricing.MCP_SERVER_ACCESS).forEach(withAccess::add);
        return root;
    }

    private static String summary(Pricing pricing) {
        StringBuilder text = new StringBuilder("clariBI plans (" + pricing.currency() + "):\n");
        for (Pricing.Tier tier : pricing.tiers()) {
            Pricing.Limits limits = tier.limits();
            text.append("- ")
                    .append(tier.name())
                    .append(": ")
                    .append(tier.priceMonthlyCents() == 0 ? "free" : money(tier.priceMonthlyCents()) + "/month")
                    .append(tier.id().equals(pricing.signupTier()) ? " (" + pricing.trialDays() + " days)" : "")
                    .append("; MCP server access ")
                    .append(tier.has(Pricing.MCP_SERVER_ACCESS) ? "yes" : "no")
                    .append("; ")
                    .append(limits.aiCreditsPerMonth())
                    .append(" AI credits/month, ")
                    .append(limits.dataSources())
                    .append(" data sources, ")
                    .append(limits.uploadsPerMonth())
                    .append(" uploads/month, ")
                    .append(bytes(limits.storageBytes()))
                    .append(" storage\n");
        }
        text.append("New accounts start on ")
                .append(pricing.tier(pricing.signupTier())
                        .map(Pricing.Tier::name)
                        .orElse(pricing.signupTier()))
                .append(". Upgrade from chat with create_checkout_session once signed in.");
        return text.toString();
    }

    private static String money(long cents) {
        return cents % 100 == 0 ? "$" + cents / 100 : String.format(Locale.ROOT, "$%d.%02d", cents / 100, cents % 100);
    }

    private static String bytes(long bytes) {
        long gib = 1024L * 1024 * 1024;
        if (bytes >= gib) {
            return (bytes % gib == 0
                            ? String.valueOf(bytes / gib)
                            : String.format(Locale.ROOT, "%.1f", bytes / (double) gib))
                    + " GB";
        }
        return bytes / (1024 * 1024) + " MB";
    }

    private static ObjectNode outputSchema(Pricing pricing) {
        ObjectNode features = JsonRpc.NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode featureProperties = features.putObject("properties");
        ArrayNode requiredFeatures = features.putArray("required");
        for (Map.Entry<String, Boolean> feature :
                pricing.tiers().getFirst().features().entrySet()) {
            featureProperties.putObject(feature.getKey()).put("type", "boolean");
            requiredFeatures.add(feature.getKey());
        }
        ObjectNode schema = Tool.schema("""
                {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["currency", "trial_days", "signup_tier", "tiers", "tiers_with_mcp_server_access"],
                  "properties": {
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "trial_days": {"type": "integer", "minimum": 1},
                    "signup_tier": {"type": "string"},
                    "tiers_with_mcp_server_access": {"type": "array", "items": {"type": "string"}},
                    "tiers": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["id", "name", "description", "self_serve", "price_monthly_cents",
                                     "price_yearly_cents", "features", "limits"],
                        "properties": {
                          "id": {"type": "string"},
                          "name": {"type": "string"},
                          "description": {"type": "string"},
                          "self_serve": {"type": "boolean"},
                          "price_monthly_cents": {"type": "integer", "minimum": 0},
                          "price_yearly_cents": {"type": "integer", "minimum": 0},
                          "features": {},
                          "limits": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["ai_credits_per_month", "data_sources", "uploads_per_month",
                                         "storage_bytes", "members"],
                            "properties": {
                              "ai_credits_per_month": {"type": "integer", "minimum": 0},
                              "data_sources": {"type": "integer", "minimum": 0},
                              "uploads_per_month": {"type": "integer", "minimum": 0},
                              "storage_bytes": {"type": "integer", "minimum": 0},
                              "members": {"type": "integer", "minimum": 1}
                            }
                          }
                        }
                      }
                    }
                  }
                }""");
        ((ObjectNode) schema.get("properties").get("tiers").get("items").get("properties")).set("features", features);
        return schema;
    }
}
