package com.claribi.analysis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follow-up questions (SPEC §4): built from the table's own columns, then kept only if the planner
 * can answer them on the same data, so every suggestion is one the engine really answers.
 */
final class FollowUps {
    private FollowUps() {}

    /**
     * Which candidate questions the planner answers, remembered per set of table schemas (by
     * identity: {@link Analyses} keeps one schema instance per data source version) and day. Planning
     * a candidate is a pure function of the question, the schemas and today, and the same dozen
     * candidates come back for every question on a table, so re-planning each on every answer (a
     * third of the planner's time) is skipped. Thread-safe.
     */
    static final class Answerability {
        /**
         * By the first table (identity); the entry checks the whole list and the day. An entry holds
         * its tables, so the size bound, not the weak key, is what limits the memory: 1,000 table sets.
         */
        private final Cache<TableSchema, Known> known =
                Caffeine.newBuilder().weakKeys().maximumSize(1_000).build();

        private record Known(List<TableSchema> tables, LocalDate today, Map<String, Boolean> answers) {
            boolean matches(List<TableSchema> others, LocalDate day) {
                if (!today.equals(day) || tables.size() != others.size()) {
                    return false;
                }
                for (int i = 0; i < tables.size(); i++) {
                    if (tables.get(i) != others.get(i)) {
                        return false;
                    }
                }
                return true;
            }
        }

        boolean answerable(
                String candidate, List<TableSchema> tables, LocalDate today, Map<TableSchema, Lexicon> lexicons) {
            if (tables.isEmpty()) {
                return plans(candidate, tables, today, lexicons);
            }
            Known entry = known.getIfPresent(tables.getFirst());
            if (entry == null || !entry.matches(tables, today)) {
                entry = new Known(List.copyOf(tables), today, new ConcurrentHashMap<>());
                known.put(tables.getFirst(), entry);
            }
            return entry.answers().computeIfAbsent(candidate, question -> plans(question, tables, today, lexicons));
        }

        private static boolean plans(
                String candidate, List<TableSchema> tables, LocalDate today, Map<TableSchema, Lexicon> lexicons) {
            return Planner.plan(candidate, tables, today, lexicons) instanceof Planner.Planned planned
                    && AnalysisEngine.outsideData(planned.plan()) == null;
        }
    }

    static List<String> after(
            Plan plan,
            List<TableSchema> tables,
            LocalDate today,
            int max,
            Map<TableSchema, Lexicon> lexicons,
            Answerability answerability) {
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
        return keepAnswerable(candidates, tables, today, max, lexicons, answerability);
    }

    /** Questions to suggest when a question could not be answered. */
    static List<String> suggestions(
            TableSchema table,
            List<TableSchema> tables,
            LocalDate today,
            int max,
            Map<TableSchema, Lexicon> lexicons,
            Answerability answerability) {
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
        return keepAnswerable(candidates, tables, today, max, lexicons, answerability);
    }

    private static List<String> keepAnswerable(
            List<String> candidates,
            List<TableSchema> tables,
            LocalDate today,
            int max,
            Map<TableSchema, Lexicon> lexicons,
            Answerability answerability) {
        Set<String> kept = new LinkedHashSet<>();
        for (String candidate : candidates) {
            if (kept.size() >= max) {
                break;
            }
            if (answerability.answerable(candidate, tables, today, lexicons)) {
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
            case Metric.Constant constant -> metric.name();
            case Metric.SumProduct product -> metric.name();
            case Metric.Rate rate -> metric.name();
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
