package com.claribi.analysis;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link TableSchema} straight from DuckDB (DESCRIBE, one pass of distinct counts and
 * min/max, distinct values of text columns with at most {@value #MAX_VALUES} of them), inferring
 * column roles the way ingestion's profile states them. Used when no profile is at hand.
 */
final class SchemaReader {
    static final int MAX_VALUES = 1000;
    private static final int DIMENSION_MAX_DISTINCT = 60;

    private SchemaReader() {}

    static TableSchema describe(Connection connection, String table, String dataSourceId, String name) {
        String quoted = QueryRunner.quoteTable(table);
        try (Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet result = statement.executeQuery("DESCRIBE " + quoted)) {
                while (result.next()) {
                    names.add(result.getString("column_name"));
                    types.add(result.getString("column_type"));
                }
            }
            StringBuilder sql = new StringBuilder("SELECT COUNT(*)");
            for (String column : names) {
                String q = QueryRunner.quote(column);
                sql.append(", approx_count_distinct(")
                        .append(q)
                        .append("), CAST(MIN(")
                        .append(q)
                        .append(") AS VARCHAR), CAST(MAX(")
                        .append(q)
                        .append(") AS VARCHAR)");
            }
            sql.append(" FROM ").append(quoted);
            long rows;
            List<ColumnInfo> columns = new ArrayList<>();
            try (ResultSet result = statement.executeQuery(sql.toString())) {
                result.next();
                rows = result.getLong(1);
                for (int i = 0; i < names.size(); i++) {
                    long distinct = result.getLong(2 + i * 3);
                    String min = result.getString(3 + i * 3);
                    String max = result.getString(4 + i * 3);
                    ColumnInfo column =
                            new ColumnInfo(names.get(i), types.get(i), ColumnRole.TEXT, List.of(), distinct, min, max);
                    ColumnRole role = role(column, rows);
                    List<String> values = List.of();
                    if (!column.isNumeric() && !column.isTemporal() && distinct <= MAX_VALUES * 1.1) {
                        values = values(connection, quoted, names.get(i));
                        distinct = values.size() <= MAX_VALUES ? values.size() : distinct;
                        role = role(
                                new ColumnInfo(
                                        names.get(i), types.get(i), ColumnRole.TEXT, List.of(), distinct, min, max),
                                rows);
                        if (values.size() > MAX_VALUES) {
                            values = List.of();
                        }
                    }
                    columns.add(new ColumnInfo(names.get(i), types.get(i), role, values, distinct, min, max));
                }
            }
            return new TableSchema(dataSourceId, name, table, columns, rows);
        } catch (SQLException e) {
            throw new ClariException(
                    ErrorCode.NOT_FOUND, "The table for data source " + dataSourceId + " could not be read.", e);
        }
    }

    /**
     * Fills {@link ColumnInfo#values()} of the text columns that have at most {@value #MAX_VALUES}
     * distinct values (or an unknown count), for a schema built from ingestion's profile, which
     * keeps only the top few values.
     */
    static TableSchema withValues(Connection connection, TableSchema schema) {
        String quoted = QueryRunner.quoteTable(schema.table());
        List<ColumnInfo> columns = new ArrayList<>();
        try {
            for (ColumnInfo column : schema.columns()) {
                boolean text = !column.isNumeric()
                        && !column.isTemporal()
                        && column.role() != ColumnRole.TIME
                        && column.role() != ColumnRole.MEASURE;
                if (text && column.values().isEmpty() && column.distinctCount() <= MAX_VALUES) {
                    List<String> values = values(connection, quoted, column.name());
                    if (values.size() <= MAX_VALUES) {
                        column = new ColumnInfo(
                                column.name(),
                                column.type(),
                                column.role(),
                                values,
                                column.distinctCount(),
                                column.min(),
                                column.max());
                    }
                }
                columns.add(column);
            }
        } catch (SQLException e) {
            throw new ClariException(
                    ErrorCode.NOT_FOUND,
                    "The table for data source " + schema.dataSourceId() + " could not be read.",
                    e);
        }
        return new TableSchema(schema.dataSourceId(), schema.name(), schema.table(), columns, schema.rowCount());
    }

    private static List<String> values(Connection connection, String quotedTable, String column) throws SQLException {
        String q = QueryRunner.quote(column);
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT DISTINCT CAST(" + q + " AS VARCHAR) FROM " + quotedTable + " WHERE "
                        + q + " IS NOT NULL ORDER BY 1 LIMIT " + (MAX_VALUES + 1))) {
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    values.add(result.getString(1));
                }
            }
        }
        return values;
    }

    static ColumnRole role(ColumnInfo column, long rows) {
        List<String> words = Text.words(column.name());
        boolean idLike = words.contains("id")
                || words.contains("sku")
                || words.contains("code")
                || words.contains("zip")
                || words.contains("phone")
                || words.contains("uuid")
                || words.contains("email")
                || words.contains("key");
        if (column.isTemporal()) {
            return ColumnRole.TIME;
        }
        String type = column.type().toUpperCase(Locale.ROOT);
        if (type.equals("BOOLEAN")) {
            return ColumnRole.DIMENSION;
        }
        if (column.isNumeric()) {
            if (idLike) {
                return ColumnRole.IDENTIFIER;
            }
            if (words.contains("year") && words.size() == 1) {
                return ColumnRole.DIMENSION;
            }
            return ColumnRole.MEASURE;
        }
        if (idLike) {
            return ColumnRole.IDENTIFIER;
        }
        long distinct = column.distinctCount();
        if (distinct >= 0
                && (distinct <= DIMENSION_MAX_DISTINCT || (rows > 0 && distinct <= 200 && distinct * 20 <= rows))) {
            return ColumnRole.DIMENSION;
        }
        if (words.contains("description")
                || words.contains("comment")
                || words.contains("notes")
                || words.contains("text")) {
            return ColumnRole.TEXT;
        }
        return ColumnRole.IDENTIFIER;
    }
}
