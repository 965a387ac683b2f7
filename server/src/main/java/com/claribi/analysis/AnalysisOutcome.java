package com.claribi.analysis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
     * @param chart the chart being rendered as PNG (empty when the answer has no chart), started
     *     when the answer was known so that it draws while the caller stores the answer
     */
    record Answered(
            AnalysisPayload.Answer answer,
            List<String> followUpQuestions,
            List<AnalysisPayload.ToolCall> toolTrace,
            List<String> dataSourcesUsed,
            CompletableFuture<Optional<byte[]>> chart)
            implements AnalysisOutcome {
        public Answered {
            Objects.requireNonNull(answer, "answer");
            followUpQuestions = List.copyOf(followUpQuestions);
            toolTrace = List.copyOf(toolTrace);
            dataSourcesUsed = List.copyOf(dataSourcesUsed);
            Objects.requireNonNull(chart, "chart");
        }

        /** The chart as PNG, when the answer has one, waiting for its rendering to end. */
        public Optional<byte[]> chartPng() {
            return chart.join();
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
