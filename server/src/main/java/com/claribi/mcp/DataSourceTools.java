package com.claribi.mcp;

import com.claribi.auth.Principal;
import com.claribi.auth.Scope;
import com.claribi.ingest.ColumnProfile;
import com.claribi.ingest.DataSourceCatalog;
import com.claribi.ingest.DataSourceRecord;
import com.claribi.ingest.DataSourceStatus;
import com.claribi.ingest.DataSources;
import com.claribi.ingest.SemanticHint;
import com.claribi.ingest.SourceFormat;
import com.claribi.ingest.TableProfile;
import com.claribi.ingest.ValueCount;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data-source tools of SPEC §2 ({@code upload_data_source}, {@code ingest_url_data_source},
 * {@code list_data_sources}, {@code get_data_source}) and the {@code claribi://data-sources/{id}}
 * resource template with its {@code resources/list} lister. Adapter only: arguments in, {@link
 * DataSources} calls, structured content plus a text block out.
 */
public final class DataSourceTools {
    static final String URI_PREFIX = "claribi://data-sources/";
    private static final int DEFAULT_PREVIEW_ROWS = 5;
    private static final int LISTED_RESOURCES = 100;

    private DataSourceTools() {}

    /** Registers the four tools, the resource template and the lister. */
    public static void register(McpRegistry registry, DataSources dataSources) {
        registry.tool(upload(dataSources));
        registry.tool(ingestUrl(dataSources));
        registry.tool(list(dataSources));
        registry.tool(get(dataSources));
        registry.resourceTemplate(new ResourceTemplate(
                URI_PREFIX + "{id}",
                "data_source",
                "Data source",
                "A data source's status, schema with column roles, profile and preview rows (JSON).",
                Optional.of("application/json"),
                (uri, variables, context) -> {
                    Principal principal = context.requirePrincipal();
                    if (!principal.has(Scope.DATA_SOURCES_READ)) {
                        throw new ClariException(
                                ErrorCode.FORBIDDEN, "Reading data sources needs the scope data-sources:read.");
                    }
                    DataSourceRecord record = dataSources.require(principal.workspaceId(), variables.get("id"));
                    ObjectNode body = describe(dataSources, record, DEFAULT_PREVIEW_ROWS);
                    return List.of(JsonRpc.NODES
                            .objectNode()
                            .put("uri", uri)
                            .put("mimeType", "application/json")
                            .put("text", Json.mapper().writeValueAsString(body)));
                }));
        registry.resourceLister(context -> {
            Optional<Principal> principal = context.principal();
            if (principal.isEmpty() || !principal.get().has(Scope.DATA_SOURCES_READ)) {
                return List.of();
            }
            return dataSources
                    .list(principal.get().workspaceId(), Optional.empty(), LISTED_RESOURCES, Optional.empty())
                    .items()
                    .stream()
                    .map(record -> new ResourceLister.Listed(
                            URI_PREFIX + record.id(),
                            record.id(),
                            record.name(),
                            record.format().wireName() + " data source, "
                                    + record.status().wireName(),
                            Optional.of("application/json")))
                    .toList();
        });
    }

    /** Sends {@code notifications/resources/updated} whenever a data source changes status. */
    public static void notifyChanges(DataSources dataSources, McpServer server) {
        dataSources.onStatusChange(record -> server.resourceUpdated(URI_PREFIX + record.id()));
    }

    static Tool upload(DataSources dataSources) {
        return new Tool(
                "upload_data_source",
                "Upload a file as a data source",
                "Uploads a file (csv, tsv, json, excel, text or pdf) sent inline as base64, at most 25 MB of"
                        + " base64 (about 18 MB of file); larger files: put them at a URL and use"
                        + " ingest_url_data_source. The file is stored at once and then read into tables and"
                        + " profiled; status is processing until that finishes. wait_seconds (0-60) waits for it;"
                        + " otherwise poll get_data_source.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["name", "format", "data_base64"],
                         "properties": {
                           "name": {"type": "string", "minLength": 1, "maxLength": 200,
                                    "description": "A name for the data source, such as the file name."},
                           "format": {"type": "string", "maxLength": 16,
                                      "description": "The file's format: csv, tsv, json, excel (.xlsx or .xls), text or pdf."},
                           "data_base64": {"type": "string",
                                           "description": "The file's bytes, standard base64."},
                           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 60, "default": 0,
                                            "description": "How long to wait for processing to finish."}
                         }}"""),
                Optional.of(dataSourceSchema()),
                new Tool.Annotations(false, false, false, false),
                List.of(),
                Optional.of(Scope.DATA_SOURCES_WRITE),
                true,
                true,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    String base64 = arguments.path("data_base64").asString("");
                    DataSourceRecord record = dataSources.upload(
                            principal.workspaceId(),
                            arguments.path("name").asString(""),
                            SourceFormat.fromWireName(arguments.path("format").asString("")),
                            base64);
                    return finish(dataSources, record, arguments, context);
                });
    }

    static Tool ingestUrl(DataSources dataSources) {
        return new Tool(
                "ingest_url_data_source",
                "Ingest a file from a URL",
                "Fetches a file from a public http(s) URL (at most "
                        + com.claribi.platform.Config.describeBytes(dataSources.urlMaxBytes())
                        + "; private and internal addresses are refused) and reads it into tables like upload_data_source. format is detected from"
                        + " the content when omitted. wait_seconds (0-60) waits for processing to finish.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["name", "url"],
                         "properties": {
                           "name": {"type": "string", "minLength": 1, "maxLength": 200,
                                    "description": "A name for the data source."},
                           "url": {"type": "string", "minLength": 1, "maxLength": 4096,
                                   "description": "A public http or https URL."},
                           "format": {"type": "string", "maxLength": 16,
                                      "description": "csv, tsv, json, excel, text or pdf, when detection should be overridden."},
                           "wait_seconds": {"type": "integer", "minimum": 0, "maximum": 60, "default": 0,
                                            "description": "How long to wait for processing to finish."}
                         }}"""),
                Optional.of(dataSourceSchema()),
                new Tool.Annotations(false, false, false, true),
                List.of(),
                Optional.of(Scope.DATA_SOURCES_WRITE),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Optional<SourceFormat> format = arguments.hasNonNull("format")
                            ? Optional.of(SourceFormat.fromWireName(
                                    arguments.path("format").asString("")))
                            : Optional.empty();
                    context.progress(0, (double) DataSources.Phase.steps(), "fetching the URL");
                    DataSourceRecord record = dataSources.ingestUrl(
                            principal.workspaceId(),
                            arguments.path("name").asString(""),
                            arguments.path("url").asString(""),
                            format);
                    return finish(dataSources, record, arguments, context);
                });
    }

    static Tool list(DataSources dataSources) {
        return new Tool(
                "list_data_sources",
                "List data sources",
                "Lists this workspace's data sources, newest first, with their status and size. Pass the"
                        + " returned next_cursor to get the next page.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "properties": {
                           "status": {"type": "string", "enum": ["processing", "ready", "failed"]},
                           "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                           "cursor": {"type": "string", "maxLength": 64}
                         }}"""),
                Optional.of(Tool.schema("""
                        {"type": "object", "required": ["data_sources"],
                         "properties": {
                           "data_sources": {"type": "array", "items": {"type": "object",
                             "required": ["data_source_id", "name", "status", "format", "uri"],
                             "properties": {"data_source_id": {"type": "string"}, "name": {"type": "string"},
                                            "status": {"enum": ["processing", "ready", "failed"]},
                                            "format": {"type": "string"}, "uri": {"type": "string"},
                                            "row_count": {"type": ["integer", "null"]},
                                            "raw_bytes": {"type": "integer"},
                                            "failure_reason": {"type": ["string", "null"]},
                                            "created_at": {"type": "string"}}}},
                           "next_cursor": {"type": "string"}
                         }}""")),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.DATA_SOURCES_READ),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    Optional<DataSourceStatus> status = arguments.hasNonNull("status")
                            ? Optional.of(
                                    DataSources.status(arguments.path("status").asString("")))
                            : Optional.empty();
                    DataSourceCatalog.Page page = dataSources.list(
                            principal.workspaceId(),
                            status,
                            arguments.path("limit").asInt(20),
                            Optional.ofNullable(arguments.path("cursor").asString(null)));
                    ObjectNode structured = JsonRpc.NODES.objectNode();
                    ArrayNode items = structured.putArray("data_sources");
                    StringBuilder text = new StringBuilder();
                    for (DataSourceRecord record : page.items()) {
                        items.add(summary(record));
                        text.append("- ")
                                .append(record.name())
                                .append(" (")
                                .append(record.id())
                                .append(", ")
                                .append(record.format().wireName())
                                .append("): ")
                                .append(statusWords(record))
                                .append('\n');
                    }
                    page.nextCursor().ifPresent(cursor -> structured.put("next_cursor", cursor));
                    String header = page.items().isEmpty()
                            ? "No data sources yet. Add one with upload_data_source or ingest_url_data_source."
                            : page.items().size() + " data source(s):\n";
                    return ToolResult.structured(
                            structured,
                            header
                                    + text
                                    + page.nextCursor()
                                            .map(cursor -> "More: call again with cursor " + cursor + ".")
                                            .orElse(""));
                });
    }

    static Tool get(DataSources dataSources) {
        return new Tool(
                "get_data_source",
                "Get a data source",
                "Shows a data source: status (processing, ready or failed with the reason), its tables with"
                        + " each column's type, role (time, measure, dimension, identifier, text) and profile, the"
                        + " row count and preview rows.",
                Tool.schema("""
                        {"type": "object", "additionalProperties": false,
                         "required": ["data_source_id"],
                         "properties": {
                           "data_source_id": {"type": "string", "minLength": 1, "maxLength": 64},
                           "preview_rows": {"type": "integer", "minimum": 0, "maximum": 100, "default": 5}
                         }}"""),
                Optional.of(dataSourceSchema()),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.DATA_SOURCES_READ),
                true,
                false,
                (arguments, context) -> {
                    Principal principal = context.requirePrincipal();
                    DataSourceRecord record = dataSources.require(
                            principal.workspaceId(),
                            arguments.path("data_source_id").asString(""));
                    ObjectNode structured = describe(
                            dataSources, record, arguments.path("preview_rows").asInt(DEFAULT_PREVIEW_ROWS));
                    return ToolResult.structured(structured, describeText(structured, record));
                });
    }

    private static ToolResult finish(
            DataSources dataSources, DataSourceRecord accepted, ObjectNode arguments, CallContext context) {
        int waitSeconds = arguments.path("wait_seconds").asInt(0);
        DataSourceRecord record = accepted;
        if (waitSeconds > 0) {
            java.util.concurrent.atomic.AtomicInteger reported = new java.util.concurrent.atomic.AtomicInteger();
            record = dataSources.await(
                    accepted.workspaceId(),
                    accepted.id(),
                    Duration.ofSeconds(waitSeconds),
                    phase -> {
                        reported.set(phase.step());
                        context.progress(phase.step(), (double) DataSources.Phase.steps(), phase.words());
                    },
                    context::cancelled);
            if (record.status() != DataSourceStatus.PROCESSING && reported.get() < DataSources.Phase.steps()) {
                context.progress(DataSources.Phase.steps(), (double) DataSources.Phase.steps(), "done");
            }
        }
        ObjectNode structured = describe(dataSources, record, DEFAULT_PREVIEW_ROWS);
        return ToolResult.structured(structured, describeText(structured, record));
    }

    // ---- wire form ----

    static ObjectNode summary(DataSourceRecord record) {
        ObjectNode node = JsonRpc.NODES
                .objectNode()
                .put("data_source_id", record.id())
                .put("name", record.name())
                .put("status", record.status().wireName())
                .put("format", record.format().wireName())
                .put("origin", record.origin().name().toLowerCase(Locale.ROOT))
                .put("uri", URI_PREFIX + record.id())
                .put("raw_bytes", record.rawBytes())
                .put("created_at", record.createdAt().toString())
                .put("updated_at", record.updatedAt().toString());
        record.sourceUrl().map(URI::toString).ifPresent(url -> node.put("source_url", url));
        record.failureReason().ifPresent(reason -> node.put("failure_reason", reason));
        record.profile().ifPresent(profile -> node.put("row_count", profile.rowCount()));
        return node;
    }

    static ObjectNode describe(DataSources dataSources, DataSourceRecord record, int previewRows) {
        ObjectNode node = summary(record);
        record.profile().ifPresent(profile -> {
            ArrayNode tables = node.putArray("tables");
            for (TableProfile table : profile.tables()) {
                ObjectNode tableNode = tables.addObject()
                        .put("name", table.tableName())
                        .put("source_name", table.sourceName())
                        .put("row_count", table.rowCount());
                ArrayNode columns = tableNode.putArray("columns");
                for (ColumnProfile column : table.columns()) {
                    ObjectNode columnNode = columns.addObject()
                            .put("name", column.name())
                            .put("type", column.sqlType())
                            .put("role", column.role().name().toLowerCase(Locale.ROOT));
                    ArrayNode hints = columnNode.putArray("hints");
                    for (SemanticHint hint : column.hints()) {
                        hints.add(hint.name().toLowerCase(Locale.ROOT));
                    }
                    columnNode
                            .put("null_count", column.nullCount())
                            .put("null_share", Double.isFinite(column.nullShare()) ? column.nullShare() : 0.0)
                            .put("distinct_count", column.distinctCount())
                            .put("distinct_approximate", column.distinctApproximate());
                    columnNode.put("min", column.min());
                    columnNode.put("max", column.max());
                    if (column.mean() != null && Double.isFinite(column.mean())) {
                        columnNode.put("mean", column.mean());
                    }
                    ArrayNode top = columnNode.putArray("top_values");
                    for (ValueCount value : column.topValues()) {
                        top.addObject().put("value", value.value()).put("count", value.count());
                    }
                }
            }
        });
        dataSources.preview(record, previewRows).ifPresent(preview -> {
            ObjectNode previewNode = node.putObject("preview").put("table", preview.table());
            ArrayNode columns = previewNode.putArray("columns");
            preview.columns().forEach(columns::add);
            ArrayNode rows = previewNode.putArray("rows");
            for (List<Object> row : preview.rows()) {
                rows.add(Json.mapper().valueToTree(new ArrayList<>(row)));
            }
        });
        return node;
    }

    private static String describeText(ObjectNode structured, DataSourceRecord record) {
        StringBuilder text = new StringBuilder();
        text.append("Data source \"")
                .append(record.name())
                .append("\" (")
                .append(record.id())
                .append(", ")
                .append(record.format().wireName())
                .append("): ")
                .append(statusWords(record))
                .append('.');
        for (JsonNode table : structured.path("tables")) {
            text.append("\nTable ")
                    .append(table.path("name").asString())
                    .append(" (")
                    .append(table.path("row_count").asLong())
                    .append(" rows): ");
            List<String> columns = new ArrayList<>();
            for (JsonNode column : table.path("columns")) {
                columns.add(column.path("name").asString() + " "
                        + column.path("type").asString() + " "
                        + column.path("role").asString());
            }
            text.append(String.join(", ", columns));
        }
        if (record.status() == DataSourceStatus.PROCESSING) {
            text.append(" Call get_data_source with this id (and wait_seconds) to see when it is ready.");
        }
        return text.toString();
    }

    private static String statusWords(DataSourceRecord record) {
        return switch (record.status()) {
            case PROCESSING -> "processing";
            case READY -> "ready, " + record.profile().map(p -> p.rowCount()).orElse(0L) + " rows";
            case FAILED -> "failed: " + record.failureReason().orElse("unknown reason");
        };
    }

    private static ObjectNode dataSourceSchema() {
        return Tool.schema("""
                {"type": "object",
                 "required": ["data_source_id", "name", "status", "format", "origin", "uri", "raw_bytes",
                              "created_at", "updated_at"],
                 "properties": {
                   "data_source_id": {"type": "string", "pattern": "^ds_"},
                   "name": {"type": "string"},
                   "status": {"enum": ["processing", "ready", "failed"]},
                   "format": {"enum": ["csv", "tsv", "json", "excel", "text", "pdf"]},
                   "origin": {"enum": ["upload", "url", "integration"]},
                   "uri": {"type": "string"},
                   "source_url": {"type": "string"},
                   "raw_bytes": {"type": "integer", "minimum": 0},
                   "row_count": {"type": "integer", "minimum": 0},
                   "failure_reason": {"type": "string"},
                   "created_at": {"type": "string", "format": "date-time"},
                   "updated_at": {"type": "string", "format": "date-time"},
                   "tables": {"type": "array", "items": {"type": "object",
                     "required": ["name", "row_count", "columns"],
                     "properties": {
                       "name": {"type": "string"}, "source_name": {"type": "string"},
                       "row_count": {"type": "integer"},
                       "columns": {"type": "array", "items": {"type": "object",
                         "required": ["name", "type", "role", "hints", "null_share", "distinct_count", "top_values"],
                         "properties": {
                           "name": {"type": "string"}, "type": {"type": "string"},
                           "role": {"enum": ["time", "measure", "dimension", "identifier", "text"]},
                           "hints": {"type": "array", "items": {"type": "string"}},
                           "null_count": {"type": "integer"}, "null_share": {"type": "number"},
                           "distinct_count": {"type": "integer"}, "distinct_approximate": {"type": "boolean"},
                           "min": {"type": ["string", "null"]}, "max": {"type": ["string", "null"]},
                           "mean": {"type": "number"},
                           "top_values": {"type": "array", "items": {"type": "object",
                             "required": ["value", "count"],
                             "properties": {"value": {"type": ["string", "null"]}, "count": {"type": "integer"}}}}
                         }}}
                     }}},
                   "preview": {"type": "object", "required": ["table", "columns", "rows"],
                     "properties": {"table": {"type": "string"},
                                    "columns": {"type": "array", "items": {"type": "string"}},
                                    "rows": {"type": "array", "items": {"type": "array"}}}}
                 }}""");
    }
}
