package com.claribi.rest;

import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.dashboards.Dashboards;
import com.claribi.platform.ClariException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * REST {@code /api/v1/dashboards} (SPEC §1, issue 6 §7): list, create, get (widgets re-run), rename,
 * delete, and remove a widget. {@link RestApi} authenticates, checks the scope {@link #scope} names
 * and maps errors to its one error format; foreign ids are {@code not_found}.
 *
 * <pre>
 * GET    /dashboards?limit=&amp;cursor=          dashboards:read   200 {dashboards, next_cursor}
 * POST   /dashboards {"name"}                   dashboards:write  201 dashboard
 * GET    /dashboards/{id}                       dashboards:read   200 dashboard with widgets
 * PATCH  /dashboards/{id} {"name"}              dashboards:write  200 dashboard
 * DELETE /dashboards/{id}                       dashboards:write  204
 * DELETE /dashboards/{id}/widgets/{widget id}   dashboards:write  204
 * </pre>
 */
final class DashboardRoutes {
    private static final Pattern ONE = Pattern.compile("/dashboards/([A-Za-z0-9_]{1,64})");
    private static final Pattern WIDGET =
            Pattern.compile("/dashboards/([A-Za-z0-9_]{1,64})/widgets/([A-Za-z0-9_]{1,64})");

    private final Dashboards dashboards;

    DashboardRoutes(Dashboards dashboards) {
        this.dashboards = Objects.requireNonNull(dashboards, "dashboards");
    }

    /** The methods a route allows, or null when it is not a dashboard route. */
    static String allowed(String route) {
        if (route.equals("/dashboards")) {
            return "GET, POST";
        }
        if (ONE.matcher(route).matches()) {
            return "GET, PATCH, DELETE";
        }
        if (WIDGET.matcher(route).matches()) {
            return "DELETE";
        }
        return null;
    }

    static Scope scope(String method) {
        return method.equals("GET") ? Scope.DASHBOARDS_READ : Scope.DASHBOARDS_WRITE;
    }

    /** Status and body; a 204 has no body. */
    Map.Entry<Integer, Object> handle(
            Principal principal, String method, String route, Map<String, String> query, Supplier<JsonNode> body) {
        String workspace = principal.workspaceId();
        if (route.equals("/dashboards")) {
            if (method.equals("GET")) {
                Dashboards.Page page =
                        dashboards.list(workspace, limit(query), Optional.ofNullable(query.get("cursor")));
                Map<String, Object> reply = new LinkedHashMap<>();
                List<Object> items = new ArrayList<>();
                page.items().forEach(dashboard -> items.add(summary(dashboard)));
                reply.put("dashboards", items);
                reply.put("next_cursor", page.nextCursor().orElse(null));
                return reply(200, reply);
            }
            return reply(201, summary(dashboards.create(workspace, name(body.get()))));
        }
        Matcher widget = WIDGET.matcher(route);
        if (widget.matches()) {
            if (!dashboards.removeWidget(workspace, widget.group(1), widget.group(2))) {
                throw ClariException.notFound("No such dashboard or widget in this workspace.");
            }
            return reply(204, null);
        }
        Matcher one = ONE.matcher(route);
        if (!one.matches()) {
            throw ClariException.notFound("No such path.");
        }
        String id = one.group(1);
        return switch (method) {
            case "GET" -> reply(200, detail(dashboards.get(workspace, id)));
            case "PATCH" -> reply(200, summary(dashboards.rename(workspace, id, name(body.get()))));
            default -> {
                if (!dashboards.delete(workspace, id)) {
                    throw ClariException.notFound("No dashboard " + id + " in this workspace.");
                }
                yield reply(204, null);
            }
        };
    }

    private static int limit(Map<String, String> query) {
        String limit = query.get("limit");
        if (limit == null) {
            return 20;
        }
        try {
            return Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw ClariException.invalid("limit must be a whole number from 1 to 100.");
        }
    }

    private static String name(JsonNode body) {
        for (var field : body.properties()) {
            if (!field.getKey().equals("name")) {
                throw ClariException.invalid("Unknown field in the body; send {\"name\": \"…\"}.");
            }
        }
        JsonNode name = body.get("name");
        if (name == null || !name.isString()) {
            throw ClariException.invalid("Send {\"name\": \"…\"} with the dashboard's name as a string.");
        }
        return name.asString();
    }

    private static Map<String, Object> summary(Dashboards.Dashboard dashboard) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", dashboard.id());
        json.put("name", dashboard.name());
        json.put("widget_count", dashboard.widgetCount());
        json.put("created_at", dashboard.createdAt().toString());
        json.put("updated_at", dashboard.updatedAt().toString());
        return json;
    }

    private static Map<String, Object> detail(Dashboards.Detail detail) {
        Map<String, Object> json = summary(detail.dashboard());
        List<Object> widgets = new ArrayList<>();
        for (Dashboards.Widget widget : detail.widgets()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", widget.id());
            item.put("analysis_id", widget.analysisId());
            item.put("question", widget.question());
            item.put("data_source_ids", widget.dataSourceIds());
            item.put("created_at", widget.createdAt().toString());
            item.put(
                    "result",
                    widget.latest().map(view -> (Object) view.payload()).orElse(null));
            widgets.add(item);
        }
        json.put("widgets", widgets);
        return json;
    }

    private static Map.Entry<Integer, Object> reply(int status, Object body) {
        return new AbstractMap.SimpleImmutableEntry<>(status, body);
    }
}
