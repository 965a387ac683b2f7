package com.claribi.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChartRendererTest {
    @Test
    void theStartUpWarmUpDrawsARealChartOfEachKind() {
        long oneOfEach = ChartRenderer.warmUp(3);
        long twoOfEach = ChartRenderer.warmUp(6);

        // every sample chart is a PNG of several kilobytes, drawn the same way each time
        assertThat(oneOfEach).isGreaterThan(3 * 5_000L);
        assertThat(twoOfEach).isEqualTo(2 * oneOfEach);
    }
}
