package com.claribi.ingest;

import java.util.List;
import java.util.Objects;

/**
 * What profiling found in one column.
 *
 * @param name the column name as stored (quote it in SQL)
 * @param sqlType the DuckDB type, such as {@code BIGINT}, {@code DOUBLE}, {@code VARCHAR}, {@code
 *     DATE}, {@code VARCHAR[]}
 * @param role what the column is for in analysis
 * @param hints what its values mean (may be empty)
 * @param nullCount rows where it is null
 * @param nullShare {@code nullCount / rowCount}, 0 for an empty table
 * @param distinctCount distinct non-null values
 * @param distinctApproximate whether {@code distinctCount} is a HyperLogLog estimate (tables over a
 *     million rows)
 * @param min smallest value as text; null when the column has no comparable values
 * @param max largest value as text; null likewise
 * @param mean average of a numeric column; null otherwise
 * @param averageLength average text length of a VARCHAR column; null otherwise
 * @param topValues up to five most frequent values, most frequent first; empty for lists and
 *     structs and for columns with over 100,000 distinct values that are mostly unique
 */
public record ColumnProfile(
        String name,
        String sqlType,
        ColumnRole role,
        List<SemanticHint> hints,
        long nullCount,
        double nullShare,
        long distinctCount,
        boolean distinctApproximate,
        String min,
        String max,
        Double mean,
        Double averageLength,
        List<ValueCount> topValues) {
    public ColumnProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sqlType, "sqlType");
        Objects.requireNonNull(role, "role");
        hints = List.copyOf(hints);
        topValues = List.copyOf(topValues);
        if (nullCount < 0 || distinctCount < 0 || nullShare < 0 || nullShare > 1) {
            throw new IllegalArgumentException("counts must not be negative and shares within 0..1");
        }
    }
}
