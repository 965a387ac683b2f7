package com.claribi.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * A measure the plan computes: an aggregate expression over quoted schema columns. {@code name} is
 * what the answer calls it ("revenue", "CTR"); {@code aggregation} is the §4 interpretation value.
 */
record Metric(String name, String aggregation, Expr expr, Unit unit) {
    enum Unit {
        CURRENCY,
        PERCENT,
        COUNT,
        NUMBER
    }

    sealed interface Expr {
        /** SQL for the aggregate; {@code quote} turns a schema column into a quoted identifier. */
        String sql(Function<ColumnInfo, String> quote);

        List<ColumnInfo> columns();
    }

    /** fn is one of sum, avg, min, max, median, count_distinct. */
    record Agg(String fn, ColumnInfo column) implements Expr {
        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            String col = quote.apply(column);
            return switch (fn) {
                case "count_distinct" -> "COUNT(DISTINCT " + col + ")";
                case "sum" -> "SUM(" + col + ")";
                case "avg" -> "AVG(" + col + ")";
                case "min" -> "MIN(" + col + ")";
                case "max" -> "MAX(" + col + ")";
                case "median" -> "MEDIAN(" + col + ")";
                case "count" -> "COUNT(" + col + ")";
                default -> throw new IllegalStateException("unknown aggregate " + fn);
            };
        }

        @Override
        public List<ColumnInfo> columns() {
            return List.of(column);
        }
    }

    record CountRows() implements Expr {
        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            return "COUNT(*)";
        }

        @Override
        public List<ColumnInfo> columns() {
            return List.of();
        }
    }

    /** A fixed factor ("× 12" for ARR, "× 1000" for CPM); written as a SQL literal, never from user text. */
    record Constant(double value) implements Expr {
        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            return Format.plain(value);
        }

        @Override
        public List<ColumnInfo> columns() {
            return List.of();
        }
    }

    /** SUM(left × right): "the value of our inventory" is each row's price times its stock, summed. */
    record SumProduct(ColumnInfo left, ColumnInfo right) implements Expr {
        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            return "SUM(CAST(" + quote.apply(left) + " AS DOUBLE) * " + quote.apply(right) + ")";
        }

        @Override
        public List<ColumnInfo> columns() {
            return List.of(left, right);
        }
    }

    /** op is '-', '*' or '/'; division by zero gives NULL. */
    record Binary(char op, Expr left, Expr right) implements Expr {
        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            String l = "CAST(" + left.sql(quote) + " AS DOUBLE)";
            String r = "CAST(" + right.sql(quote) + " AS DOUBLE)";
            return op == '/' ? "(" + l + " / NULLIF(" + r + ", 0))" : "(" + l + " " + op + " " + r + ")";
        }

        @Override
        public List<ColumnInfo> columns() {
            return java.util.stream.Stream.concat(left.columns().stream(), right.columns().stream())
                    .toList();
        }
    }

    /**
     * The share of rows meeting {@code part} ("churn rate": rows with status churned over all rows),
     * computed per group like any other metric. The condition's values are bound parameters: the
     * query reads from {@link QueryRunner#from}, which adds the condition as a boolean column
     * {@value #PART_COLUMN}, so the metric's own SQL carries no value.
     */
    record Rate(List<Plan.Condition> part) implements Expr {
        static final String PART_COLUMN = "__claribi_part";

        Rate {
            part = List.copyOf(part);
        }

        @Override
        public String sql(Function<ColumnInfo, String> quote) {
            return "AVG(CASE WHEN " + QueryRunner.quote(PART_COLUMN) + " THEN 1.0 ELSE 0.0 END)";
        }

        @Override
        public List<ColumnInfo> columns() {
            return part.stream().map(Plan.Condition::column).distinct().toList();
        }
    }

    private static final Set<String> CURRENCY_WORDS = Set.of(
            "revenue",
            "sale",
            "sales",
            "amount",
            "price",
            "cost",
            "spend",
            "mrr",
            "arr",
            "profit",
            "budget",
            "fee",
            "income",
            "gmv",
            "payment",
            "salary",
            "value",
            "cpc",
            "cpa",
            "aov",
            "ltv",
            "margin_amount");

    private static final Set<String> NON_ADDITIVE_WORDS = Set.of(
            "price",
            "rate",
            "pct",
            "percent",
            "percentage",
            "ratio",
            "score",
            "rating",
            "age",
            "avg",
            "average",
            "mean",
            "margin",
            "discount",
            "nps",
            "satisfaction",
            "temperature",
            "probability",
            "share",
            "ctr",
            "level",
            "reorder",
            "latitude",
            "longitude",
            "lat",
            "lon",
            "lng",
            "duration",
            "tenure");

    static boolean currency(ColumnInfo column) {
        return Text.words(column.name()).stream()
                .map(w -> w.toLowerCase(Locale.ROOT))
                .anyMatch(CURRENCY_WORDS::contains);
    }

    /** Whether summing the column makes sense; prices, rates and scores are averaged instead. */
    static boolean additive(ColumnInfo column) {
        return Text.words(column.name()).stream().map(Text::stem).noneMatch(NON_ADDITIVE_WORDS::contains);
    }

    static Metric of(String fn, ColumnInfo column) {
        Unit unit = fn.equals("count_distinct") || fn.equals("count")
                ? Unit.COUNT
                : currency(column) ? Unit.CURRENCY : Unit.NUMBER;
        return new Metric(Lexicon.display(column.name()), fn, new Agg(fn, column), unit);
    }

    /** A measure's natural total: its sum, or its average when it is a price, rate or score. */
    static Metric total(ColumnInfo column) {
        return of(additive(column) ? "sum" : "avg", column);
    }

    static Metric rows(String noun) {
        return new Metric(noun, "count", new CountRows(), Unit.COUNT);
    }

    List<ColumnInfo> columns() {
        return expr.columns();
    }

    /** Whether the metric is a date column's earliest or latest value ("when was the most recent order"). */
    boolean ofDates() {
        return expr instanceof Agg agg && agg.column().role() == ColumnRole.TIME;
    }

    /** Whether a share of total makes sense (sums and counts, not averages or ratios). */
    boolean summable() {
        return switch (expr) {
            case Agg agg -> agg.fn().equals("sum") || agg.fn().equals("count");
            case CountRows rows -> true;
            case Binary binary -> binary.op() == '-';
            case Constant constant -> false;
            case SumProduct product -> true;
            case Rate rate -> false;
        };
    }
}
