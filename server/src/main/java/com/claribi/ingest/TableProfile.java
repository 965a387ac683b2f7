package com.claribi.ingest;

import java.util.List;
import java.util.Objects;

/**
 * One table of a data source.
 *
 * @param tableName the DuckDB table name (quote it in SQL)
 * @param sourceName where it came from in the file (sheet name, "page 1 table 1", "text", file name)
 * @param rowCount rows in the table
 * @param columns one profile per column, in table order
 */
public record TableProfile(String tableName, String sourceName, long rowCount, List<ColumnProfile> columns) {
    public TableProfile {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(sourceName, "sourceName");
        columns = List.copyOf(columns);
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative");
        }
    }
}
