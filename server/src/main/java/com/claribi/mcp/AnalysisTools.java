package com.claribi.mcp;

import com.claribi.analysis.Analyses;
import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.dashboards.Dashboards;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The analysis and dashboard tools of SPEC §2: {@code run_analysis}, {@code get_analysis}, {@code
 * list_dashboards}, {@code get_dashboard}, and the {@code claribi://dashboards/{id}} resource with its
 * lister. Adapter only: arguments in, {@link Analyses} / {@link Dashboards} calls, the SPEC §4
 * payload as {@code structuredContent}, the answer in a text block and the chart as a PNG image
 * block.
 */
public final class AnalysisTools {
    static final String DASHBOARD_URI = "claribi://dashboards/";

    private AnalysisTools() {}

    public static void register(McpRegistry registry, Analyses analyses, Dashboards dashboards) {
        registry.tool(runAnalysis(analyses, dashboards));
        registry.tool(getAnalysis(analyses));
        registry.tool(listDashboards(dashboards));
        registry.tool(getDashboard(dashboards));
        registry.resourceTemplate(new ResourceTemplate(
                DASHBOARD_URI + "{id}",
                "dashboard",
                "Dashboard",
                "A dashboard with every widget's question answered again from the latest data (JSON).",
                Optional.of("application/json"),
                (uri, variables, context) -> {
                    Principal principal = reader(context);
                    ObjectNode body = dashboardJson(dashboards.get(principal.workspaceId(), variables.get("id")));
                    return List.of(JsonRpc.NODES
                            .objectNode()
                            .put("uri", uri)
                            .put("mimeType", "application/json")
                            .put("text", Json.mapper().writeValueAsString(body)));
                }));
        registry.resourceLister(context -> {
            Optional<Principal> principal = context.principal();
            if (principal.isEmpty() || !principal.get().has(Scope.DASHBOARDS_READ)) {
                return List.of();
            }
            List<ResourceLister.Listed> listed = new ArrayList<>();
            for (Dashboards.Dashboard dashboard : dashboards
                    .list(principal.get().workspaceId(), 100, Optional.empty())
                    .items()) {
                listed.add(new ResourceLister.Listed(
                        DASHBOARD_URI + dashboard.id(),
                        dashboard.name(),
                        dashboard.name(),
                        "Dashboard with " + dashboard.widgetCount() + " widget(s)",
                        Optional.of("application/json")));
            }
            return listed;
        });
    }

    static Tool runAnalysis(Analyses analyses, Dashboards dashboards) {
        return new Tool(
                "run_analysis",
                "Ask a question about your data",
                "Answers a natural-language question about the workspace's data sources (for example \"what was"
                        + " revenue by region last quarter?\") from the data itself: a typed result, a headline, a table, a"
                        + " chart (also as a PNG image), the interpretation and every assumption made, follow-up"
                        + " questions this data can answer, and the trace of the queries run. Uses every ready data"
                        + " source unless data_source_ids names some. Costs one AI credit per answered question; a"
                        + " question the data cannot answer costs nothing and says why. If it takes longer than"
                        + " wait_seconds (default 30) the result has status running: poll get_analysis with the"
                        + " analysis_id. save_to_dashboard (a dashboard name or id; needs dashboards:write) pins the"
                        + " question as a widget, created if no dashboard has that name.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false, "required": ["question"],
                         "properties": {
                           "question": {"type": "string", "minLength": 1, "maxLength": 1000,
                                        "description": "The question, in plain language."},
                           "data_source_ids": {"type": "array", "maxItems": 20, "uniqueItems": true,
                                               "items": {"type": "string", "minLength": 1, "maxLength": 40},
                                               "description": "Data sources to answer from (ds_…); all ready ones when absent."},
                           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 60, "default": 30,
                                            "description": "How long to wait for the answer before returning status running."},
                           "save_to_dashboard": {"type": "string", "minLength": 1, "maxLength": 200,
                                                 "description": "Dashboard name or id (db_…) to pin this question to."}
                         }}"""),
                Optional.of(payloadSchema()),
                new Tool.Annotations(false, false, false, false),
                List.of(),
                Optional.of(Scope.ANALYSIS_RUN),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Optional<String> dashboard = optionalText(arguments, "save_to_dashboard");
                    if (dashboard.isPresent() && !principal.has(Scope.DASHBOARDS_WRITE)) {
                        return ToolResult.error("save_to_dashboard needs the dashboards:write scope, which this"
                                + " credential lacks. Nothing was run or charged: ask again without save_to_dashboard,"
                                + " or use a key that includes dashboards:write.");
                    }
                    List<String> sources = new ArrayList<>();
                    arguments.path("data_source_ids").forEach(id -> sources.add(id.asString()));
                    Analyses.View view = analyses.run(
                            principal.workspaceId(),
                            arguments.path("question").asString(""),
                            sources,
                            waitOf(arguments),
                            watcher(context));
                    String pinned = "";
                    if (dashboard.isPresent()) {
                        if (view.status().equals("failed")) {
                            pinned = " It was not pinned to a dashboard because it has no answer.";
                        } else {
                            Dashboards.Pinned pin = dashboards.pin(principal.workspaceId(), dashboard.get(), view.id());
                            pinned = " Pinned to dashboard \"" + pin.dashboard().name() + "\" ("
                                    + pin.dashboard().id() + (pin.dashboardCreated() ? ", new" : "") + ") as widget "
                                    + pin.widgetId() + ".";
                        }
                    }
                    return result(view, pinned);
                });
    }

    static Tool getAnalysis(Analyses analyses) {
        return new Tool(
                "get_analysis",
                "Get an analysis",
                "Returns an analysis run_analysis started, by its analysis_id, waiting up to wait_seconds (default"
                        + " 30) while it is still running. The payload is the same as run_analysis's.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false, "required": ["analysis_id"],
                         "properties": {
                           "analysis_id": {"type": "string", "minLength": 1, "maxLength": 64,
                                           "description": "The analysis_id run_analysis returned (an_…)."},
                           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 60, "default": 30,
                                            "description": "How long to wait while it is still running."}
                         }}"""),
                Optional.of(payloadSchema()),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.ANALYSIS_RUN),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Analyses.View view = analyses.get(
                            principal.workspaceId(),
                            arguments.path("analysis_id").asString(""),
                            waitOf(arguments),
                            watcher(context));
                    return result(view, "");
                });
    }

    static Tool listDashboards(Dashboards dashboards) {
        return new Tool(
                "list_dashboards",
                "List dashboards",
                "Lists the workspace's dashboards, newest first, with how many widgets each has. Pass next_cursor as"
                        + " cursor for the next page.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "properties": {
                           "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                           "cursor": {"type": "string", "maxLength": 64}
                         }}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "additionalProperties": false, "required": ["dashboards", "next_cursor"],
                         "properties": {
                           "dashboards": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                             "required": ["id", "name", "widget_count", "created_at", "updated_at", "uri"],
                             "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                            "widget_count": {"type": "integer", "minimum": 0},
                                            "created_at": {"type": "string", "format": "date-time"},
                                            "updated_at": {"type": "string", "format": "date-time"},
                                            "uri": {"type": "string"}}}},
                           "next_cursor": {"type": ["string", "null"]}
                         }}""")),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.DASHBOARDS_READ),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Dashboards.Page page = dashboards.list(
                            principal.workspaceId(),
                            arguments.path("limit").asInt(20),
                            optionalText(arguments, "cursor"));
                    ObjectNode structured = JsonRpc.NODES.objectNode();
                    ArrayNode items = structured.putArray("dashboards");
                    StringBuilder text = new StringBuilder();
                    for (Dashboards.Dashboard dashboard : page.items()) {
                        items.add(dashboardSummary(dashboard));
                        text.append("- ")
                                .append(dashboard.name())
                                .append(" (")
                                .append(dashboard.id())
                                .append(", ")
                                .append(dashboard.widgetCount())
                                .append(" widgets)\n");
                    }
                    if (page.nextCursor().isPresent()) {
                        structured.put("next_cursor", page.nextCursor().get());
                        text.append("More: call again with cursor ")
                                .append(page.nextCursor().get())
                                .append('\n');
                    } else {
                        structured.putNull("next_cursor");
                    }
                    return ToolResult.structured(
                            structured,
                            page.items().isEmpty()
                                    ? "No dashboards yet. Pin an answer with run_analysis(save_to_dashboard: \"name\")."
                                    : text.toString().strip());
                });
    }

    static Tool getDashboard(Dashboards dashboards) {
        return new Tool(
                "get_dashboard",
                "Get a dashboard",
                "Returns a dashboard with every widget's question answered again from the latest data (the same"
                        + " payload as run_analysis per widget; re-reading costs no credits).",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false, "required": ["dashboard_id"],
                         "properties": {
                           "dashboard_id": {"type": "string", "minLength": 1, "maxLength": 64,
                                            "description": "The dashboard's id (db_…) from list_dashboards."}
                         }}"""),
                Optional.of(dashboardSchema()),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.DASHBOARDS_READ),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Dashboards.Detail detail = dashboards.get(
                            principal.workspaceId(),
                            arguments.path("dashboard_id").asString(""));
                    StringBuilder text = new StringBuilder("Dashboard \"")
                            .append(detail.dashboard().name())
                            .append("\" (")
                            .append(detail.widgets().size())
                            .append(" widgets):");
                    for (Dashboards.Widget widget : detail.widgets()) {
                        text.append("\n- ").append(widget.question()).append(": ");
                        text.append(widget.latest().map(Analyses.View::text).orElse(""));
                    }
                    return ToolResult.structured(dashboardJson(detail), text.toString());
                });
    }

    // ---- JSON ----

    static ObjectNode dashboardJson(Dashboards.Detail detail) {
        ObjectNode body = dashboardSummary(detail.dashboard());
        ArrayNode widgets = body.putArray("widgets");
        for (Dashboards.Widget widget : detail.widgets()) {
            ObjectNode item = widgets.addObject()
                    .put("id", widget.id())
                    .put("analysis_id", widget.analysisId())
                    .put("question", widget.question());
            widget.dataSourceIds().forEach(item.putArray("data_source_ids")::add);
            item.put("created_at", widget.createdAt().toString());
            item.set("result", widget.latest().map(Analyses.View::payload).orElse(null));
        }
        return body;
    }

    private static ObjectNode dashboardSummary(Dashboards.Dashboard dashboard) {
        return JsonRpc.NODES
                .objectNode()
                .put("id", dashboard.id())
                .put("name", dashboard.name())
                .put("widget_count", dashboard.widgetCount())
                .put("created_at", dashboard.createdAt().toString())
                .put("updated_at", dashboard.updatedAt().toString())
                .put("uri", DASHBOARD_URI + dashboard.id());
    }

    private static ToolResult result(Analyses.View view, String extra) {
        List<ObjectNode> content = new ArrayList<>();
        content.add(ToolResult.textBlock(view.text() + extra));
        view.chartPng()
                .ifPresent(png ->
                        content.add(ToolResult.imageBlock(Base64.getEncoder().encodeToString(png), "image/png")));
        return new ToolResult(content, Optional.of(view.payload()), false);
    }

    private static Analyses.Watcher watcher(CallContext context) {
        return new Analyses.Watcher() {
            @Override
            public void progress(double fraction, String message) {
                context.progress(fraction, 1.0, message);
            }

            @Override
            public boolean cancelled() {
                return context.cancelled();
            }
        };
    }

    private static Duration waitOf(JsonNode arguments) {
        return Duration.ofSeconds(Math.clamp(arguments.path("wait_seconds").asInt(30), 0, Analyses.MAX_WAIT_SECONDS));
    }

    private static Optional<String> optionalText(JsonNode arguments, String field) {
        JsonNode value = arguments.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asString());
    }

    private static Principal reader(CallContext context) {
        Principal principal = context.requirePrincipal();
        if (!principal.has(Scope.DASHBOARDS_READ)) {
            throw new ClariException(ErrorCode.FORBIDDEN, "Reading dashboards needs the dashboards:read scope.");
        }
        return principal;
    }

    /** The SPEC §4 payload, exactly: no field beyond those it lists. */
    static ObjectNode payloadSchema() {
        return Tool.schema("""
                {"type": "object", "additionalProperties": false,
                 "required": ["analysis_id", "status", "question", "follow_up_questions", "tool_trace",
                              "data_sources_used", "credits_used"],
                 "properties": {
                   "analysis_id": {"type": "string", "pattern": "^an_"},
                   "status": {"enum": ["completed", "running", "failed"]},
                   "question": {"type": "string"},
                   "answer": {"$ref": "#/$defs/answer"},
                   "follow_up_questions": {"type": "array", "items": {"type": "string"}},
                   "tool_trace": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                     "required": ["tool", "arguments", "rows", "ms"],
                     "properties": {"tool": {"type": "string"}, "arguments": {"type": "object"},
                                    "rows": {"type": "integer", "minimum": 0}, "ms": {"type": "integer", "minimum": 0}}}},
                   "data_sources_used": {"type": "array", "items": {"type": "string"}},
                   "credits_used": {"type": "integer", "minimum": 0},
                   "credits_remaining": {"type": "integer", "minimum": 0}
                 },
                 "$defs": {
                   "answer": {"type": "object", "additionalProperties": false, "required": ["text", "notes"],
                     "properties": {
                       "text": {"type": "string"},
                       "result": {"type": "object", "additionalProperties": false, "required": ["type"],
                         "properties": {"type": {"enum": ["number", "category", "boolean", "list", "table"]},
                                        "value": {}}},
                       "headline": {"type": "object", "additionalProperties": false, "required": ["label"],
                         "properties": {"label": {"type": "string"}, "value": {"type": ["number", "string", "boolean"]},
                                        "formatted": {"type": "string"}, "unit": {"type": "string"}}},
                       "table": {"type": "object", "additionalProperties": false, "required": ["columns", "rows"],
                         "properties": {
                           "columns": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                             "required": ["name", "type"],
                             "properties": {"name": {"type": "string"},
                                            "type": {"enum": ["string", "number", "date", "boolean"]}}}},
                           "rows": {"type": "array", "items": {"type": "array"}}}},
                       "chart": {"type": "object", "additionalProperties": false, "required": ["type"],
                         "properties": {"type": {"enum": ["bar", "line", "pie", "scatter", "table"]},
                                        "x": {"type": "string"}, "y": {"type": "array", "items": {"type": "string"}},
                                        "vega_lite": {"type": "object"}}},
                       "interpretation": {"type": "object", "additionalProperties": false,
                         "properties": {
                           "metric": {"type": "string"}, "aggregation": {"type": "string"},
                           "dimensions": {"type": "array", "items": {"type": "string"}},
                           "filters": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                             "required": ["column", "op"],
                             "properties": {"column": {"type": "string"}, "op": {"type": "string"}, "value": {}}}},
                           "time_range": {"type": "object", "additionalProperties": false,
                             "properties": {"start": {"type": "string"}, "end": {"type": "string"},
                                            "label": {"type": "string"}}}}},
                       "notes": {"type": "array", "items": {"type": "string"}}
                     }}
                 }}""");
    }

    static ObjectNode dashboardSchema() {
        ObjectNode schema = Tool.schema("""
                {"type": "object", "additionalProperties": false,
                 "required": ["id", "name", "widget_count", "created_at", "updated_at", "uri", "widgets"],
                 "properties": {
                   "id": {"type": "string"}, "name": {"type": "string"},
                   "widget_count": {"type": "integer", "minimum": 0},
                   "created_at": {"type": "string", "format": "date-time"},
                   "updated_at": {"type": "string", "format": "date-time"},
                   "uri": {"type": "string"},
                   "widgets": {"type": "array", "items": {"type": "object", "additionalProperties": false,
                     "required": ["id", "analysis_id", "question", "data_source_ids", "created_at", "result"],
                     "properties": {"id": {"type": "string"}, "analysis_id": {"type": "string"},
                                    "question": {"type": "string"},
                                    "data_source_ids": {"type": "array", "items": {"type": "string"}},
                                    "created_at": {"type": "string", "format": "date-time"},
                                    "result": {"$ref": "#/$defs/payload"}}}}
                 }}""");
        ObjectNode payload = payloadSchema();
        ObjectNode defs = schema.putObject("$defs");
        // The payload's own $defs move up so its "#/$defs/answer" reference resolves from the root.
        for (var definition : payload.remove("$defs").properties()) {
            defs.set(definition.getKey(), definition.getValue());
        }
        defs.set("payload", payload);
        return schema;
    }
}
