package com.claribi.rest;

import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.ingest.ColumnProfile;
import com.claribi.ingest.DataSourceCatalog;
import com.claribi.ingest.DataSourceRecord;
import com.claribi.ingest.DataSourceStatus;
import com.claribi.ingest.DataSources;
import com.claribi.ingest.TableProfile;
import com.claribi.platform.ClariException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/data-sources} (SPEC §1, issue 5 §4): {@code GET /data-sources?status=&limit=&cursor=},
 * {@code GET /data-sources/{id}?preview_rows=}, {@code DELETE /data-sources/{id}} (drops its tables,
 * raw file and catalog row and gives back its quota). Another workspace's id is 404. Authentication,
 * scopes and the error format are {@link RestApi}'s.
 */
final class DataSourceRoutes {
    private static final Pattern ONE = Pattern.compile("/data-sources/([A-Za-z0-9_]{1,64})");

    private final DataSources dataSources;

    DataSourceRoutes(DataSources dataSources) {
        this.dataSources = Objects.requireNonNull(dataSources, "dataSources");
    }

    /** The methods a route allows, or null when it is not a data-source route. */
    static String allowed(String route) {
        if (route.equals("/data-sources")) {
            return "GET";
        }
        return ONE.matcher(route).matches() ? "GET, DELETE" : null;
    }

    static Scope scope(String method) {
        return method.equals("GET") ? Scope.DATA_SOURCES_READ : Scope.DATA_SOURCES_WRITE;
    }

    /** @return the status and JSON body; status 204 has no body */
    Map.Entry<Integer, Object> handle(Principal principal, String method, String route, Map<String, String> query) {
        if (route.equals("/data-sources")) {
            Optional<DataSourceStatus> status =
                    Optional.ofNullable(query.get("status")).map(DataSources::status);
            int limit = integer(query, "limit", 20);
            DataSourceCatalog.Page page =
                    dataSources.list(principal.workspaceId(), status, limit, Optional.ofNullable(query.get("cursor")));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(
                    "data_sources",
                    page.items().stream().map(DataSourceRoutes::summary).toList());
            body.put("next_cursor", page.nextCursor().orElse(null));
            return Map.entry(200, body);
        }
        Matcher matcher = ONE.matcher(route);
        if (!matcher.matches()) {
            throw ClariException.notFound("No such path.");
        }
        String id = matcher.group(1);
        if (method.equals("DELETE")) {
            dataSources.delete(principal.workspaceId(), id);
            return Map.entry(204, Map.of());
        }
        DataSourceRecord record = dataSources.require(principal.workspaceId(), id);
        Map<String, Object> body = summary(record);
        record.profile().ifPresent(profile -> {
            List<Map<String, Object>> tables = new ArrayList<>();
            for (TableProfile table : profile.tables()) {
                Map<String, Object> tableJson = new LinkedHashMap<>();
                tableJson.put("name", table.tableName());
                tableJson.put("source_name", table.sourceName());
                tableJson.put("row_count", table.rowCount());
                List<Map<String, Object>> columns = new ArrayList<>();
                for (ColumnProfile column : table.columns()) {
                    Map<String, Object> columnJson = new LinkedHashMap<>();
                    columnJson.put("name", column.name());
                    columnJson.put("type", column.sqlType());
                    columnJson.put("role", column.role().name().toLowerCase(Locale.ROOT));
                    columnJson.put(
                            "hints",
                            column.hints().stream()
                                    .map(hint -> hint.name().toLowerCase(Locale.ROOT))
                                    .toList());
                    columnJson.put("null_count", column.nullCount());
                    columnJson.put("null_share", Double.isFinite(column.nullShare()) ? column.nullShare() : 0.0);
                    columnJson.put("distinct_count", column.distinctCount());
                    columnJson.put("distinct_approximate", column.distinctApproximate());
                    columnJson.put("min", column.min());
                    columnJson.put("max", column.max());
                    columnJson.put(
                            "mean", column.mean() != null && Double.isFinite(column.mean()) ? column.mean() : null);
                    columnJson.put(
                            "top_values",
                            column.topValues().stream()
                                    .map(value -> {
                                        Map<String, Object> entry = new LinkedHashMap<>();
                                        entry.put("value", value.value());
                                        entry.put("count", value.count());
                                        return entry;
                                    })
                                    .toList());
                    columns.add(columnJson);
                }
                tableJson.put("columns", columns);
                tables.add(tableJson);
            }
            body.put("tables", tables);
        });
        dataSources.preview(record, integer(query, "preview_rows", 5)).ifPresent(preview -> {
            Map<String, Object> previewJson = new LinkedHashMap<>();
            previewJson.put("table", preview.table());
            previewJson.put("columns", preview.columns());
            previewJson.put("rows", preview.rows());
            body.put("preview", previewJson);
        });
        return Map.entry(200, body);
    }

    private static Map<String, Object> summary(DataSourceRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", record.id());
        out.put("name", record.name());
        out.put("status", record.status().wireName());
        out.put("format", record.format().wireName());
        out.put("origin", record.origin().name().toLowerCase(Locale.ROOT));
        out.put("source_url", record.sourceUrl().map(URI::toString).orElse(null));
        out.put("failure_reason", record.failureReason().orElse(null));
        out.put("raw_bytes", record.rawBytes());
        out.put("row_count", record.profile().map(profile -> profile.rowCount()).orElse(null));
        out.put("tables", record.tableNames());
        out.put("created_at", record.createdAt().toString());
        out.put(
                "updated_at",
                Optional.of(record.updatedAt()).map(Instant::toString).orElse(null));
        return out;
    }

    private static int integer(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("\\d{1,4}")) {
            throw ClariException.invalid(name + " must be a whole number");
        }
        return Integer.parseInt(value);
    }
}
