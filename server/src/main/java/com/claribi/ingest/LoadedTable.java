package com.claribi.ingest;

import java.util.Objects;

/**
 * One table a load published.
 *
 * @param tableName the DuckDB table name (quote it in SQL)
 * @param sourceName where it came from in the file: a sheet name, "page 2 table 1", "text", or the
 *     file's own name
 * @param rowCount rows loaded
 * @param columnCount columns loaded
 */
public record LoadedTable(String tableName, String sourceName, long rowCount, int columnCount) {
    public LoadedTable {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(sourceName, "sourceName");
        if (rowCount < 0 || columnCount < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}
