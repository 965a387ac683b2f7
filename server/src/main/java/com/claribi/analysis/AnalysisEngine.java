package com.claribi.analysis;

import com.claribi.analysis.AnalysisPayload.Answer;
import com.claribi.analysis.AnalysisPayload.ToolCall;
import com.claribi.platform.ClariException;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The analysis engine (issue 6): natural-language question → plan → DuckDB SQL → the §4 answer.
 * It needs no LLM; when an {@link LlmPlanner} is given, the model's validated tool call plans the
 * question first and {@link Planner} is the fallback. Thread-safe; between calls it keeps only
 * the planner's word index of each table ({@link Lexicon}, built from the schema alone), per schema
 * instance. The caller owns the DuckDB connection (one per call or per workspace, not shared between
 * threads while in use), checks and charges credits, and assigns the analysis id (see {@link
 * AnalysisPayload#of}).
 */
public final class AnalysisEngine {
    private final Clock clock;
    private final AnalysisLimits limits;
    /** The optional LLM planner (issue 6 §6), tried before {@link Planner}; null when not configured. */
    private final LlmPlanner llmPlanner;
    /**
     * Each table's {@link Lexicon} (a pure function of its {@link TableSchema}, read-only once built),
     * by schema identity: callers that keep their schemas (Analyses caches them per data source
     * version) stop re-stemming every column name and value on every question — about half of the
     * planning time. Weak keys: a schema no caller holds drops its lexicon.
     */
    private final Map<TableSchema, Lexicon> lexicons = Caffeine.newBuilder()
            .weakKeys()
            .maximumSize(1_000)
            .<TableSchema, Lexicon>build()
            .asMap();

    /**
     * Starts drawing sample charts on a background thread, once per process, so that users' first
     * charts after a start do not wait for the JIT (see {@code ChartRenderer}). Call at start-up.
     */
    public static void warmUpChartsInBackground() {
        ChartRenderer.warmUpInBackground();
    }

    /** Which follow-up candidates each table set answers (see {@link FollowUps.Answerability}). */
    private final FollowUps.Answerability answerability = new FollowUps.Answerability();

    public AnalysisEngine(Clock clock, AnalysisLimits limits) {
        this(clock, limits, Optional.empty());
    }

    /** An engine that asks {@code llmPlanner} first, when present, and falls back to {@link Planner}. */
    public AnalysisEngine(Clock clock, AnalysisLimits limits, Optional<LlmPlanner> llmPlanner) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.llmPlanner = Objects.requireNonNull(llmPlanner, "llmPlanner").orElse(null);
    }

    /** Reads a table's schema and profile straight from DuckDB, for callers without a profile. */
    public static TableSchema describe(Connection duckdb, String table, String dataSourceId, String name) {
        return SchemaReader.describe(duckdb, table, dataSourceId, name);
    }

    /**
     * Adds the distinct values of low-cardinality text columns to a schema built from ingestion's
     * profile (which keeps only the top five values); the planner matches question words to them.
     */
    public static TableSchema withValues(Connection duckdb, TableSchema schema) {
        return SchemaReader.withValues(duckdb, schema);
    }

    /**
     * Answers {@code question} from {@code tables} (all in {@code duckdb}). Bad input (blank or
     * over-long question) throws {@link ClariException} with INVALID_ARGUMENT; a question the data
     * cannot answer is an {@link AnalysisOutcome.Unanswerable}, not an exception.
     */
    public AnalysisOutcome analyze(Connection duckdb, String question, List<TableSchema> tables) {
        Objects.requireNonNull(duckdb, "duckdb");
        if (question == null || question.isBlank()) {
            throw ClariException.invalid("question must not be empty");
        }
        if (question.length() > limits.maxQuestionLength()) {
            throw ClariException.invalid("question is longer than " + limits.maxQuestionLength() + " characters");
        }
        LocalDate today = LocalDate.now(clock);
        List<TableSchema> profiled = new ArrayList<>();
        for (TableSchema table : tables) {
            profiled.add(withTimeRanges(duckdb, table));
        }
        List<ToolCall> trace = new ArrayList<>();
        // the LLM planner's valid plan replaces Planner's; on any failure Planner plans as without it
        Planner.Outcome llmOutcome = null;
        if (llmPlanner != null) {
            LlmPlanner.Attempt attempt = llmPlanner.plan(question, profiled, today);
            trace.add(llmPlanner.traceStep(attempt));
            if (attempt instanceof LlmPlanner.Attempt.Planned planned) {
                llmOutcome = new Planner.Planned(planned.plan());
            }
        }
        long started = System.nanoTime();
        Planner.Outcome outcome = llmOutcome != null ? llmOutcome : Planner.plan(question, profiled, today, lexicons);
        long planMs = (System.nanoTime() - started) / 1_000_000;
        switch (outcome) {
            case Planner.Refused refused -> {
                TableSchema table =
                        refused.table() != null ? refused.table() : profiled.isEmpty() ? null : profiled.getFirst();
                trace.add(new ToolCall("plan", Map.of("outcome", "unanswerable"), 0, planMs));
                return unanswerable(refused.reason(), table, profiled, today, trace);
            }
            case Planner.Planned planned -> {
                Plan plan = planned.plan();
                Map<String, Object> planArguments = new LinkedHashMap<>();
                planArguments.put("intent", plan.intent.name().toLowerCase(java.util.Locale.ROOT));
                planArguments.put("data_source", plan.table.dataSourceId());
                if (llmOutcome != null) {
                    planArguments.put("planner", "llm");
                }
                trace.add(new ToolCall("plan", planArguments, 0, planMs));
                String outside = outsideData(plan);
                if (outside != null) {
                    return unanswerable(outside, plan.table, profiled, today, trace);
                }
                QueryRunner runner = new QueryRunner(duckdb, limits.rowCap(), limits.queryTimeout());
                Answer answer = new Answerer(plan, runner).answer();
                for (QueryRunner.Step step : runner.steps()) {
                    trace.add(new ToolCall(
                            step.tool(), step.arguments(), step.rows().size(), step.ms()));
                }
                // drawn on another thread while the follow-ups are chosen and the caller stores the answer
                CompletableFuture<Optional<byte[]>> chart = ChartRenderer.pngLater(question, answer);
                List<String> followUps = FollowUps.after(plan, profiled, today, 4, lexicons, answerability);
                return new AnalysisOutcome.Answered(
                        answer, followUps, trace, List.of(plan.table.dataSourceId()), chart);
            }
        }
    }

    /** A refusal, with questions this data can answer. */
    private AnalysisOutcome unanswerable(
            String reason, TableSchema table, List<TableSchema> tables, LocalDate today, List<ToolCall> trace) {
        List<String> suggestions =
                table == null ? List.of() : FollowUps.suggestions(table, tables, today, 4, lexicons, answerability);
        String text = reason
                + (suggestions.isEmpty() ? "" : " Questions this data can answer: " + String.join(" ", suggestions));
        Answer answer = new Answer(text, null, null, null, null, null, List.of(reason));
        return new AnalysisOutcome.Unanswerable(
                reason, answer, suggestions, trace, table == null ? List.of() : List.of(table.dataSourceId()));
    }

    /** A window wholly outside the data is answered plainly as "no data for that period". */
    static String outsideData(Plan plan) {
        if (plan.timeColumn == null || plan.window == null) {
            return null;
        }
        LocalDate min = Planner.parseDate(plan.timeColumn.min());
        LocalDate max = Planner.parseDate(plan.timeColumn.max());
        if (min == null || max == null) {
            return null;
        }
        boolean first = plan.window.overlaps(min, max);
        boolean second = plan.compareWindow == null || plan.compareWindow.overlaps(min, max);
        if (first && (second || plan.intent != Plan.Intent.COMPARE)) {
            return null;
        }
        Window missing = first ? plan.compareWindow : plan.window;
        return "'" + plan.table.name() + "' has data from " + min + " to " + max + ", so there is nothing for "
                + missing.label() + ".";
    }

    /** Fills min/max of time columns when the profile lacks them (needed to read relative phrases). */
    private static TableSchema withTimeRanges(Connection duckdb, TableSchema table) {
        boolean missing = table.columns().stream()
                .anyMatch(c -> c.role() == ColumnRole.TIME && (c.min() == null || c.max() == null));
        if (!missing) {
            return table;
        }
        List<ColumnInfo> columns = new ArrayList<>();
        try (Statement statement = duckdb.createStatement()) {
            for (ColumnInfo column : table.columns()) {
                if (column.role() == ColumnRole.TIME && (column.min() == null || column.max() == null)) {
                    String q = QueryRunner.quote(column);
                    try (var result = statement.executeQuery("SELECT CAST(MIN(" + q + ") AS VARCHAR), CAST(MAX(" + q
                            + ") AS VARCHAR) FROM " + QueryRunner.quoteTable(table.table()))) {
                        result.next();
                        column = new ColumnInfo(
                                column.name(),
                                column.type(),
                                column.role(),
                                column.values(),
                                column.distinctCount(),
                                result.getString(1),
                                result.getString(2));
                    }
                }
                columns.add(column);
            }
        } catch (SQLException e) {
            return table;
        }
        return new TableSchema(table.dataSourceId(), table.name(), table.table(), columns, table.rowCount());
    }
}
