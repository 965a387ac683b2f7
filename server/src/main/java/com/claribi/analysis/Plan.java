package com.claribi.analysis;

import java.util.ArrayList;
import java.util.List;

/** What the planner decided; {@link SqlPlanner} turns it into bound SQL. Mutable only while built. */
final class Plan {
    enum Intent {
        AGGREGATE,
        BREAKDOWN,
        TOP_N,
        WHICH,
        TREND,
        COMPARE,
        SHARE,
        YES_NO,
        LIST,
        LOOKUP
    }

    enum Grain {
        DAY,
        WEEK,
        MONTH,
        QUARTER,
        YEAR
    }

    enum Op {
        EQ("="),
        IN("in"),
        NE("!="),
        GT(">"),
        GE(">="),
        LT("<"),
        LE("<="),
        BETWEEN("between");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    /** A row filter (or, in {@link Plan#having}, a filter on the metric per group). */
    record Condition(ColumnInfo column, Op op, List<Object> values) {
        Condition {
            values = List.copyOf(values);
        }
    }

    /**
     * A row filter {@code left op factor × right} between two numeric columns of the table ("stock
     * below the reorder level": factor 1; "more than five times their reorder level": factor 5).
     */
    record ColumnComparison(ColumnInfo left, Op op, double factor, ColumnInfo right) {}

    /** How a yes/no question is decided. */
    enum YesNoKind {
        EXISTS,
        THRESHOLD,
        VALUES,
        PERIODS,
        IS_TOP
    }

    /**
     * "Revenue by day of the week": a grouping no table holds, the weekday name ("Monday") of the
     * date column {@link #weekdayOf}, computed by the query ({@link QueryRunner#from}).
     */
    static final ColumnInfo WEEKDAY = new ColumnInfo(
            "day_of_week",
            "VARCHAR",
            ColumnRole.DIMENSION,
            List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
            7,
            null,
            null);

    final TableSchema table;
    /** The date column {@link #WEEKDAY} is computed from, when the question groups by weekday. */
    ColumnInfo weekdayOf;

    Intent intent;
    Metric metric;
    final List<ColumnInfo> dimensions = new ArrayList<>();
    final List<Condition> filters = new ArrayList<>();
    final List<Condition> having = new ArrayList<>();
    /** Row filters comparing two columns ("stock below reorder level"). */
    final List<ColumnComparison> columnComparisons = new ArrayList<>();

    ColumnInfo timeColumn;
    Window window;
    Window compareWindow;
    Grain grain;
    /** Set for "average daily X": the metric is averaged over per-period totals at this grain. */
    Grain perGrain;
    /** A WHICH whose answer is a period ("which month …") at {@link #grain}. */
    boolean periodAnswer;

    int limit = 5;
    boolean ascending;
    /** "What is the price of our most expensive product?": the leader's value is the answer, not its name. */
    boolean valueAsked;

    YesNoKind yesNo;
    Op comparator;
    Double threshold;
    List<Condition> valuePair = List.of();
    String topValue;
    ColumnInfo target;
    boolean shareOfFiltered;
    /** What a period comparison's single number is, when the question asks for one. */
    enum Change {
        /** "by how much did spend change": the later period's value minus the earlier one's. */
        ABSOLUTE,
        /** "the percentage change", "growth as a percentage": that difference over the earlier value. */
        PERCENT
    }

    /** Set when a comparison of two periods asks for the change itself rather than both values. */
    Change change;

    /**
     * "How many customers placed more than 5 orders": the distinct count asked for (its name is the
     * counted noun); the plan groups by that column, keeps the groups passing {@link #having} on
     * {@link #metric} (each customer's orders) and answers how many there are.
     */
    Metric countedGroups;

    /** "what's the lowest and highest price": the metric's column from its minimum to its maximum. */
    boolean range;
    /** "compare churned and active seats": the table lists the named values in the order named. */
    boolean inNamedOrder;

    /**
     * With {@link #shareOfFiltered}: the value filters that define the whole rather than the part
     * ("what fraction of Enterprise customers churned": Enterprise is the whole, churned the part).
     */
    List<Condition> shareBase = List.of();

    final List<String> notes = new ArrayList<>();

    /** A share of a filtered part in its whole works for sums, counts and distinct counts. */
    boolean shareOfFilteredAllowed(Metric candidate) {
        return candidate.summable() || candidate.aggregation().equals("count_distinct");
    }

    Plan(TableSchema table) {
        this.table = table;
    }
}
