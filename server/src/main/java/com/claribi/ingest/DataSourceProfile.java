package com.claribi.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything profiling at ingest found (issue 5 §4), serialisable to JSON as is: the analysis engine
 * plans from it and {@code get_data_source} shows it.
 *
 * @param format the format the file was read as
 * @param rawBytes size of the raw file as uploaded or fetched
 * @param rowCount rows across all tables
 * @param tables one profile per table, in load order (the main table first)
 * @param profiledAt when profiling finished
 */
public record DataSourceProfile(
        SourceFormat format, long rawBytes, long rowCount, List<TableProfile> tables, Instant profiledAt) {
    public DataSourceProfile {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(profiledAt, "profiledAt");
        tables = List.copyOf(tables);
        if (rawBytes < 0 || rowCount < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
    }
}
