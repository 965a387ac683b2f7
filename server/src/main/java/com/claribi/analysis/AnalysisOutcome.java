package com.claribi.analysis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AnalysisEngine#analyze} produced: an answer, or an honest refusal that explains why
 * and suggests questions this data can answer. Only {@link Answered} should consume a credit.
 */
public sealed interface AnalysisOutcome {
    AnalysisPayload.Answer answer();

    List<String> followUpQuestions();

    List<AnalysisPayload.ToolCall> toolTrace();

    List<String> dataSourcesUsed();

    /**
     * @param chartPng the chart rendered as PNG, when the answer has a chart
     */
    record Answered(
            AnalysisPayload.Answer answer,
            List<String> followUpQuestions,
            List<AnalysisPayload.ToolCall> toolTrace,
            List<String> dataSourcesUsed,
            Optional<byte[]> chartPng)
            implements AnalysisOutcome {
        public Answered {
            Objects.requireNonNull(answer, "answer");
            followUpQuestions = List.copyOf(followUpQuestions);
            toolTrace = List.copyOf(toolTrace);
            dataSourcesUsed = List.copyOf(dataSourcesUsed);
            Objects.requireNonNull(chartPng, "chartPng");
        }
    }

    /** @param reason why the question cannot be answered, safe to show as is */
    record Unanswerable(
            String reason,
            AnalysisPayload.Answer answer,
            List<String> followUpQuestions,
            List<AnalysisPayload.ToolCall> toolTrace,
            List<String> dataSourcesUsed)
            implements AnalysisOutcome {
        public Unanswerable {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(answer, "answer");
            followUpQuestions = List.copyOf(followUpQuestions);
            toolTrace = List.copyOf(toolTrace);
            dataSourcesUsed = List.copyOf(dataSourcesUsed);
        }
    }
}
