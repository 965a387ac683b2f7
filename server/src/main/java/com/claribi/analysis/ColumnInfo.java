package com.claribi.analysis;

import java.util.List;
import java.util.Objects;

/**
 * One column of a table the engine may query.
 *
 * @param name the column's name exactly as in DuckDB (it is quoted, never interpreted)
 * @param type the DuckDB type name ({@code DOUBLE}, {@code DATE}, {@code VARCHAR} …)
 * @param role what the column is for
 * @param values distinct values of a text column, when few enough to list (the planner matches
 *     words in a question against them); empty otherwise
 * @param distinctCount number of distinct values, or -1 when unknown
 * @param min smallest value as text (ISO-8601 for dates), or null when unknown
 * @param max largest value as text, or null when unknown
 */
public record ColumnInfo(
        String name, String type, ColumnRole role, List<String> values, long distinctCount, String min, String max) {
    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(role, "role");
        if (name.isBlank()) {
            throw new IllegalArgumentException("column name is blank");
        }
        values = values == null ? List.of() : List.copyOf(values);
    }

    public ColumnInfo(String name, String type, ColumnRole role) {
        this(name, type, role, List.of(), -1, null, null);
    }

    boolean isNumeric() {
        String upper = type.toUpperCase(java.util.Locale.ROOT);
        return upper.contains("INT")
                || upper.startsWith("DOUBLE")
                || upper.startsWith("FLOAT")
                || upper.startsWith("REAL")
                || upper.startsWith("DECIMAL")
                || upper.startsWith("NUMERIC")
                || upper.startsWith("HUGEINT");
    }

    boolean isTemporal() {
        String upper = type.toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("DATE") || upper.startsWith("TIMESTAMP");
    }
}
