package com.claribi.analysis;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follow-up questions (SPEC §4): built from the table's own columns, then kept only if the planner
 * can answer them on the same data, so every suggestion is one the engine really answers.
 */
final class FollowUps {
    private FollowUps() {}

    static List<String> after(
            Plan plan, List<TableSchema> tables, LocalDate today, int max, Map<TableSchema, Lexicon> lexicons) {
        TableSchema table = plan.table;
        String metric = metricPhrase(plan.metric, table);
        List<String> candidates = new ArrayList<>();
        List<ColumnInfo> dimensions = dimensions(table);
        ColumnInfo time = Planner.timeColumn(table);
        String window = plan.window == null ? "" : phrase(plan.window);
        for (ColumnInfo dimension : dimensions) {
            if (plan.dimensions.contains(dimension)) {
                continue;
            }
            String dim = Lexicon.display(dimension.name());
            if (plan.intent == Plan.Intent.AGGREGATE || plan.intent == Plan.Intent.COMPARE) {
                candidates.add("What was " + metric + " by " + dim + window + "?");
            } else {
                candidates.add("Which " + dim + " had the highest " + metric + window + "?");
            }
            break;
        }
        if (time != null && plan.intent != Plan.Intent.TREND) {
            candidates.add("What is the monthly trend of " + metric
                    + (plan.window != null && plan.window.days() > 62 ? window : "") + "?");
        }
        if (plan.window != null && plan.intent != Plan.Intent.COMPARE && plan.window.unit() != Window.Unit.RANGE) {
            Window previous =
                    plan.window.shiftBack(plan.window.unit() == Window.Unit.DAY ? Window.Unit.DAY : plan.window.unit());
            candidates.add(
                    "How does " + metric + " in " + plan.window.label() + " compare with " + previous.label() + "?");
        }
        for (ColumnInfo dimension : dimensions) {
            String dim = Lexicon.display(dimension.name());
            if (plan.metric.summable() && !(plan.intent == Plan.Intent.SHARE && plan.dimensions.contains(dimension))) {
                candidates.add("What share of " + metric + " came from each " + dim + window + "?");
                break;
            }
        }
        for (ColumnInfo dimension : dimensions) {
            if (!plan.dimensions.contains(dimension)) {
                candidates.add(
                        "What are the top 5 " + Lexicon.display(dimension.name()) + " by " + metric + window + "?");
            }
        }
        if (!plan.dimensions.isEmpty() && time == null) {
            candidates.add("What is the average " + metric + " by "
                    + Lexicon.display(plan.dimensions.getFirst().name()) + "?");
        }
        return keepAnswerable(candidates, tables, today, max, lexicons);
    }

    /** Questions to suggest when a question could not be answered. */
    static List<String> suggestions(
            TableSchema table, List<TableSchema> tables, LocalDate today, int max, Map<TableSchema, Lexicon> lexicons) {
        List<String> candidates = new ArrayList<>();
        ColumnInfo measure = Planner.defaultMeasure(table);
        List<ColumnInfo> dimensions = dimensions(table);
        ColumnInfo time = Planner.timeColumn(table);
        String metric = measure == null ? null : "total " + Lexicon.display(measure.name());
        if (metric != null) {
            candidates.add("What was " + metric + "?");
            if (!dimensions.isEmpty()) {
                candidates.add("What was " + metric + " by "
                        + Lexicon.display(dimensions.getFirst().name()) + "?");
                candidates.add(
                        "Which " + Lexicon.display(dimensions.getFirst().name()) + " had the highest " + metric + "?");
            }
            if (time != null) {
                candidates.add("What is the monthly trend of " + metric + "?");
            }
        }
        if (!dimensions.isEmpty()) {
            candidates.add("How many rows are there by "
                    + Lexicon.display(dimensions.getLast().name()) + "?");
            candidates.add("List the " + Lexicon.display(dimensions.getFirst().name()) + " values.");
        }
        return keepAnswerable(candidates, tables, today, max, lexicons);
    }

    private static List<String> keepAnswerable(
            List<String> candidates,
            List<TableSchema> tables,
            LocalDate today,
            int max,
            Map<TableSchema, Lexicon> lexicons) {
        Set<String> kept = new LinkedHashSet<>();
        for (String candidate : candidates) {
            if (kept.size() >= max) {
                break;
            }
            if (Planner.plan(candidate, tables, today, lexicons) instanceof Planner.Planned planned
                    && AnalysisEngine.outsideData(planned.plan()) == null) {
                kept.add(candidate);
            }
        }
        return List.copyOf(kept);
    }

    private static List<ColumnInfo> dimensions(TableSchema table) {
        return table.columns().stream()
                .filter(c -> c.role() == ColumnRole.DIMENSION
                        && !c.values().isEmpty()
                        && c.values().size() <= 60)
                .toList();
    }

    private static String metricPhrase(Metric metric, TableSchema table) {
        return switch (metric.expr()) {
            case Metric.Agg agg
            when agg.fn().equals("sum") ->
                "total " + Lexicon.display(agg.column().name());
            case Metric.Agg agg
            when agg.fn().equals("avg") ->
                "average " + Lexicon.display(agg.column().name());
            case Metric.Agg agg ->
                Planner.defaultMeasure(table) == null
                        ? "number of " + Planner.tableNoun(table)
                        : "total "
                                + Lexicon.display(Planner.defaultMeasure(table).name());
            case Metric.CountRows rows ->
                "number of " + (metric.name().equals("rows") ? Planner.tableNoun(table) : metric.name());
            case Metric.Binary binary -> metric.name();
        };
    }

    private static String phrase(Window window) {
        return switch (window.unit()) {
            case DAY -> " on " + window.label();
            case RANGE -> window.start().getYear() < 1950 ? "" : " from " + window.start() + " to " + window.end();
            default -> " in " + window.label();
        };
    }
}
