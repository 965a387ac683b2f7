package com.claribi.analysis;

import com.claribi.analysis.Plan.Condition;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the SQL of a plan on DuckDB. Identifiers come only from the schema and are quoted; every
 * value from the question is a bound parameter. Each query has a timeout and returns at most
 * {@code rowCap} rows (one more is fetched to know when the cap applied).
 */
final class QueryRunner {
    /** One executed query, as the tool trace reports it. */
    record Step(
            String tool,
            Map<String, Object> arguments,
            List<String> columns,
            List<String> types,
            List<List<Object>> rows,
            boolean truncated,
            long ms) {}

    private final Connection connection;
    private final int rowCap;
    private final Duration timeout;
    private final List<Step> steps = new ArrayList<>();

    QueryRunner(Connection connection, int rowCap, Duration timeout) {
        this.connection = connection;
        this.rowCap = rowCap;
        this.timeout = timeout;
    }

    List<Step> steps() {
        return steps;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String quote(ColumnInfo column) {
        return quote(column.name());
    }

    /** A table name, optionally schema-qualified as {@code schema.table}. */
    static String quoteTable(String table) {
        int dot = table.indexOf('.');
        if (dot > 0 && dot < table.length() - 1 && table.indexOf('.', dot + 1) < 0) {
            return quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
        }
        return quote(table);
    }

    /** A WHERE clause over a plan's filters and window, with the parameters it binds. */
    record Where(String sql, List<Object> parameters) {}

    /**
     * What a plan's queries read from: the table, with the weekday of a date when the plan groups by
     * it ({@link Plan#WEEKDAY}), and for a {@link Metric.Rate} the rate's condition as one more
     * boolean column. Its parameters come first in {@link #where}'s.
     */
    static String from(Plan plan) {
        String table = quoteTable(plan.table.table());
        if (plan.weekdayOf != null) {
            table = "(SELECT *, dayname(" + quote(plan.weekdayOf) + ") AS " + quote(Plan.WEEKDAY) + " FROM " + table
                    + ")";
        }
        if (!(plan.metric.expr() instanceof Metric.Rate rate)) {
            return table;
        }
        return "(SELECT *, (" + partSql(rate, new ArrayList<>()) + ") AS " + quote(Metric.Rate.PART_COLUMN) + " FROM "
                + table + ")";
    }

    /** A rate's condition as SQL; its values are added to {@code parameters}. */
    private static String partSql(Metric.Rate rate, List<Object> parameters) {
        List<String> parts = new ArrayList<>();
        for (Condition condition : rate.part()) {
            parts.add(condition(condition, parameters));
        }
        return String.join(" AND ", parts);
    }

    static Where where(Plan plan, Window window, List<Condition> filters) {
        List<String> parts = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (plan.metric != null && plan.metric.expr() instanceof Metric.Rate rate) {
            partSql(rate, parameters); // the FROM's parameters come first
        }
        for (Condition condition : filters) {
            parts.add(condition(condition, parameters));
        }
        for (Plan.ColumnComparison comparison : plan.columnComparisons) {
            if (comparison.factor() == 1) {
                parts.add(quote(comparison.left()) + " " + comparison.op().symbol + " " + quote(comparison.right()));
            } else {
                parts.add(quote(comparison.left()) + " " + comparison.op().symbol + " CAST(? AS DOUBLE) * "
                        + quote(comparison.right()));
                parameters.add(comparison.factor());
            }
        }
        if (window != null && plan.timeColumn != null) {
            String column = quote(plan.timeColumn);
            parts.add(column + " >= CAST(? AS DATE) AND " + column + " < CAST(? AS DATE)");
            parameters.add(window.start().toString());
            parameters.add(window.end().plusDays(1).toString());
        }
        return new Where(parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts), parameters);
    }

    /** One condition as SQL over its quoted column; its values are added to {@code parameters}. */
    private static String condition(Condition condition, List<Object> parameters) {
        String column = quote(condition.column());
        switch (condition.op()) {
            case EQ -> {
                parameters.add(condition.values().getFirst());
                return column + " = ?";
            }
            case NE -> {
                parameters.add(condition.values().getFirst());
                return column + " IS DISTINCT FROM ?";
            }
            case IN -> {
                parameters.addAll(condition.values());
                return column + " IN ("
                        + String.join(
                                ", ", condition.values().stream().map(v -> "?").toList())
                        + ")";
            }
            case BETWEEN -> {
                parameters.addAll(condition.values());
                return column + " BETWEEN ? AND ?";
            }
            default -> {
                parameters.add(condition.values().getFirst());
                return column + " " + condition.op().symbol + " ?";
            }
        }
    }

    static String having(Plan plan, String metricSql, List<Object> parameters) {
        List<String> parts = new ArrayList<>();
        for (Condition condition : plan.having) {
            if (condition.op() == Plan.Op.BETWEEN) {
                parts.add(metricSql + " BETWEEN ? AND ?");
                parameters.addAll(condition.values());
            } else {
                parts.add(metricSql + " "
                        + (condition.op() == Plan.Op.NE
                                ? "<>"
                                : condition.op() == Plan.Op.EQ ? "=" : condition.op().symbol)
                        + " ?");
                parameters.add(condition.values().getFirst());
            }
        }
        return parts.isEmpty() ? "" : " HAVING " + String.join(" AND ", parts);
    }

    Step run(String tool, Map<String, Object> arguments, String sql, List<Object> parameters, int limit) {
        long started = System.nanoTime();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            for (int i = 0; i < parameters.size(); i++) {
                Object parameter = parameters.get(i);
                if (parameter instanceof Double number) {
                    statement.setDouble(i + 1, number);
                } else if (parameter instanceof Long number) {
                    statement.setLong(i + 1, number);
                } else {
                    statement.setString(i + 1, String.valueOf(parameter));
                }
            }
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            boolean truncated = false;
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    columns.add(meta.getColumnLabel(c));
                    types.add(wireType(meta.getColumnTypeName(c)));
                }
                int cap = Math.min(limit, rowCap);
                while (result.next()) {
                    if (rows.size() >= cap) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int c = 1; c <= columns.size(); c++) {
                        row.add(raw(result.getObject(c)));
                    }
                    rows.add(row);
                }
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            Step step = new Step(tool, arguments, columns, types, rows, truncated, ms);
            steps.add(step);
            return step;
        } catch (SQLException e) {
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (ms >= timeout.toMillis() - 50
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("interrupt")) {
                throw new ClariException(
                        ErrorCode.UNAVAILABLE,
                        "The analysis query ran longer than " + timeout.toSeconds()
                                + " s and was stopped; ask a narrower question.",
                        e);
            }
            throw new ClariException(ErrorCode.INTERNAL, "The analysis query failed.", e);
        }
    }

    int rowCap() {
        return rowCap;
    }

    static String wireType(String duckType) {
        String upper = duckType.toUpperCase(Locale.ROOT);
        if (upper.startsWith("DATE") || upper.startsWith("TIMESTAMP")) {
            return "date";
        }
        if (upper.equals("BOOLEAN")) {
            return "boolean";
        }
        if (upper.contains("INT")
                || upper.startsWith("DOUBLE")
                || upper.startsWith("FLOAT")
                || upper.startsWith("DECIMAL")
                || upper.startsWith("REAL")
                || upper.startsWith("NUMERIC")) {
            return "number";
        }
        return "string";
    }

    /** JDBC values as JSON-friendly raw values: numbers, strings, booleans, ISO dates. */
    static Object raw(Object value) {
        return switch (value) {
            case null -> null;
            case BigDecimal decimal ->
                decimal.scale() <= 0 && decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
                        ? (Object) decimal.longValueExact()
                        : (Object) decimal.doubleValue();
            case BigInteger integer ->
                integer.bitLength() < 63 ? (Object) integer.longValue() : (Object) integer.doubleValue();
            case Integer integer -> (long) integer;
            case Short small -> (long) small;
            case Byte tiny -> (long) tiny;
            case Long number -> number;
            case Float number -> (double) number;
            case Double number -> number;
            case Boolean bool -> bool;
            case LocalDate date -> date.toString();
            case java.sql.Date date -> date.toLocalDate().toString();
            case Timestamp timestamp -> timestamp.toLocalDateTime().toString();
            case LocalDateTime dateTime -> dateTime.toString();
            case OffsetDateTime dateTime -> dateTime.toString();
            default -> value.toString();
        };
    }

    static Map<String, Object> arguments(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                map.put(String.valueOf(pairs[i]), pairs[i + 1]);
            }
        }
        return map;
    }
}
