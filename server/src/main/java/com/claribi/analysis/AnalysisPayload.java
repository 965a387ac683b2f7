package com.claribi.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code run_analysis} answer payload of SPEC §4, field for field. Serialise it with {@code
 * Json.mapper()}; null fields are left out (for example {@code result.value} for a table answer).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnalysisPayload(
        @JsonProperty("analysis_id") String analysisId,
        String status,
        String question,
        Answer answer,
        @JsonProperty("follow_up_questions") List<String> followUpQuestions,
        @JsonProperty("tool_trace") List<ToolCall> toolTrace,
        @JsonProperty("data_sources_used") List<String> dataSourcesUsed,
        @JsonProperty("credits_used") Integer creditsUsed,
        @JsonProperty("credits_remaining") Integer creditsRemaining) {
    public AnalysisPayload {
        Objects.requireNonNull(analysisId, "analysisId");
        Objects.requireNonNull(status, "status");
        if (!List.of("completed", "running", "failed").contains(status)) {
            throw new IllegalArgumentException("status must be completed, running or failed");
        }
        followUpQuestions = followUpQuestions == null ? List.of() : List.copyOf(followUpQuestions);
        toolTrace = toolTrace == null ? List.of() : List.copyOf(toolTrace);
        dataSourcesUsed = dataSourcesUsed == null ? List.of() : List.copyOf(dataSourcesUsed);
    }

    /**
     * The payload for a finished analysis. An unanswerable question is reported as {@code failed}
     * with a plain explanation in {@code answer.text} and answerable questions as follow-ups; it
     * carries no result and (by the credit rule of issue 6) should be charged nothing.
     */
    public static AnalysisPayload of(
            String analysisId,
            String question,
            AnalysisOutcome outcome,
            Integer creditsUsed,
            Integer creditsRemaining) {
        String status = switch (outcome) {
            case AnalysisOutcome.Answered answered -> "completed";
            case AnalysisOutcome.Unanswerable unanswerable -> "failed";
        };
        return new AnalysisPayload(
                analysisId,
                status,
                question,
                outcome.answer(),
                outcome.followUpQuestions(),
                outcome.toolTrace(),
                outcome.dataSourcesUsed(),
                creditsUsed,
                creditsRemaining);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Answer(
            String text,
            Result result,
            Headline headline,
            Table table,
            Chart chart,
            Interpretation interpretation,
            List<String> notes) {
        public Answer {
            Objects.requireNonNull(text, "text");
            notes = notes == null ? List.of() : List.copyOf(notes);
        }
    }

    /** The direct answer; {@code value} is absent for {@code table} results (the table holds it). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String type, Object value) {
        public Result {
            if (!List.of("number", "category", "boolean", "list", "table").contains(type)) {
                throw new IllegalArgumentException("unknown result type " + type);
            }
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Headline(String label, Object value, String formatted, String unit) {}

    /** Raw values per row (numbers, strings, booleans, ISO dates), never formatted strings. */
    public record Table(List<Column> columns, List<List<Object>> rows) {
        public Table {
            columns = List.copyOf(columns);
            List<List<Object>> copy = new ArrayList<>(rows.size());
            for (List<Object> row : rows) {
                copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = Collections.unmodifiableList(copy);
        }
    }

    /** {@code type} is one of string, number, date, boolean. */
    public record Column(String name, String type) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chart(
            String type,
            String x,
            List<String> y,
            @JsonProperty("vega_lite") Map<String, Object> vegaLite) {
        public Chart {
            if (!List.of("bar", "line", "pie", "scatter", "table").contains(type)) {
                throw new IllegalArgumentException("unknown chart type " + type);
            }
            y = y == null ? List.of() : List.copyOf(y);
            vegaLite = vegaLite == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(vegaLite));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Interpretation(
            String metric,
            String aggregation,
            List<String> dimensions,
            List<Filter> filters,
            @JsonProperty("time_range") TimeRange timeRange) {
        public Interpretation {
            dimensions = dimensions == null ? List.of() : List.copyOf(dimensions);
            filters = filters == null ? List.of() : List.copyOf(filters);
        }
    }

    /** One filter as applied: {@code op} is one of =, in, >, >=, <, <=, between. */
    public record Filter(String column, String op, Object value) {}

    /** Inclusive ISO-8601 dates. */
    public record TimeRange(String start, String end, String label) {}

    public record ToolCall(String tool, Map<String, Object> arguments, long rows, long ms) {
        public ToolCall {
            arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        }
    }
}
