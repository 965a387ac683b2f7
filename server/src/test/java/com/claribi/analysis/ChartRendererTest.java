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

    @Test
    void valueAxisLabelsAreCompact() {
        assertThat(ChartRenderer.compact(0.0)).isEqualTo("0");
        assertThat(ChartRenderer.compact(0.25)).isEqualTo("0.25");
        assertThat(ChartRenderer.compact(-0.004)).isEqualTo("0");
        assertThat(ChartRenderer.compact(950.0)).isEqualTo("950");
        assertThat(ChartRenderer.compact(1_234.0)).isEqualTo("1.23K");
        assertThat(ChartRenderer.compact(-2_500_000.0)).isEqualTo("-2.5M");
        assertThat(ChartRenderer.compact(450_000_000.0)).isEqualTo("450M");
        assertThat(ChartRenderer.compact(999_999.0)).isEqualTo("1M");
        assertThat(ChartRenderer.compact(1.25e9)).isEqualTo("1.25B");
        assertThat(ChartRenderer.compact(3e15)).isEqualTo("3000T");
        assertThat(ChartRenderer.compact(Double.NaN)).isEqualTo("NaN");
    }
}
