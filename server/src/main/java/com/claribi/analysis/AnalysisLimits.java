package com.claribi.analysis;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one analysis.
 *
 * @param rowCap most rows any answer table holds (a note says when it applied)
 * @param queryTimeout longest any one DuckDB query may run (whole seconds; at least 1 s)
 * @param maxQuestionLength longest question accepted, in characters
 */
public record AnalysisLimits(int rowCap, Duration queryTimeout, int maxQuestionLength) {
    public AnalysisLimits {
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        if (rowCap < 1 || maxQuestionLength < 1 || queryTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("limits must be positive and the timeout at least one second");
        }
    }

    public static AnalysisLimits defaults() {
        return new AnalysisLimits(1000, Duration.ofSeconds(20), 1000);
    }
}
