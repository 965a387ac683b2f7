package com.claribi.mcp;

import com.claribi.accounts.Signup;
import com.claribi.accounts.SignupCompleted;
import com.claribi.accounts.SignupStarted;
import com.claribi.auth.Scope;
import com.claribi.billing.BillingStatus;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.billing.Quota;
import com.claribi.billing.Usage;
import com.claribi.platform.Json;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account tools of SPEC §2: {@code register_account} and {@code verify_email} (anonymous,
 * signup from chat) and {@code get_usage} / {@code get_billing_status} (every tier, so a user on
 * Free can still see why MCP is refused and upgrade). Adapter only: arguments in, feature calls,
 * structured content plus a text block out.
 */
public final class AccountTools {
    private AccountTools() {}

    /**
     * Registers the four tools.
     *
     * @param publicUrl the server's base URL once bound, for the MCP endpoint in setup instructions
     */
    public static void register(McpRegistry registry, Signup signup, Plans plans, Supplier<URI> publicUrl) {
        registry.tool(registerAccount(signup));
        registry.tool(verifyEmail(signup, plans, publicUrl));
        registry.tool(getUsage(plans));
        registry.tool(getBillingStatus(plans));
    }

    /** The refusal for a workspace whose tier lacks {@code mcp_server_access}, for the transport. */
    public static ToolAccessPolicy tierPolicy(Plans plans) {
        return (principal, tool) -> plans.mcpAccessRefusal(principal.workspaceId());
    }

    static Tool registerAccount(Signup signup) {
        return new Tool(
                "register_account",
                "Create a clariBI account",
                "Starts signing up for clariBI: emails a 6-digit verification code to the address and returns a"
                        + " pending_id. Ask the user for the code, then call verify_email. The user must have accepted"
                        + " clariBI's terms of service (accept_terms: true). One signup per email per hour.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["email", "organization_name", "accept_terms"],
                         "properties": {
                           "email": {"type": "string", "maxLength": 254, "description": "The user's email address."},
                           "organization_name": {"type": "string", "minLength": 1, "maxLength": 200,
                                                 "description": "Name of the new workspace, such as the company."},
                           "accept_terms": {"type": "boolean",
                                            "description": "true once the user has accepted the terms of service."}
                         }}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["pending_id", "expires_at", "next_step"],
                         "properties": {
                           "pending_id": {"type": "string"},
                           "expires_at": {"type": "string", "format": "date-time"},
                           "next_step": {"type": "string"}
                         }}""")),
                new Tool.Annotations(false, false, false, true),
                List.of(),
                Optional.empty(),
                false,
                false,
                (arguments, context) -> {
                    SignupStarted started = signup.register(
                            arguments.path("email").asString(""),
                            arguments.path("organization_name").asString(""),
                            arguments.path("accept_terms").asBoolean(false),
                            context.clientAddress().orElse(null));
                    String next = "A 6-digit code is on its way to that address (if it can receive mail; check spam"
                            + " too). Ask the user for it, then call verify_email with this pending_id, the code and a"
                            + " password of at least 12 characters. The code expires at " + started.expiresAt() + ".";
                    ObjectNode structured = JsonRpc.NODES
                            .objectNode()
                            .put("pending_id", started.pendingId())
                            .put("expires_at", started.expiresAt().toString())
                            .put("next_step", next);
                    return ToolResult.structured(structured, next + " pending_id: " + started.pendingId());
                });
    }

    static Tool verifyEmail(Signup signup, Plans plans, Supplier<URI> publicUrl) {
        return new Tool(
                "verify_email",
                "Verify email and finish signup",
                "Finishes signing up with the 6-digit code from the email and a password (at least 12 characters)."
                        + " Returns an MCP API key (shown only this once: tell the user to store it), a one-hour access"
                        + " token that works for this conversation, and the new workspace on the 14-day Trial.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["pending_id", "code", "password"],
                         "properties": {
                           "pending_id": {"type": "string", "maxLength": 40,
                                          "description": "The pending_id register_account returned."},
                           "code": {"type": "string", "maxLength": 16,
                                    "description": "The 6-digit code from the verification email."},
                           "password": {"type": "string", "minLength": 12, "maxLength": 1024,
                                        "description": "The password the user chose, at least 12 characters."}
                         }}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["api_key", "api_key_id", "access_token", "access_token_expires_at", "user",
                                      "workspace", "mcp_url", "client_config"],
                         "properties": {
                           "api_key": {"type": "string", "pattern": "^claribi_mcp_"},
                           "api_key_id": {"type": "string"},
                           "access_token": {"type": "string"},
                           "access_token_expires_at": {"type": "string", "format": "date-time"},
                           "user": {"type": "object", "required": ["id", "email"],
                                    "properties": {"id": {"type": "string"}, "email": {"type": "string"}}},
                           "workspace": {"type": "object",
                                         "required": ["id", "name", "tier", "trial_ends_at", "ai_credits"],
                                         "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                                        "tier": {"type": "string"},
                                                        "trial_ends_at": {"type": "string", "format": "date-time"},
                                                        "ai_credits": {"type": "integer"}}},
                           "mcp_url": {"type": "string"},
                           "client_config": {"type": "object", "required": ["claude_desktop", "cursor"],
                                             "properties": {"claude_desktop": {"type": "object"},
                                                            "cursor": {"type": "object"}}}
                         }}""")),
                new Tool.Annotations(false, false, false, false),
                List.of(),
                Optional.empty(),
                false,
                false,
                (arguments, context) -> {
                    SignupCompleted completed = signup.verify(
                            arguments.path("pending_id").asString(""),
                            arguments.path("code").asString(""),
                            arguments.path("password").asString(""));
                    String mcpUrl = publicUrl.get() + "/mcp/v1/";
                    String key = completed.mcpKey().secret();
                    long credits = plans.usage(completed.workspace().id())
                            .of(Quota.AI_CREDITS)
                            .limit();
                    ObjectNode structured = JsonRpc.NODES
                            .objectNode()
                            .put("api_key", key)
                            .put("api_key_id", completed.mcpKey().key().id())
                            .put("access_token", completed.accessToken().secret())
                            .put(
                                    "access_token_expires_at",
                                    completed.accessToken().expiresAt().toString());
                    structured
                            .putObject("user")
                            .put("id", completed.user().id())
                            .put("email", completed.user().email());
                    structured
                            .putObject("workspace")
                            .put("id", completed.workspace().id())
                            .put("name", completed.workspace().name())
                            .put("tier", completed.workspace().tier())
                            .put(
                                    "trial_ends_at",
                                    completed
                                            .workspace()
                                            .trialEndsAt()
                                            .map(Instant::toString)
                                            .orElse(""))
                            .put("ai_credits", credits);
                    structured.put("mcp_url", mcpUrl);
                    ObjectNode clients = structured.putObject("client_config");
                    clients.set("claude_desktop", claudeDesktopConfig(mcpUrl, key));
                    clients.set("cursor", cursorConfig(mcpUrl, key));
                    String text =
                            "Your clariBI workspace \"" + completed.workspace().name() + "\" is ready on the "
                                    + plans.effectiveTier(completed.workspace()).name() + " until "
                                    + completed
                                            .workspace()
                                            .trialEndsAt()
                                            .map(end -> end.toString().substring(0, 10))
                                            .orElse("-")
                                    + ", with " + credits + " AI credits.\n\n"
                                    + "Your MCP API key (shown only this once; store it in a password manager):\n" + key
                                    + "\n\n"
                                    + "For the rest of this conversation you can keep going: the access token below works as a"
                                    + " Bearer token at " + mcpUrl + " for one hour.\n"
                                    + "Access token: " + completed.accessToken().secret() + "\n\n"
                                    + "To connect Claude Desktop, open Settings > Developer > Edit Config and add this to"
                                    + " claude_desktop_config.json (it uses the mcp-remote bridge), then restart Claude:\n"
                                    + pretty(claudeDesktopConfig(mcpUrl, key)) + "\n\n"
                                    + "To connect Cursor, add this to ~/.cursor/mcp.json (or .cursor/mcp.json in a project):\n"
                                    + pretty(cursorConfig(mcpUrl, key)) + "\n\n"
                                    + "Next: upload a file with upload_data_source, or ask check_pricing about plans.";
                    return ToolResult.structured(structured, text);
                });
    }

    static Tool getUsage(Plans plans) {
        return new Tool(
                "get_usage",
                "Get usage and limits",
                "Shows this workspace's use of every quota against its plan's limit: AI credits and file uploads"
                        + " this month, data sources, and storage. Works on every plan.",
                Tool.schema("""
                        {"type": "object", "properties": {}, "additionalProperties": false}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["tier", "period_start", "period_end", "ai_credits", "data_sources",
                                      "uploads_this_month", "storage_bytes"],
                         "properties": {
                           "tier": {"type": "string"},
                           "period_start": {"type": "string", "format": "date-time"},
                           "period_end": {"type": "string", "format": "date-time"},
                           "ai_credits": {"$ref": "#/$defs/meter"},
                           "data_sources": {"$ref": "#/$defs/meter"},
                           "uploads_this_month": {"$ref": "#/$defs/meter"},
                           "storage_bytes": {"$ref": "#/$defs/meter"}
                         },
                         "$defs": {"meter": {"type": "object", "additionalProperties": false,
                                             "required": ["used", "limit", "remaining"],
                                             "properties": {"used": {"type": "integer", "minimum": 0},
                                                            "limit": {"type": "integer", "minimum": 0},
                                                            "remaining": {"type": "integer", "minimum": 0}}}}}""")),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.USAGE_READ),
                false,
                false,
                (arguments, context) -> {
                    Usage usage = plans.usage(context.requirePrincipal().workspaceId());
                    ObjectNode structured = JsonRpc.NODES
                            .objectNode()
                            .put("tier", usage.tier())
                            .put("period_start", usage.periodStart().toString())
                            .put("period_end", usage.periodEnd().toString());
                    meter(structured, "ai_credits", usage.of(Quota.AI_CREDITS));
                    meter(structured, "data_sources", usage.of(Quota.DATA_SOURCES));
                    meter(structured, "uploads_this_month", usage.of(Quota.UPLOADS));
                    meter(structured, "storage_bytes", usage.of(Quota.STORAGE_BYTES));
                    String tierName = plans.pricing()
                            .tier(usage.tier())
                            .map(Pricing.Tier::name)
                            .orElse(usage.tier());
                    String text = "Usage on the " + tierName + " plan (monthly quotas reset "
                            + usage.periodEnd().toString().substring(0, 10) + "):\n"
                            + line("AI credits this month", usage.of(Quota.AI_CREDITS))
                            + line("Data sources", usage.of(Quota.DATA_SOURCES))
                            + line("File uploads this month", usage.of(Quota.UPLOADS))
                            + "- Storage: "
                            + megabytes(usage.of(Quota.STORAGE_BYTES).used()) + " of "
                            + megabytes(usage.of(Quota.STORAGE_BYTES).limit()) + " used";
                    return ToolResult.structured(structured, text);
                });
    }

    static Tool getBillingStatus(Plans plans) {
        return new Tool(
                "get_billing_status",
                "Get billing status",
                "Shows this workspace's plan, its status (trialing, active, free), when the trial ends, the next"
                        + " renewal, and whether the plan includes mcp_server_access. Works on every plan.",
                Tool.schema("""
                        {"type": "object", "properties": {}, "additionalProperties": false}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["workspace_id", "tier", "tier_name", "status", "trial_ends_at", "renews_at",
                                      "mcp_server_access", "tiers_with_mcp_server_access"],
                         "properties": {
                           "workspace_id": {"type": "string"},
                           "tier": {"type": "string"},
                           "tier_name": {"type": "string"},
                           "status": {"enum": ["trialing", "active", "free"]},
                           "trial_ends_at": {"type": ["string", "null"], "format": "date-time"},
                           "renews_at": {"type": ["string", "null"], "format": "date-time"},
                           "mcp_server_access": {"type": "boolean"},
                           "tiers_with_mcp_server_access": {"type": "array", "items": {"type": "string"}}
                         }}""")),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.BILLING_READ),
                false,
                false,
                (arguments, context) -> {
                    BillingStatus status =
                            plans.billingStatus(context.requirePrincipal().workspaceId());
                    ObjectNode structured = JsonRpc.NODES
                            .objectNode()
                            .put("workspace_id", status.workspaceId())
                            .put("tier", status.tier())
                            .put("tier_name", status.tierName())
                            .put("status", status.status());
                    putInstant(structured, "trial_ends_at", status.trialEndsAt());
                    putInstant(structured, "renews_at", status.renewsAt());
                    structured.put(Pricing.MCP_SERVER_ACCESS, status.mcpServerAccess());
                    status.tiersWithMcpAccess().forEach(structured.putArray("tiers_with_mcp_server_access")::add);
                    StringBuilder text = new StringBuilder("Plan: " + status.tierName() + " (" + status.status() + ")");
                    status.trialEndsAt()
                            .ifPresent(end -> text.append(
                                            status.status().equals("trialing") ? "; trial ends " : "; trial ended ")
                                    .append(end.toString(), 0, 10));
                    status.renewsAt()
                            .ifPresent(renews -> text.append("; renews ").append(renews.toString(), 0, 10));
                    text.append(".\n");
                    if (status.mcpServerAccess()) {
                        text.append("This plan includes mcp_server_access: every clariBI tool is available here.");
                    } else {
                        text.append("This plan does not include mcp_server_access, so tools other than get_usage and"
                                        + " get_billing_status are refused. It is included in ")
                                .append(String.join(", ", status.tiersWithMcpAccess()))
                                .append(". Upgrade with create_checkout_session or in the web app under Billing.");
                    }
                    return ToolResult.structured(structured, text.toString());
                });
    }

    private static ObjectNode claudeDesktopConfig(String mcpUrl, String key) {
        ObjectNode root = JsonRpc.NODES.objectNode();
        ObjectNode server = root.putObject("mcpServers").putObject("claribi");
        server.put("command", "npx");
        server.putArray("args")
                .add("-y")
                .add("mcp-remote")
                .add(mcpUrl)
                .add("--header")
                .add("Authorization:${CLARIBI_AUTH_HEADER}");
        server.putObject("env").put("CLARIBI_AUTH_HEADER", "Bearer " + key);
        return root;
    }

    private static ObjectNode cursorConfig(String mcpUrl, String key) {
        ObjectNode root = JsonRpc.NODES.objectNode();
        ObjectNode server = root.putObject("mcpServers").putObject("claribi");
        server.put("url", mcpUrl);
        server.putObject("headers").put("Authorization", "Bearer " + key);
        return root;
    }

    private static String pretty(ObjectNode node) {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }

    private static void meter(ObjectNode parent, String name, Usage.Meter meter) {
        parent.putObject(name)
                .put("used", meter.used())
                .put("limit", meter.limit())
                .put("remaining", meter.remaining());
    }

    private static String line(String label, Usage.Meter meter) {
        return "- " + label + ": " + meter.used() + " of " + meter.limit() + " used (" + meter.remaining() + " left)\n";
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static void putInstant(ObjectNode node, String field, Optional<Instant> value) {
        if (value.isPresent()) {
            node.put(field, value.get().toString());
        } else {
            node.putNull(field);
        }
    }
}
