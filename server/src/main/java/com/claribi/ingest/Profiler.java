package com.claribi.ingest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Column statistics computed by DuckDB: one aggregate scan per table for counts, distinct counts,
 * min, max, mean and text length, then one grouped query per column for its top values. Distinct
 * counts are exact up to {@value #EXACT_DISTINCT_ROWS} rows and HyperLogLog estimates above.
 */
final class Profiler {
    static final long EXACT_DISTINCT_ROWS = 1_000_000;
    private static final int TOP_VALUES = 5;
    private static final int SAMPLE_VALUES = 200;
    /** Top values are computed for columns with at most this many distinct values; above, each value is rare. */
    static final long TOP_VALUES_MAX_DISTINCT = 100_000;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern URL = Pattern.compile("(?i)https?://\\S+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()./-]{6,18}[0-9]");
    private static final Pattern PERCENT_TEXT = Pattern.compile("[-+]?\\d+(\\.\\d+)?\\s?%");
    private static final Pattern IDENTIFIER_NAME = Pattern.compile(
            "(?i)(^id$|_id$|^id_|\\bid\\b|uuid|guid|_key$|^key$|sku|_code$|^code$|_number$|_no$|^number$|identifier)");
    private static final Pattern CURRENCY_NAME = Pattern.compile(
            "(?i)(price|revenue|amount|cost|sales|spend|budget|income|profit|fee|salary|total|eur|usd|gbp|\\$|€|£)");
    private static final Pattern PERCENT_NAME = Pattern.compile("(?i)(percent|pct|%|_rate$|^rate$|share|ratio|margin)");
    private static final Pattern COUNT_NAME =
            Pattern.compile("(?i)(count|quantity|qty|units|clicks|impressions|visits|sessions|users|orders)");
    private static final Set<String> COUNTRIES = Set.of(
            "afghanistan",
            "albania",
            "algeria",
            "argentina",
            "australia",
            "austria",
            "belgium",
            "brazil",
            "bulgaria",
            "canada",
            "chile",
            "china",
            "colombia",
            "croatia",
            "czech republic",
            "czechia",
            "denmark",
            "egypt",
            "estonia",
            "finland",
            "france",
            "germany",
            "greece",
            "hungary",
            "iceland",
            "india",
            "indonesia",
            "ireland",
            "israel",
            "italy",
            "japan",
            "kenya",
            "latvia",
            "lithuania",
            "luxembourg",
            "malaysia",
            "mexico",
            "morocco",
            "netherlands",
            "new zealand",
            "nigeria",
            "norway",
            "pakistan",
            "peru",
            "philippines",
            "poland",
            "portugal",
            "romania",
            "russia",
            "saudi arabia",
            "serbia",
            "singapore",
            "slovakia",
            "slovenia",
            "south africa",
            "south korea",
            "korea",
            "spain",
            "sweden",
            "switzerland",
            "taiwan",
            "thailand",
            "turkey",
            "türkiye",
            "ukraine",
            "united arab emirates",
            "united kingdom",
            "uk",
            "united states",
            "usa",
            "us",
            "vietnam",
            "deutschland",
            "españa",
            "italia",
            "österreich",
            "schweiz",
            "suisse",
            "nederland",
            "belgique",
            "de",
            "fr",
            "gb",
            "it",
            "es",
            "nl",
            "be",
            "at",
            "ch",
            "se",
            "no",
            "dk",
            "fi",
            "pl",
            "pt",
            "ie",
            "ca",
            "au",
            "jp",
            "cn",
            "in",
            "br",
            "mx");

    private Profiler() {}

    static TableProfile profile(Connection connection, LoadedTable table) throws SQLException {
        List<CsvLoader.Column> columns = CsvLoader.columns(connection, table.tableName());
        long rows = CsvLoader.count(connection, table.tableName());
        boolean exact = rows <= EXACT_DISTINCT_ROWS;
        String from = " FROM " + Sql.ident(table.tableName());
        List<ColumnProfile> profiles = new ArrayList<>();
        if (columns.isEmpty()) {
            return new TableProfile(table.tableName(), table.sourceName(), rows, profiles);
        }
        StringBuilder aggregate = new StringBuilder("SELECT ");
        for (int index = 0; index < columns.size(); index++) {
            CsvLoader.Column column = columns.get(index);
            String name = Sql.ident(column.name());
            boolean nested = nested(column.type());
            aggregate
                    .append(index == 0 ? "" : ", ")
                    .append("count(")
                    .append(name)
                    .append("), ")
                    .append(exact ? "count(DISTINCT " + name + ")" : "approx_count_distinct(" + name + ")")
                    .append(", ")
                    .append(nested ? "NULL" : "CAST(min(" + name + ") AS VARCHAR)")
                    .append(", ")
                    .append(nested ? "NULL" : "CAST(max(" + name + ") AS VARCHAR)")
                    .append(", ")
                    .append(numeric(column.type()) ? "avg(" + name + ")" : "NULL")
                    .append(", ")
                    .append(column.type().equals("VARCHAR") ? "avg(length(" + name + "))" : "NULL");
        }
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(aggregate.append(from).toString())) {
            result.next();
            for (int index = 0; index < columns.size(); index++) {
                CsvLoader.Column column = columns.get(index);
                int base = index * 6;
                long nonNull = result.getLong(base + 1);
                long distinct = Math.min(result.getLong(base + 2), nonNull);
                String min = result.getString(base + 3);
                String max = result.getString(base + 4);
                double mean = result.getDouble(base + 5);
                Double meanValue = result.wasNull() ? null : mean;
                double length = result.getDouble(base + 6);
                Double averageLength = result.wasNull() ? null : length;
                boolean frequent = distinct <= TOP_VALUES_MAX_DISTINCT || distinct * 2 < nonNull;
                List<ValueCount> top = nested(column.type()) || nonNull == 0 || !frequent
                        ? List.of()
                        : topValues(connection, table.tableName(), column.name());
                List<String> sample = column.type().equals("VARCHAR") && nonNull > 0
                        ? sample(connection, table.tableName(), column.name())
                        : List.of();
                Set<SemanticHint> hints = hints(column, min, max, sample);
                ColumnRole role = role(column, hints, rows, nonNull, distinct, averageLength);
                long nulls = rows - nonNull;
                profiles.add(new ColumnProfile(
                        column.name(),
                        column.type(),
                        role,
                        List.copyOf(hints),
                        nulls,
                        rows == 0 ? 0 : (double) nulls / rows,
                        distinct,
                        !exact,
                        min,
                        max,
                        meanValue,
                        averageLength,
                        top));
            }
        }
        return new TableProfile(table.tableName(), table.sourceName(), rows, profiles);
    }

    private static List<ValueCount> topValues(Connection connection, String table, String column) throws SQLException {
        String name = Sql.ident(column);
        List<ValueCount> values = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT CAST(" + name + " AS VARCHAR) AS v, count(*) AS n FROM "
                        + Sql.ident(table) + " WHERE " + name + " IS NOT NULL GROUP BY " + name
                        + " ORDER BY n DESC, v LIMIT " + TOP_VALUES)) {
            while (rows.next()) {
                String value = rows.getString(1);
                values.add(
                        new ValueCount(value.length() > 200 ? value.substring(0, 200) + "…" : value, rows.getLong(2)));
            }
        }
        return values;
    }

    private static List<String> sample(Connection connection, String table, String column) throws SQLException {
        String name = Sql.ident(column);
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT " + name + " FROM " + Sql.ident(table) + " WHERE "
                        + name + " IS NOT NULL LIMIT " + SAMPLE_VALUES * 5)) {
            java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
            while (rows.next() && distinct.size() < SAMPLE_VALUES) {
                distinct.add(rows.getString(1).strip());
            }
            values.addAll(distinct);
        }
        return values;
    }

    static Set<SemanticHint> hints(CsvLoader.Column column, String min, String max, List<String> sample) {
        Set<SemanticHint> hints = EnumSet.noneOf(SemanticHint.class);
        String name = column.name();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean numeric = numeric(column.type());
        if (column.type().equals("BOOLEAN")) {
            hints.add(SemanticHint.BOOLEAN);
        }
        if (numeric
                && CURRENCY_NAME.matcher(name).find()
                && !PERCENT_NAME.matcher(name).find()) {
            hints.add(SemanticHint.CURRENCY);
        }
        if (numeric && PERCENT_NAME.matcher(name).find()) {
            hints.add(SemanticHint.PERCENT);
        }
        if (numeric && integer(column.type()) && COUNT_NAME.matcher(name).find()) {
            hints.add(SemanticHint.COUNT);
        }
        if (numeric && min != null && max != null) {
            try {
                double low = Double.parseDouble(min);
                double high = Double.parseDouble(max);
                if (integer(column.type())
                        && low >= 1900
                        && high <= 2100
                        && (lower.contains("year") || lower.equals("jahr"))) {
                    hints.add(SemanticHint.YEAR);
                }
                if ((lower.equals("lat") || lower.contains("latitude")) && low >= -90 && high <= 90) {
                    hints.add(SemanticHint.LATITUDE);
                }
                if ((lower.equals("lon") || lower.equals("lng") || lower.contains("longitude"))
                        && low >= -180
                        && high <= 180) {
                    hints.add(SemanticHint.LONGITUDE);
                }
            } catch (NumberFormatException ignored) {
                // not comparable as numbers
            }
        }
        if (!sample.isEmpty()) {
            if (share(sample, value -> EMAIL.matcher(value).matches()) >= 0.9) {
                hints.add(SemanticHint.EMAIL);
            } else if (share(sample, value -> URL.matcher(value).matches()) >= 0.9) {
                hints.add(SemanticHint.URL);
            } else if (share(sample, value -> PERCENT_TEXT.matcher(value).matches()) >= 0.9) {
                hints.add(SemanticHint.PERCENT);
            } else if ((lower.contains("country") || lower.contains("land") || lower.contains("nation"))
                    || share(sample, value -> COUNTRIES.contains(value.toLowerCase(Locale.ROOT))) >= 0.8) {
                if (share(sample, value -> COUNTRIES.contains(value.toLowerCase(Locale.ROOT))) >= 0.5) {
                    hints.add(SemanticHint.COUNTRY);
                }
            } else if ((lower.contains("phone") || lower.contains("tel") || lower.contains("mobile"))
                    && share(sample, value -> PHONE.matcher(value).matches()) >= 0.8) {
                hints.add(SemanticHint.PHONE);
            }
        }
        return hints;
    }

    static ColumnRole role(
            CsvLoader.Column column,
            Set<SemanticHint> hints,
            long rows,
            long nonNull,
            long distinct,
            Double averageLength) {
        String type = column.type();
        if (type.startsWith("DATE")
                || type.startsWith("TIMESTAMP")
                || type.startsWith("TIME")
                || hints.contains(SemanticHint.YEAR)) {
            return ColumnRole.TIME;
        }
        boolean namedLikeKey = IDENTIFIER_NAME.matcher(column.name()).find();
        boolean unique = nonNull > 0 && distinct >= nonNull * 0.95;
        if (namedLikeKey
                && (unique || !numeric(type) || integer(type))
                && !type.equals("DOUBLE")
                && !type.equals("BOOLEAN")) {
            return ColumnRole.IDENTIFIER;
        }
        if (numeric(type)) {
            return ColumnRole.MEASURE;
        }
        if (type.equals("VARCHAR")) {
            double length = averageLength == null ? 0 : averageLength;
            if (length > 60 || (nonNull >= 20 && distinct >= nonNull * 0.8 && length > 25)) {
                return ColumnRole.TEXT;
            }
            if (hints.contains(SemanticHint.EMAIL) && unique && nonNull >= 20) {
                return ColumnRole.IDENTIFIER;
            }
            if (unique && nonNull >= 50 && rows == nonNull && !hints.contains(SemanticHint.COUNTRY)) {
                return ColumnRole.IDENTIFIER;
            }
        }
        return ColumnRole.DIMENSION;
    }

    private static double share(List<String> values, java.util.function.Predicate<String> test) {
        return values.isEmpty() ? 0 : (double) values.stream().filter(test).count() / values.size();
    }

    static boolean nested(String type) {
        return type.endsWith("]") || type.startsWith("STRUCT") || type.startsWith("MAP") || type.startsWith("UNION");
    }

    static boolean integer(String type) {
        return switch (type) {
            case "TINYINT",
                    "SMALLINT",
                    "INTEGER",
                    "BIGINT",
                    "HUGEINT",
                    "UTINYINT",
                    "USMALLINT",
                    "UINTEGER",
                    "UBIGINT" -> true;
            default -> false;
        };
    }

    static boolean numeric(String type) {
        return integer(type) || type.equals("DOUBLE") || type.equals("FLOAT") || type.startsWith("DECIMAL");
    }
}
