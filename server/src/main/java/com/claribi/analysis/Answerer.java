package com.claribi.analysis;

import com.claribi.analysis.AnalysisPayload.Answer;
import com.claribi.analysis.AnalysisPayload.Chart;
import com.claribi.analysis.AnalysisPayload.Column;
import com.claribi.analysis.AnalysisPayload.Headline;
import com.claribi.analysis.AnalysisPayload.Interpretation;
import com.claribi.analysis.AnalysisPayload.Result;
import com.claribi.analysis.AnalysisPayload.Table;
import com.claribi.analysis.AnalysisPayload.TimeRange;
import com.claribi.analysis.Plan.Condition;
import com.claribi.analysis.Plan.Intent;
import com.claribi.analysis.Plan.Op;
import com.claribi.analysis.QueryRunner.Step;
import com.claribi.analysis.QueryRunner.Where;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Executes a {@link Plan} through a {@link QueryRunner} and words the §4 answer. */
final class Answerer {
    private final Plan plan;
    private final QueryRunner runner;
    private final List<String> notes = new ArrayList<>();
    private final String table;
    private final String metricSql;

    Answerer(Plan plan, QueryRunner runner) {
        this.plan = plan;
        this.runner = runner;
        this.notes.addAll(plan.notes);
        this.table = QueryRunner.from(plan);
        this.metricSql = plan.metric.expr().sql(QueryRunner::quote);
    }

    List<String> notes() {
        return notes;
    }

    Answer answer() {
        Answer answer = switch (plan.intent) {
            case AGGREGATE -> aggregate();
            case WHICH -> plan.periodAnswer ? whichPeriod() : grouped();
            case BREAKDOWN, TOP_N -> grouped();
            case TREND -> trend();
            case COMPARE -> compare();
            case SHARE -> plan.shareOfFiltered ? shareOfFiltered() : grouped();
            case YES_NO -> yesNo();
            case LIST -> list();
            case LOOKUP -> lookup();
        };
        return answer;
    }

    // ---------------------------------------------------------------- descriptions

    private String metricLabel() {
        String name = plan.metric.name();
        boolean date = plan.metric.ofDates();
        return switch (plan.metric.aggregation()) {
            case "sum" -> plan.metric.expr() instanceof Metric.Agg ? "total " + name : name;
            case "avg" -> "average " + name;
            case "median" -> "median " + name;
            case "min" -> (date ? "earliest " : "minimum ") + name;
            case "max" -> (date ? "latest " : "maximum ") + name;
            case "count_distinct" -> "number of distinct " + name;
            case "count" -> "number of " + name;
            default -> name;
        };
    }

    private String filterPhrase(List<Condition> filters) {
        List<String> parts = new ArrayList<>();
        for (Condition condition : filters) {
            String column = Lexicon.display(condition.column().name());
            String values =
                    Format.join(condition.values().stream().map(this::valueText).toList());
            parts.add(
                    switch (condition.op()) {
                        case EQ, IN -> column + " " + values;
                        case NE -> column + " other than " + values;
                        case GT -> column + " over " + values;
                        case GE -> column + " of at least " + values;
                        case LT -> column + " under " + values;
                        case LE -> column + " of at most " + values;
                        case BETWEEN ->
                            column + " between " + valueText(condition.values().get(0)) + " and "
                                    + valueText(condition.values().get(1));
                    });
        }
        return parts.isEmpty() ? "" : " for " + String.join(", ", parts);
    }

    /** The plan's row filters, value filters first, then comparisons between two columns. */
    private String conditionPhrase() {
        String values = filterPhrase(plan.filters);
        List<String> comparisons = plan.columnComparisons.stream()
                .map(c -> Lexicon.display(c.left().name()) + " "
                        + switch (c.op()) {
                            case LT -> "under";
                            case LE -> "at most";
                            case GT -> "over";
                            case GE -> "at least";
                            case NE -> "other than";
                            default -> "equal to";
                        }
                        + " " + (c.factor() == 1 ? "" : valueText(c.factor()) + " × ")
                        + Lexicon.display(c.right().name()))
                .toList();
        if (comparisons.isEmpty()) {
            return values;
        }
        return (values.isEmpty() ? " for " : values + ", ") + String.join(", ", comparisons);
    }

    private String valueText(Object value) {
        return value instanceof Double number ? Format.plain(number) : String.valueOf(value);
    }

    private String windowPhrase(Window window) {
        if (window == null) {
            return "";
        }
        return window.unit() == Window.Unit.DAY
                ? " on " + window.label()
                : window.label().startsWith("up to") || window.label().contains(" to ")
                        ? " from " + window.start() + " to " + window.end()
                        : " in " + window.label();
    }

    private String scope() {
        return conditionPhrase() + windowPhrase(plan.window);
    }

    private String format(Object value) {
        return Format.value(value, plan.metric.unit());
    }

    private Headline headline(String label, Object value) {
        return new Headline(label, value, format(value), Format.unit(plan.metric.unit()));
    }

    private Headline categoryHeadline(String label, Object category, Object metricValue) {
        return new Headline(label, category, category + " (" + format(metricValue) + ")", null);
    }

    private Interpretation interpretation(List<String> dimensions) {
        return interpretation(dimensions, plan.metric.aggregation());
    }

    /** The interpretation, with {@code aggregation} naming what was computed ("range", "count_groups"). */
    private Interpretation interpretation(List<String> dimensions, String aggregation) {
        List<AnalysisPayload.Filter> filters = new ArrayList<>();
        for (Condition condition : plan.filters) {
            filters.add(new AnalysisPayload.Filter(
                    condition.column().name(),
                    condition.op().symbol,
                    condition.values().size() == 1 ? condition.values().getFirst() : condition.values()));
        }
        for (Condition condition : plan.having) {
            filters.add(new AnalysisPayload.Filter(
                    plan.metric.name(),
                    condition.op().symbol,
                    condition.values().size() == 1 ? condition.values().getFirst() : condition.values()));
        }
        TimeRange range = plan.window == null
                ? null
                : new TimeRange(
                        plan.window.start().toString(), plan.window.end().toString(), plan.window.label());
        String metricName =
                plan.metric.expr() instanceof Metric.Agg agg ? agg.column().name() : plan.metric.name();
        return new Interpretation(metricName, aggregation, dimensions, filters, range);
    }

    private List<String> dimensionNames() {
        return plan.dimensions.stream().map(ColumnInfo::name).toList();
    }

    private Map<String, Object> baseArguments() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("data_source", plan.table.dataSourceId());
        arguments.put("metric", plan.metric.name());
        arguments.put("aggregation", plan.metric.aggregation());
        if (!plan.dimensions.isEmpty()) {
            arguments.put("dimensions", dimensionNames());
        }
        if (!plan.filters.isEmpty()) {
            arguments.put(
                    "filters",
                    plan.filters.stream()
                            .map(f -> f.column().name() + " " + f.op().symbol + " " + f.values())
                            .toList());
        }
        if (plan.window != null) {
            arguments.put("time_range", plan.window.start() + ".." + plan.window.end());
        }
        return arguments;
    }

    private void capNote(Step step) {
        if (step.truncated()) {
            notes.add("Only the first " + step.rows().size() + " rows are returned (row cap).");
        }
    }

    // ---------------------------------------------------------------- intents

    private Object scalar(Window window, List<Condition> filters, String tool, Map<String, Object> arguments) {
        Where where = QueryRunner.where(plan, window, filters);
        Step step = runner.run(
                tool,
                arguments,
                "SELECT " + metricSql + " AS value FROM " + table + where.sql(),
                where.parameters(),
                1);
        Object value = step.rows().getFirst().get(0);
        // an aggregate over no rows is NULL (no number is invented); a count of no rows is 0
        if (value == null && plan.metric.unit() == Metric.Unit.COUNT) {
            value = 0L;
        }
        return value;
    }

    private Answer aggregate() {
        if (plan.perGrain != null) {
            return averagePerPeriod();
        }
        if (!plan.valuePair.isEmpty()) {
            return difference();
        }
        if (plan.range) {
            return range();
        }
        if (plan.countedGroups != null) {
            return groupCount();
        }
        boolean lookup = plan.filters.stream()
                .anyMatch(f ->
                        f.column().role() == ColumnRole.IDENTIFIER || f.column().role() == ColumnRole.TEXT);
        Object value = scalar(plan.window, plan.filters, lookup ? "lookup" : "aggregate", baseArguments());
        // "when was the most recent order": a date, answered as an ISO date, not as a number
        boolean date = plan.metric.ofDates();
        if (date && value != null) {
            value = String.valueOf(value);
        }
        String label = Format.capitalize(metricLabel()) + scope();
        String text;
        if (value == null) {
            text = "No rows match" + (scope().isEmpty() ? "" : scope()) + ", so there is no " + plan.metric.name()
                    + " to report.";
            notes.add("No rows matched the filters; no number was produced.");
        } else {
            text = Format.capitalize(metricLabel()) + scope()
                    + (plan.window != null && plan.window.end().isBefore(java.time.LocalDate.now()) ? " was " : " is ")
                    + format(value) + ".";
        }
        Table table =
                new Table(List.of(new Column(plan.metric.name(), date ? "date" : "number")), List.of(listOf(value)));
        return new Answer(
                text,
                new Result(date ? "category" : "number", value),
                headline(label, value),
                table,
                null,
                interpretation(List.of()),
                notes);
    }

    /**
     * "How many customers placed more than 5 orders in 2025?": the customers whose own number of
     * orders (or total) passes the group condition, counted in one query.
     */
    private Answer groupCount() {
        ColumnInfo dimension = plan.dimensions.getFirst();
        String q = QueryRunner.quote(dimension);
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        List<Object> parameters = new ArrayList<>(where.parameters());
        String having = QueryRunner.having(plan, metricSql, parameters);
        Map<String, Object> arguments = baseArguments();
        arguments.put("aggregation", "count_groups");
        Step step = runner.run(
                "aggregate",
                arguments,
                "SELECT COUNT(*) AS value FROM (SELECT " + q + " FROM " + table + where.sql() + " GROUP BY " + q
                        + having + ") AS passing",
                parameters,
                1);
        long count = ((Number) step.rows().getFirst().getFirst()).longValue();
        String noun = plan.countedGroups.name();
        Condition condition = plan.having.getFirst();
        // "more than 5 orders", "total revenue above 10,000"
        String passing = plan.metric.expr() instanceof Metric.CountRows
                ? switch (condition.op()) {
                            case GT -> "more than ";
                            case GE -> "at least ";
                            case LT -> "fewer than ";
                            case LE -> "at most ";
                            case BETWEEN -> "between ";
                            default -> "exactly ";
                        }
                        + valueText(condition.values().getFirst())
                        + (condition.op() == Plan.Op.BETWEEN
                                ? " and " + valueText(condition.values().get(1))
                                : "")
                        + " " + plan.metric.name()
                : metricLabel() + " " + havingText();
        String text = count + " " + (count == 1 ? Text.stem(noun) : noun) + " had " + passing + scope() + ".";
        String label = Format.capitalize(noun) + " with " + passing + scope();
        return new Answer(
                text,
                new Result("number", count),
                new Headline(label, count, String.valueOf(count), "count"),
                new Table(List.of(new Column(noun, "number")), List.of(listOf(count))),
                null,
                interpretation(dimensionNames(), "count_groups"),
                notes);
    }

    /** "What's the lowest and highest price?": the column's minimum and maximum, in one query. */
    private Answer range() {
        ColumnInfo column = plan.metric.columns().getFirst();
        String name = plan.metric.name();
        boolean date = plan.metric.ofDates();
        String quoted = QueryRunner.quote(column);
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        Map<String, Object> arguments = baseArguments();
        arguments.put("aggregation", "range");
        Step step = runner.run(
                "aggregate",
                arguments,
                "SELECT MIN(" + quoted + ") AS minimum, MAX(" + quoted + ") AS maximum FROM " + table + where.sql(),
                where.parameters(),
                1);
        List<Object> row = new ArrayList<>(step.rows().getFirst());
        if (date) {
            row.replaceAll(v -> v == null ? null : String.valueOf(v));
        }
        String type = date ? "date" : "number";
        Table answerTable = new Table(
                List.of(new Column("minimum " + name, type), new Column("maximum " + name, type)), List.of(row));
        String label = Format.capitalize(name) + " range" + scope();
        String text;
        Headline headline = null;
        if (row.get(0) == null) {
            text = "No rows match" + scope() + ", so there is no " + name + " range to report.";
            notes.add("No rows matched the filters; no number was produced.");
        } else {
            String span = format(row.get(0)) + " to " + format(row.get(1));
            text = Format.capitalize(name) + scope() + ": " + (date ? "earliest " : "lowest ") + format(row.get(0))
                    + ", " + (date ? "latest " : "highest ") + format(row.get(1)) + ".";
            headline = new Headline(label, span, span, date ? null : Format.unit(plan.metric.unit()));
        }
        return new Answer(
                text,
                new Result("table", null),
                headline,
                answerTable,
                null,
                interpretation(List.of(), "range"),
                notes);
    }

    /** One side of a two-sided comparison: "Berlin", or "Berlin and Dallas together". */
    private static String sideName(Condition side) {
        List<String> names = side.values().stream().map(String::valueOf).toList();
        return names.size() == 1 ? names.getFirst() : Format.join(names) + " together";
    }

    /**
     * "How much more revenue did North America bring in than EMEA": the metric for each of the two
     * values, and their difference in the direction asked (first − second for "more", second − first
     * for "less"), so the number answers the question as put; a negative one is said plainly.
     */
    private Answer difference() {
        Condition first = plan.valuePair.get(0);
        Condition second = plan.valuePair.get(1);
        Map<String, Object> arguments = baseArguments();
        Object a = scalar(plan.window, with(first), "aggregate", arguments);
        Object b = scalar(plan.window, with(second), "aggregate", arguments);
        String nameA = sideName(first);
        String nameB = sideName(second);
        Table table = new Table(
                List.of(new Column(first.column().name(), "string"), new Column(plan.metric.name(), "number")),
                List.of(listOf(nameA, a), listOf(nameB, b)));
        String context = metricLabel() + conditionPhrase() + windowPhrase(plan.window);
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            String missing = a instanceof Number ? nameB : nameA;
            notes.add("No rows matched for " + missing + "; no difference was produced.");
            return new Answer(
                    "There is no " + context + " for " + missing + ", so there is no difference to report.",
                    new Result("number", null),
                    null,
                    table,
                    null,
                    interpretation(List.of()),
                    notes);
        }
        boolean less = plan.comparator == Plan.Op.LT;
        double difference = less ? y.doubleValue() - x.doubleValue() : x.doubleValue() - y.doubleValue();
        String direction = less ? "less" : "more";
        String text = nameA + " had " + format(a) + " against " + format(b) + " for " + nameB + " (" + context + "): "
                + (difference >= 0
                        ? format(difference) + " " + direction + "."
                        : "not " + direction + " but " + format(-difference) + (less ? " more." : " less."));
        notes.add("The difference is " + (less ? nameB + " minus " + nameA : nameA + " minus " + nameB) + ".");
        return new Answer(
                text,
                new Result("number", difference),
                headline(Format.capitalize(plan.metric.name()) + ", " + nameA + " against " + nameB, difference),
                table,
                null,
                interpretation(List.of()),
                notes);
    }

    /** "average daily spend": totals per period, then their average (empty periods are not counted). */
    private Answer averagePerPeriod() {
        String grain = plan.perGrain.name().toLowerCase(Locale.ROOT);
        ColumnInfo time = plan.timeColumn;
        if (time == null) {
            time = Planner.timeColumn(plan.table);
        }
        String inner = switch (plan.metric.expr()) {
            case Metric.Agg agg
            when agg.fn().equals("avg") || agg.fn().equals("sum") -> "SUM(" + QueryRunner.quote(agg.column()) + ")";
            default -> metricSql;
        };
        if (time == null) {
            Object value = scalar(plan.window, plan.filters, "aggregate", baseArguments());
            return new Answer(
                    Format.capitalize(metricLabel()) + scope() + " is " + format(value) + ".",
                    new Result("number", value),
                    headline(Format.capitalize(metricLabel()) + scope(), value),
                    null,
                    null,
                    interpretation(List.of()),
                    notes);
        }
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        Map<String, Object> arguments = baseArguments();
        arguments.put("per", grain);
        Step step = runner.run(
                "aggregate",
                arguments,
                "SELECT AVG(v) AS value, COUNT(*) AS periods FROM (SELECT date_trunc('" + grain + "', "
                        + QueryRunner.quote(time) + ") AS p, " + inner + " AS v FROM " + table + where.sql()
                        + " GROUP BY 1)",
                where.parameters(),
                1);
        Object value = step.rows().getFirst().get(0);
        Object periods = step.rows().getFirst().get(1);
        String adjective = grain.equals("day") ? "daily" : grain + "ly";
        notes.add("Averaged the " + adjective + " totals over the " + periods + " " + grain + "s that have data.");
        String label = "Average " + adjective + " " + plan.metric.name() + scope();
        String text = value == null ? "No rows match" + scope() + "." : label + " is " + format(value) + ".";
        Table resultTable = new Table(List.of(new Column(plan.metric.name(), "number")), List.of(listOf(value)));
        return new Answer(
                text,
                new Result("number", value),
                headline(label, value),
                resultTable,
                null,
                interpretation(List.of()),
                notes);
    }

    private static List<Object> listOf(Object... values) {
        List<Object> list = new ArrayList<>();
        java.util.Collections.addAll(list, values);
        return list;
    }

    /** The rows of a comparison of named values in the order the question named them. */
    private List<List<Object>> inNamedOrder(List<List<Object>> rows) {
        List<Object> named = plan.filters.stream()
                .filter(f -> f.op() == Op.IN && f.column().equals(plan.dimensions.getFirst()))
                .findFirst()
                .map(Condition::values)
                .orElse(List.of());
        List<List<Object>> ordered = new ArrayList<>(rows);
        ordered.sort(Comparator.comparingInt(row -> {
            int at = named.indexOf(row.getFirst());
            return at < 0 ? named.size() : at;
        }));
        return ordered;
    }

    private Answer grouped() {
        List<Object> parameters = new ArrayList<>();
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        parameters.addAll(where.parameters());
        List<String> dims = plan.dimensions.stream().map(QueryRunner::quote).toList();
        String having = QueryRunner.having(plan, metricSql, parameters);
        boolean share = plan.intent == Intent.SHARE;
        String direction = plan.ascending ? "ASC" : "DESC";
        String order = " ORDER BY value " + direction + " NULLS LAST, " + String.join(", ", dims);
        int limit = switch (plan.intent) {
            case TOP_N -> plan.limit;
            case WHICH -> 10;
            default -> runner.rowCap();
        };
        String sql = "SELECT " + String.join(", ", dims) + ", " + metricSql + " AS value"
                + (share ? ", " + metricSql + " / SUM(" + metricSql + ") OVER () AS share" : "")
                + " FROM " + table + where.sql() + " GROUP BY " + String.join(", ", dims) + having + order
                + (plan.intent == Intent.TOP_N || plan.intent == Intent.WHICH ? " LIMIT " + limit : "");
        String tool = switch (plan.intent) {
            case TOP_N, WHICH -> "top_n";
            case SHARE -> "share_of_total";
            default -> "breakdown";
        };
        Map<String, Object> arguments = baseArguments();
        if (plan.intent == Intent.TOP_N || plan.intent == Intent.WHICH) {
            arguments.put("n", plan.intent == Intent.WHICH ? 1 : plan.limit);
            arguments.put("order", plan.ascending ? "ascending" : "descending");
        }
        Step step = runner.run(tool, arguments, sql, parameters, limit);
        capNote(step);
        List<Column> columns = new ArrayList<>();
        for (ColumnInfo dim : plan.dimensions) {
            columns.add(new Column(dim.name(), QueryRunner.wireType(dim.type())));
        }
        columns.add(new Column(plan.metric.name(), "number"));
        if (share) {
            columns.add(new Column("share", "number"));
        }
        Table resultTable = new Table(columns, plan.inNamedOrder ? inNamedOrder(step.rows()) : step.rows());
        String metricName = plan.metric.name();
        String dimName = Lexicon.display(plan.dimensions.getFirst().name());
        List<Object> firstRow = step.rows().isEmpty() ? null : step.rows().getFirst();
        int valueIndex = plan.dimensions.size();
        Chart chart = Charts.bar(resultTable, plan.dimensions, metricName, share);
        if (firstRow == null) {
            String text = "No rows match" + scope() + ", so there is nothing to break down by " + dimName + ".";
            notes.add("No rows matched the filters.");
            return new Answer(
                    text,
                    plan.intent == Intent.WHICH
                            ? new Result("category", null)
                            : plan.intent == Intent.TOP_N ? new Result("list", List.of()) : new Result("table", null),
                    null,
                    resultTable,
                    null,
                    interpretation(dimensionNames()),
                    notes);
        }
        Object leader = firstRow.get(0);
        Object leaderValue = firstRow.get(valueIndex);
        String superlative = plan.ascending ? "lowest" : "highest";
        switch (plan.intent) {
            case WHICH -> {
                if (step.rows().size() > 1 && Objects.equals(step.rows().get(1).get(valueIndex), leaderValue)) {
                    notes.add(step.rows().get(1).get(0) + " ties with " + leader + "; ties are broken alphabetically.");
                }
                if (plan.valueAsked) {
                    return new Answer(
                            "The " + superlative + " " + metricLabel() + " of any " + dimName + scope() + " is "
                                    + format(leaderValue) + " (" + leader + ").",
                            new Result("number", leaderValue),
                            headline(
                                    Format.capitalize(metricLabel()) + " of the " + dimName + " with the " + superlative
                                            + " value" + scope(),
                                    leaderValue),
                            resultTable,
                            chart,
                            interpretation(dimensionNames()),
                            notes);
                }
                String text = leader + " had the " + superlative + " " + metricLabel() + scope() + ": "
                        + format(leaderValue) + ".";
                return new Answer(
                        text,
                        new Result("category", leader),
                        categoryHeadline(
                                Format.capitalize(dimName) + " with the " + superlative + " " + metricLabel() + scope(),
                                leader,
                                leaderValue),
                        resultTable,
                        chart,
                        interpretation(dimensionNames()),
                        notes);
            }
            case TOP_N -> {
                List<Object> values = step.rows().stream().map(r -> r.get(0)).toList();
                List<String> described = step.rows().stream()
                        .map(r -> r.get(0) + " (" + format(r.get(valueIndex)) + ")")
                        .toList();
                String text = "The " + (plan.ascending ? "bottom " : "top ")
                        + step.rows().size() + " " + (step.rows().size() == 1 ? dimName : plural(dimName)) + " by "
                        + metricLabel()
                        + scope()
                        + (step.rows().size() < plan.limit
                                ? " (only " + step.rows().size() + " exist)"
                                : "") + ": "
                        + Format.join(described) + ".";
                return new Answer(
                        text,
                        new Result("list", values),
                        categoryHeadline(
                                (plan.ascending ? "Bottom " : "Top ") + dimName + " by " + metricLabel() + scope(),
                                leader,
                                leaderValue),
                        resultTable,
                        chart,
                        interpretation(dimensionNames()),
                        notes);
            }
            default -> {
                Double total = null;
                if (plan.metric.summable() && plan.having.isEmpty()) {
                    total = step.rows().stream()
                            .map(r -> r.get(valueIndex))
                            .filter(Objects::nonNull)
                            .mapToDouble(v -> ((Number) v).doubleValue())
                            .sum();
                }
                String byText = String.join(
                        " and ",
                        plan.dimensions.stream()
                                .map(d -> Lexicon.display(d.name()))
                                .toList());
                String lead = plan.dimensions.size() == 1
                        ? leader.toString()
                        : firstRow.subList(0, plan.dimensions.size()).toString();
                String text = Format.capitalize(metricLabel()) + " by " + byText + scope() + ": " + lead
                        + (plan.ascending ? " was lowest with " : " led with ")
                        + format(leaderValue)
                        + (total != null && total != 0 && leaderValue instanceof Number n
                                ? " (" + Format.percent(n.doubleValue() / total) + " of " + format(total) + ")"
                                : "")
                        + " across " + step.rows().size() + " " + (step.rows().size() == 1 ? "group" : "groups") + ".";
                Headline headline = total != null
                        ? headline(Format.capitalize(metricLabel()) + scope(), plain(total))
                        : headline(Format.capitalize(metricLabel()) + " for " + lead + scope(), leaderValue);
                Chart shown = share && plan.dimensions.size() == 1
                        ? Charts.pie(resultTable, plan.dimensions.getFirst().name(), metricName)
                        : chart;
                return new Answer(
                        text,
                        new Result("table", null),
                        headline,
                        resultTable,
                        shown,
                        interpretation(dimensionNames()),
                        notes);
            }
        }
    }

    private static Object plain(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Object) (long) value : (Object) value;
    }

    private Answer trend() {
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        String grain = plan.grain.name().toLowerCase(Locale.ROOT);
        String period = "CAST(date_trunc('" + grain + "', " + QueryRunner.quote(plan.timeColumn) + ") AS DATE)";
        List<String> dims = plan.dimensions.stream().map(QueryRunner::quote).toList();
        String select = "SELECT " + period + " AS period" + (dims.isEmpty() ? "" : ", " + String.join(", ", dims))
                + ", " + metricSql + " AS value FROM " + table + where.sql() + " GROUP BY ALL ORDER BY period"
                + (dims.isEmpty() ? "" : ", " + String.join(", ", dims));
        List<Object> parameters = new ArrayList<>(where.parameters());
        String having = QueryRunner.having(plan, metricSql, parameters);
        if (!having.isEmpty()) {
            select = select.replace(" ORDER BY", having + " ORDER BY");
        }
        Map<String, Object> arguments = baseArguments();
        arguments.put("grain", grain);
        arguments.put("time_column", plan.timeColumn.name());
        Step step = runner.run("trend", arguments, select, parameters, runner.rowCap());
        capNote(step);
        List<Column> columns = new ArrayList<>();
        columns.add(new Column("period", "date"));
        for (ColumnInfo dim : plan.dimensions) {
            columns.add(new Column(dim.name(), QueryRunner.wireType(dim.type())));
        }
        columns.add(new Column(plan.metric.name(), "number"));
        Table resultTable = new Table(columns, step.rows());
        List<String> dimensions = new ArrayList<>();
        dimensions.add(plan.timeColumn.name() + ":" + grain);
        dimensions.addAll(dimensionNames());
        String scope = scope();
        String label = Format.capitalize(grainAdjective()) + " " + metricLabel() + scope;
        if (step.rows().isEmpty()) {
            return new Answer(
                    "No rows match" + scope + ", so there is no trend to show.",
                    new Result("table", null),
                    null,
                    resultTable,
                    null,
                    interpretation(dimensions),
                    notes);
        }
        int valueIndex = 1 + plan.dimensions.size();
        String text;
        Headline headline;
        if (plan.dimensions.isEmpty()) {
            List<Object> first = step.rows().getFirst();
            List<Object> last = step.rows().getLast();
            List<Object> peak = step.rows().stream()
                    .filter(r -> r.get(1) instanceof Number)
                    .max((a, b) -> Double.compare(((Number) a.get(1)).doubleValue(), ((Number) b.get(1)).doubleValue()))
                    .orElse(first);
            String change = "";
            if (first.get(1) instanceof Number a && last.get(1) instanceof Number b && a.doubleValue() != 0) {
                double pct = (b.doubleValue() - a.doubleValue()) / Math.abs(a.doubleValue());
                change = " (" + (pct >= 0 ? "+" : "") + Format.percent(pct) + ")";
            }
            text = Format.capitalize(grainAdjective()) + " " + metricLabel() + scope + " went from "
                    + format(first.get(1)) + " ("
                    + periodLabel(first.get(0)) + ") to " + format(last.get(1)) + " (" + periodLabel(last.get(0)) + ")"
                    + change + " over " + step.rows().size()
                    + " periods; the peak was " + format(peak.get(1)) + " (" + periodLabel(peak.get(0)) + ").";
            headline = headline(label + ", latest period (" + periodLabel(last.get(0)) + ")", last.get(1));
        } else {
            text = Format.capitalize(grainAdjective()) + " " + metricLabel() + " by "
                    + Lexicon.display(plan.dimensions.getFirst().name()) + scope + " over "
                    + step.rows().stream().map(r -> r.get(0)).distinct().count() + " periods.";
            headline = headline(label, step.rows().getLast().get(valueIndex));
        }
        // dates per period ("the earliest order each day") are a table, not a line
        Chart chart = plan.metric.ofDates()
                ? null
                : Charts.line(
                        resultTable,
                        plan.dimensions.isEmpty()
                                ? null
                                : plan.dimensions.getFirst().name(),
                        plan.metric.name());
        return new Answer(
                text, new Result("table", null), headline, resultTable, chart, interpretation(dimensions), notes);
    }

    /** "Which month had the highest revenue?": periods ranked by the metric; the answer is a label. */
    private Answer whichPeriod() {
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        String grain = plan.grain.name().toLowerCase(Locale.ROOT);
        String period = "CAST(date_trunc('" + grain + "', " + QueryRunner.quote(plan.timeColumn) + ") AS DATE)";
        String direction = plan.ascending ? "ASC" : "DESC";
        Map<String, Object> arguments = baseArguments();
        arguments.put("grain", grain);
        arguments.put("n", 1);
        arguments.put("order", plan.ascending ? "ascending" : "descending");
        Step step = runner.run(
                "top_n",
                arguments,
                "SELECT " + period + " AS period, " + metricSql + " AS value FROM " + table + where.sql()
                        + " GROUP BY 1 ORDER BY value " + direction + " NULLS LAST, period LIMIT 10",
                where.parameters(),
                10);
        Table resultTable =
                new Table(List.of(new Column("period", "date"), new Column(plan.metric.name(), "number")), step.rows());
        List<String> dimensions = List.of(plan.timeColumn.name() + ":" + grain);
        if (step.rows().isEmpty()) {
            return new Answer(
                    "No rows match" + scope() + ".",
                    new Result("category", null),
                    null,
                    resultTable,
                    null,
                    interpretation(dimensions),
                    notes);
        }
        String label = periodLabel(step.rows().getFirst().get(0));
        Object value = step.rows().getFirst().get(1);
        String superlative = plan.ascending ? "lowest" : "highest";
        String text = label + " had the " + superlative + " " + metricLabel() + scope() + ": " + format(value) + ".";
        Chart chart = Charts.bar(
                resultTable, List.of(new ColumnInfo("period", "DATE", ColumnRole.TIME)), plan.metric.name(), false);
        return new Answer(
                text,
                new Result("category", label),
                categoryHeadline(
                        Format.capitalize(grain) + " with the " + superlative + " " + metricLabel() + scope(),
                        label,
                        value),
                resultTable,
                chart,
                interpretation(dimensions),
                notes);
    }

    /** A period's start date as people name the period: "2025", "Q3 2025", "December 2025", "week of …". */
    private String periodLabel(Object periodStart) {
        if (periodStart == null) {
            return "no date";
        }
        java.time.LocalDate start =
                java.time.LocalDate.parse(String.valueOf(periodStart).substring(0, 10));
        return switch (plan.grain) {
            case DAY -> start.toString();
            case WEEK -> "week of " + start;
            case MONTH ->
                TimePhrases.monthWindow(java.time.YearMonth.from(start)).label();
            case QUARTER -> "Q" + ((start.getMonthValue() - 1) / 3 + 1) + " " + start.getYear();
            case YEAR -> String.valueOf(start.getYear());
        };
    }

    private String grainAdjective() {
        return switch (plan.grain) {
            case DAY -> "daily";
            case WEEK -> "weekly";
            case MONTH -> "monthly";
            case QUARTER -> "quarterly";
            case YEAR -> "yearly";
        };
    }

    private Answer compare() {
        Window current = plan.window;
        Window previous = plan.compareWindow;
        Map<String, Object> arguments = baseArguments();
        arguments.remove("time_range");
        arguments.put("period", current.start() + ".." + current.end());
        arguments.put("compared_with", previous.start() + ".." + previous.end());
        if (plan.dimensions.isEmpty()) {
            Object a = scalar(current, plan.filters, "compare_periods", arguments);
            Object b = scalar(previous, plan.filters, "compare_periods", arguments);
            List<Column> columns = List.of(new Column("period", "string"), new Column(plan.metric.name(), "number"));
            Table resultTable = new Table(columns, List.of(listOf(current.label(), a), listOf(previous.label(), b)));
            Double delta = difference(a, b);
            Double pct = percentChange(a, b);
            String change = changeText(a, b);
            if (plan.change == Plan.Change.ABSOLUTE && delta != null) {
                change = delta == 0
                        ? ", unchanged"
                        : ", " + (delta > 0 ? "up " : "down ") + format(Math.abs(delta))
                                + (pct == null
                                        ? ""
                                        : " (" + (delta > 0 ? "+" : "-") + Format.percent(Math.abs(pct)) + ")");
            }
            String text = Format.capitalize(metricLabel()) + conditionPhrase() + " was " + format(a) + " in "
                    + current.label() + " against " + format(b) + " in " + previous.label() + change + ".";
            Headline headline = headline(
                    Format.capitalize(metricLabel()) + conditionPhrase() + ", " + current.label() + " vs "
                            + previous.label(),
                    a);
            Chart chart = Charts.bar(
                    resultTable,
                    List.of(new ColumnInfo("period", "VARCHAR", ColumnRole.DIMENSION)),
                    plan.metric.name(),
                    false);
            Result result = new Result("table", null);
            if (plan.change != null && delta != null) {
                // "by how much did spend change", "the percentage change in signups": that one number
                boolean percent = plan.change == Plan.Change.PERCENT;
                Double value = percent ? pct : delta;
                result = new Result("number", value);
                String formatted = value == null
                        ? "no value"
                        : percent
                                ? (delta >= 0 ? "+" : "") + Format.percent(value)
                                : (delta >= 0 ? "+" : "") + format(value);
                headline = new Headline(
                        "Change in " + metricLabel() + conditionPhrase() + ", " + previous.label() + " to "
                                + current.label(),
                        value,
                        formatted,
                        percent ? "percent" : Format.unit(plan.metric.unit()));
                if (value == null) {
                    notes.add("The earlier period's value is 0, so a percentage change cannot be computed.");
                }
            }
            return new Answer(
                    text,
                    result,
                    headline,
                    resultTable,
                    chart,
                    new Interpretation(
                            interpretation(List.of()).metric(),
                            plan.metric.aggregation(),
                            List.of(),
                            interpretation(List.of()).filters(),
                            new TimeRange(
                                    current.start().toString(),
                                    current.end().toString(),
                                    current.label() + " vs " + previous.label())),
                    notes);
        }
        ColumnInfo dim = plan.dimensions.getFirst();
        String q = QueryRunner.quote(dim);
        Where whereA = QueryRunner.where(plan, current, plan.filters);
        Where whereB = QueryRunner.where(plan, previous, plan.filters);
        Step a = runner.run(
                "compare_periods",
                arguments,
                "SELECT " + q + ", " + metricSql + " AS value FROM " + table + whereA.sql() + " GROUP BY " + q
                        + " ORDER BY " + q,
                whereA.parameters(),
                runner.rowCap());
        Step b = runner.run(
                "compare_periods",
                arguments,
                "SELECT " + q + ", " + metricSql + " AS value FROM " + table + whereB.sql() + " GROUP BY " + q
                        + " ORDER BY " + q,
                whereB.parameters(),
                runner.rowCap());
        Map<Object, Object[]> merged = new LinkedHashMap<>();
        for (List<Object> row : a.rows()) {
            merged.computeIfAbsent(row.get(0), k -> new Object[2])[0] = row.get(1);
        }
        for (List<Object> row : b.rows()) {
            merged.computeIfAbsent(row.get(0), k -> new Object[2])[1] = row.get(1);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Map.Entry<Object, Object[]> entry : merged.entrySet()) {
            Object x = entry.getValue()[0];
            Object y = entry.getValue()[1];
            rows.add(listOf(entry.getKey(), x, y, difference(x, y), percentChange(x, y)));
        }
        rows.sort((r1, r2) -> Double.compare(
                r2.get(1) instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY,
                r1.get(1) instanceof Number n ? n.doubleValue() : Double.NEGATIVE_INFINITY));
        List<Column> columns = List.of(
                new Column(dim.name(), QueryRunner.wireType(dim.type())),
                new Column(current.label(), "number"),
                new Column(previous.label(), "number"),
                new Column("change", "number"),
                new Column("change_pct", "number"));
        Table resultTable = new Table(columns, rows);
        double totalA = rows.stream()
                .filter(r -> r.get(1) instanceof Number)
                .mapToDouble(r -> ((Number) r.get(1)).doubleValue())
                .sum();
        double totalB = rows.stream()
                .filter(r -> r.get(2) instanceof Number)
                .mapToDouble(r -> ((Number) r.get(2)).doubleValue())
                .sum();
        String text = Format.capitalize(metricLabel()) + " by " + Lexicon.display(dim.name()) + ", " + current.label()
                + " against "
                + previous.label()
                + (plan.metric.summable()
                        ? ": " + format(plain(totalA)) + " vs " + format(plain(totalB)) + changeText(totalA, totalB)
                        : "")
                + ".";
        Chart chart = Charts.grouped(resultTable, dim.name(), current.label(), previous.label());
        return new Answer(
                text,
                new Result("table", null),
                headline(
                        Format.capitalize(metricLabel()) + ", " + current.label(),
                        plan.metric.summable() ? plain(totalA) : null),
                resultTable,
                chart,
                interpretation(dimensionNames()),
                notes);
    }

    private String changeText(Object now, Object before) {
        Double delta = difference(now, before);
        if (delta == null) {
            return "";
        }
        Double pct = percentChange(now, before);
        if (pct == null) {
            return delta == 0 ? ", unchanged" : "";
        }
        return pct == 0 ? ", unchanged" : ", " + (pct > 0 ? "up " : "down ") + Format.percent(Math.abs(pct));
    }

    /** {@code now − before}, or null unless both are numbers. */
    private static Double difference(Object now, Object before) {
        return now instanceof Number a && before instanceof Number b ? a.doubleValue() - b.doubleValue() : null;
    }

    /** {@code (now − before) / |before|}, or null unless both are numbers and {@code before} is not 0. */
    private static Double percentChange(Object now, Object before) {
        Double delta = difference(now, before);
        double base = before instanceof Number b ? b.doubleValue() : 0;
        return delta == null || base == 0 ? null : delta / Math.abs(base);
    }

    private Answer shareOfFiltered() {
        List<Condition> candidates =
                plan.filters.stream().filter(f -> !plan.shareBase.contains(f)).toList();
        List<Condition> named = candidates.stream()
                .filter(f -> f.op() == Plan.Op.EQ || f.op() == Plan.Op.IN || f.op() == Plan.Op.NE)
                .filter(f -> f.column().role() != ColumnRole.MEASURE)
                .toList();
        // the part is the values named ("Online orders"), else the conditions ("orders with a discount")
        List<Condition> valueFilters = named.isEmpty() ? candidates : named;
        List<Condition> rest =
                plan.filters.stream().filter(f -> !valueFilters.contains(f)).toList();
        Map<String, Object> arguments = baseArguments();
        Object part = scalar(plan.window, plan.filters, "share_of_total", arguments);
        Object whole = scalar(plan.window, rest, "share_of_total", arguments);
        Double share = part instanceof Number p && whole instanceof Number w && w.doubleValue() != 0
                ? p.doubleValue() / w.doubleValue()
                : (whole instanceof Number ? 0.0 : null);
        String scopeOfWhole = filterPhrase(rest) + windowPhrase(plan.window);
        String partText = (named.isEmpty()
                        ? (plan.metric.expr() instanceof Metric.CountRows ? plan.metric.name() : "rows") + " with "
                        : "")
                + filterPhrase(valueFilters).replaceFirst("^ for ", "");
        String text = share == null
                ? "There is no " + plan.metric.name() + scopeOfWhole + " to take a share of."
                : Format.capitalize(partText) + " accounted for " + Format.percent(share) + " of " + metricLabel()
                        + scopeOfWhole + " (" + format(part == null ? 0L : part) + " of " + format(whole) + ").";
        Table resultTable = new Table(
                List.of(new Column("part", "number"), new Column("total", "number"), new Column("share", "number")),
                List.of(listOf(part, whole, share)));
        Headline headline = new Headline(
                "Share of " + metricLabel() + " from " + partText + scopeOfWhole,
                share,
                share == null ? "no value" : Format.percent(share),
                "percent");
        notes.add("The share is " + partText + "'s " + plan.metric.name() + " divided by the " + metricLabel()
                + scopeOfWhole + ".");
        return new Answer(
                text, new Result("number", share), headline, resultTable, null, interpretation(List.of()), notes);
    }

    private Answer yesNo() {
        Map<String, Object> arguments = baseArguments();
        boolean answer;
        String text;
        Table resultTable;
        switch (plan.yesNo) {
            case EXISTS -> {
                if (!plan.dimensions.isEmpty() && !plan.having.isEmpty()) {
                    // "did any campaign spend more than 200,000": the groups whose total passes
                    ColumnInfo dimension = plan.dimensions.getFirst();
                    Step step = groupsPassing("exists", dimension, arguments);
                    answer = !step.rows().isEmpty();
                    String noun = Lexicon.display(dimension.name());
                    List<String> named = step.rows().stream()
                            .limit(5)
                            .map(row -> row.get(0) + " (" + format(row.get(1)) + ")")
                            .toList();
                    text = answer
                            ? "Yes: " + step.rows().size() + " " + (step.rows().size() == 1 ? noun : plural(noun))
                                    + " had " + metricLabel() + scope() + " " + havingText() + ": "
                                    + String.join(", ", named) + (step.rows().size() > 5 ? " and more" : "") + "."
                            : "No: no " + noun + " had " + metricLabel() + scope() + " " + havingText() + ".";
                    resultTable = new Table(
                            List.of(
                                    new Column(dimension.name(), QueryRunner.wireType(dimension.type())),
                                    new Column(plan.metric.name(), "number")),
                            step.rows());
                    break;
                }
                Where where = QueryRunner.where(plan, plan.window, plan.filters);
                Step step = runner.run(
                        "exists",
                        arguments,
                        "SELECT COUNT(*) AS matched FROM " + table + where.sql(),
                        where.parameters(),
                        1);
                long matched = ((Number) step.rows().getFirst().getFirst()).longValue();
                answer = matched > 0;
                text = (answer ? "Yes: " : "No: ") + matched + " " + Planner.tableNoun(plan.table) + " match" + scope()
                        + ".";
                resultTable = new Table(List.of(new Column("matching_rows", "number")), List.of(listOf(matched)));
            }
            case THRESHOLD -> {
                Object value = scalar(plan.window, plan.filters, "aggregate", arguments);
                double v = value instanceof Number n ? n.doubleValue() : Double.NaN;
                answer = !Double.isNaN(v) && compare(v, plan.comparator, plan.threshold);
                text = (answer ? "Yes: " : "No: ") + metricLabel() + scope() + " was " + format(value) + ", "
                        + (answer ? "" : "not ") + comparatorWord(plan.comparator) + " "
                        + (plan.metric.unit() == Metric.Unit.PERCENT
                                ? Format.percent(plan.threshold)
                                : valueText(plan.threshold))
                        + ".";
                resultTable = new Table(List.of(new Column(plan.metric.name(), "number")), List.of(listOf(value)));
            }
            case VALUES -> {
                Condition first = plan.valuePair.get(0);
                Condition second = plan.valuePair.get(1);
                Object a = scalar(plan.window, with(first), "aggregate", arguments);
                Object b = scalar(plan.window, with(second), "aggregate", arguments);
                double x = a instanceof Number n ? n.doubleValue() : 0;
                double y = b instanceof Number n ? n.doubleValue() : 0;
                answer = compare(x, plan.comparator, y);
                String nameA = sideName(first);
                String nameB = sideName(second);
                text = (answer ? "Yes: " : "No: ") + nameA + " had " + format(a) + " against " + format(b) + " for "
                        + nameB + " (" + metricLabel() + windowPhrase(plan.window) + ").";
                resultTable = new Table(
                        List.of(new Column(first.column().name(), "string"), new Column(plan.metric.name(), "number")),
                        List.of(listOf(nameA, a), listOf(nameB, b)));
            }
            case PERIODS -> {
                Object a = scalar(plan.window, plan.filters, "compare_periods", arguments);
                Object b = scalar(plan.compareWindow, plan.filters, "compare_periods", arguments);
                double x = a instanceof Number n ? n.doubleValue() : 0;
                double y = b instanceof Number n ? n.doubleValue() : 0;
                answer = compare(x, plan.comparator, y);
                text = (answer ? "Yes: " : "No: ") + metricLabel() + conditionPhrase() + " was " + format(a)
                        + " in " + plan.window.label() + " against " + format(b) + " in " + plan.compareWindow.label()
                        + ".";
                resultTable = new Table(
                        List.of(new Column("period", "string"), new Column(plan.metric.name(), "number")),
                        List.of(listOf(plan.window.label(), a), listOf(plan.compareWindow.label(), b)));
            }
            default -> {
                Where where = QueryRunner.where(plan, plan.window, plan.filters);
                String q = QueryRunner.quote(plan.dimensions.getFirst());
                Step step = runner.run(
                        "top_n",
                        arguments,
                        "SELECT " + q + ", " + metricSql + " AS value FROM " + table + where.sql() + " GROUP BY " + q
                                + " ORDER BY value " + (plan.ascending ? "ASC" : "DESC") + " NULLS LAST, " + q
                                + " LIMIT 1",
                        where.parameters(),
                        1);
                Object top =
                        step.rows().isEmpty() ? null : step.rows().getFirst().get(0);
                answer = Objects.equals(String.valueOf(top), plan.topValue);
                text = (answer ? "Yes: " : "No: ") + top + " had the " + (plan.ascending ? "lowest " : "highest ")
                        + metricLabel() + scope()
                        + (step.rows().isEmpty()
                                ? ""
                                : " (" + format(step.rows().getFirst().get(1)) + ")") + ".";
                resultTable = new Table(
                        List.of(
                                new Column(plan.dimensions.getFirst().name(), "string"),
                                new Column(plan.metric.name(), "number")),
                        step.rows());
            }
        }
        Headline headline =
                new Headline(Format.capitalize(metricLabel()) + scope(), answer, answer ? "Yes" : "No", null);
        return new Answer(
                text,
                new Result("boolean", answer),
                headline,
                resultTable,
                null,
                interpretation(dimensionNames()),
                notes);
    }

    private List<Condition> with(Condition extra) {
        List<Condition> filters = new ArrayList<>(plan.filters);
        filters.add(extra);
        return filters;
    }

    private static boolean compare(double value, Plan.Op op, double threshold) {
        return switch (op) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
            case EQ -> Math.abs(value - threshold) < 1e-9;
            case NE -> Math.abs(value - threshold) >= 1e-9;
            default -> false;
        };
    }

    /** The group condition in words: "above 200000", "between 10 and 20". */
    private String havingText() {
        Condition condition = plan.having.getFirst();
        return condition.op() == Plan.Op.BETWEEN
                ? "between " + valueText(condition.values().get(0)) + " and "
                        + valueText(condition.values().get(1))
                : comparatorWord(condition.op()) + " "
                        + valueText(condition.values().getFirst());
    }

    private static String comparatorWord(Plan.Op op) {
        return switch (op) {
            case GT -> "above";
            case GE -> "at least";
            case LT -> "below";
            case LE -> "at most";
            default -> "equal to";
        };
    }

    /** The values of {@code dimension} whose metric passes the plan's group conditions, largest first. */
    private Step groupsPassing(String tool, ColumnInfo dimension, Map<String, Object> arguments) {
        List<Object> parameters = new ArrayList<>();
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        parameters.addAll(where.parameters());
        String q = QueryRunner.quote(dimension);
        return runner.run(
                tool,
                arguments,
                "SELECT " + q + ", " + metricSql + " AS value FROM " + table + where.sql() + " GROUP BY " + q
                        + QueryRunner.having(plan, metricSql, parameters) + " ORDER BY value DESC NULLS LAST, " + q,
                parameters,
                runner.rowCap());
    }

    private Answer list() {
        ColumnInfo dim = plan.dimensions.getFirst();
        String q = QueryRunner.quote(dim);
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        Step step;
        Map<String, Object> arguments = baseArguments();
        boolean withMetric = !plan.having.isEmpty();
        if (withMetric) {
            step = groupsPassing("list_values", dim, arguments);
        } else {
            arguments.remove("metric");
            arguments.remove("aggregation");
            step = runner.run(
                    "list_values",
                    arguments,
                    "SELECT DISTINCT " + q + " FROM " + table + where.sql() + " ORDER BY " + q,
                    where.parameters(),
                    runner.rowCap());
        }
        capNote(step);
        List<Object> values = step.rows().stream().map(r -> r.get(0)).toList();
        List<Column> columns = new ArrayList<>();
        columns.add(new Column(dim.name(), QueryRunner.wireType(dim.type())));
        if (withMetric) {
            columns.add(new Column(plan.metric.name(), "number"));
        }
        Table resultTable = new Table(columns, step.rows());
        String noun = Lexicon.display(dim.name());
        String text = values.isEmpty()
                ? "No " + noun + " match" + scope() + "."
                : values.size() + " " + (values.size() == 1 ? noun : plural(noun)) + " match" + scope()
                        + (plan.having.isEmpty() ? "" : " (" + metricLabel() + ")")
                        + ": "
                        + Format.join(
                                values.stream().limit(12).map(String::valueOf).toList())
                        + (values.size() > 12 ? " and " + (values.size() - 12) + " more" : "") + ".";
        Headline headline = new Headline(
                Format.capitalize(noun) + scope(), (long) values.size(), values.size() + " " + noun, "count");
        return new Answer(
                text,
                new Result("list", values),
                headline,
                resultTable,
                withMetric && !values.isEmpty()
                        ? Charts.bar(resultTable, plan.dimensions, plan.metric.name(), false)
                        : null,
                interpretation(dimensionNames()),
                notes);
    }

    private static String plural(String noun) {
        return noun.endsWith("s")
                ? noun
                : noun.endsWith("y") && !noun.endsWith("ey")
                        ? noun.substring(0, noun.length() - 1) + "ies"
                        : noun + "s";
    }

    private Answer lookup() {
        ColumnInfo target = plan.target;
        String q = QueryRunner.quote(target);
        Where where = QueryRunner.where(plan, plan.window, plan.filters);
        Map<String, Object> arguments = baseArguments();
        arguments.remove("metric");
        arguments.remove("aggregation");
        arguments.put("column", target.name());
        Step step = runner.run(
                "lookup",
                arguments,
                "SELECT DISTINCT " + q + " FROM " + table + where.sql() + " ORDER BY " + q,
                where.parameters(),
                runner.rowCap());
        List<Object> values = step.rows().stream().map(r -> r.get(0)).toList();
        Table resultTable =
                new Table(List.of(new Column(target.name(), QueryRunner.wireType(target.type()))), step.rows());
        String subject = conditionPhrase().replaceFirst("^ for ", "");
        String noun = Lexicon.display(target.name());
        if (values.isEmpty()) {
            return new Answer(
                    "No rows match " + subject + ".",
                    new Result("category", null),
                    null,
                    resultTable,
                    null,
                    interpretation(List.of(target.name())),
                    notes);
        }
        String text = values.size() == 1
                ? "The " + noun + " for " + subject + " is " + values.getFirst() + "."
                : "The " + noun + " values for " + subject + " are "
                        + Format.join(values.stream().map(String::valueOf).toList()) + ".";
        Result result = values.size() == 1 ? new Result("category", values.getFirst()) : new Result("list", values);
        Headline headline = new Headline(
                Format.capitalize(noun) + " for " + subject,
                values.size() == 1 ? values.getFirst() : values.size(),
                values.size() == 1 ? String.valueOf(values.getFirst()) : values.size() + " values",
                null);
        return new Answer(text, result, headline, resultTable, null, interpretation(List.of(target.name())), notes);
    }
}
