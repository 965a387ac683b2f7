package com.claribi.analysis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table the engine may answer from.
 *
 * @param dataSourceId the data source it belongs to ({@code ds_…}); reported in {@code
 *     data_sources_used}
 * @param name the data source's display name (its words help pick the table for a question)
 * @param table the DuckDB table name; always quoted, never built from a question
 * @param columns the columns in table order
 * @param rowCount rows in the table, or -1 when unknown
 */
public record TableSchema(String dataSourceId, String name, String table, List<ColumnInfo> columns, long rowCount) {
    public TableSchema {
        Objects.requireNonNull(dataSourceId, "dataSourceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
    }

    public Optional<ColumnInfo> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }
}
