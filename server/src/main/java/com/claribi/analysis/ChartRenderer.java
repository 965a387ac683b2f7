package com.claribi.analysis;

import com.claribi.analysis.AnalysisPayload.Chart;
import com.claribi.analysis.AnalysisPayload.Table;
import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.AxesChartStyler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders an answer's chart to PNG with XChart (SPEC §2: charts also come back as an image block).
 * Needs java.awt in headless mode and a font on the host (fontconfig + DejaVu). Rendering never
 * fails an analysis: on error the answer simply has no image.
 *
 * <p>Rendering is on every charted answer's critical path (the image block is part of the {@code
 * tools/call} result), so it is kept cheap: 640×400 (chat clients show images about that wide;
 * 800×480 cost ≈ 1.5× as much to draw and encode), drawn opaque, and encoded by {@link PngEncoder}
 * (≈ 1–3 ms instead of ImageIO's ≈ 9 ms). See docs/analysis.md, "Benchmark".
 */
final class ChartRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(ChartRenderer.class);
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int MAX_CATEGORIES = 30;
    private static final int MAX_SERIES = 10;
    private static final String[] SUFFIXES = {"", "K", "M", "B", "T"};
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BasicStroke GRID = new BasicStroke(1f);

    /** Sample charts drawn at start: the JIT compiles the paint path within a few hundred charts. */
    private static final int WARM_UP_CHARTS = 400;

    private static final AtomicBoolean WARMING = new AtomicBoolean();

    /**
     * Two long-lived daemon threads: rendering is short and CPU-bound, the analysis executor bounds
     * how many answers wait for a chart, and a thread kept warm draws faster than a new virtual
     * thread each time (6–8 ms against 6.5–10.7 ms a chart in bench/analysis, 2 vCPUs). The start-up
     * warm-up runs on one of them.
     */
    private static final Executor RENDERER = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("chart-", 0).factory());

    private ChartRenderer() {}

    /**
     * Draws sample bar, line and pie charts on one of the rendering threads, once per process. A
     * cold renderer takes 10–12 ms a chart against 4–5 ms once compiled, and compiling takes a few
     * hundred charts: without this the first users after a start wait for the JIT. It costs ≈ 2 s of
     * one core in the background.
     */
    static void warmUpInBackground() {
        if (WARMING.compareAndSet(false, true)) {
            RENDERER.execute(() -> warmUp(WARM_UP_CHARTS));
        }
    }

    /** Renders {@code charts} sample charts of the three kinds answers use; returns the bytes drawn. */
    static long warmUp(int charts) {
        AnalysisPayload.Column region = new AnalysisPayload.Column("region", "string");
        AnalysisPayload.Column revenue = new AnalysisPayload.Column("revenue", "number");
        Table regions = new Table(
                List.of(region, revenue),
                List.of(
                        List.of("North America", 5_920_000.5),
                        List.of("EMEA", 4_310_000.25),
                        List.of("APAC", 3_120_000.0),
                        List.of("LATAM", 1_040_000.75)));
        List<List<Object>> monthRows = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            monthRows.add(List.of(LocalDate.of(2025, month, 1).toString(), 400_000.0 + month * 12_345.6));
        }
        Table months = new Table(List.of(new AnalysisPayload.Column("period", "date"), revenue), monthRows);
        Chart bar = new Chart("bar", "region", List.of("revenue"), null);
        Chart line = new Chart("line", "period", List.of("revenue"), null);
        Chart pie = new Chart("pie", "region", List.of("revenue"), null);
        long bytes = 0;
        for (int index = 0; index < charts; index++) {
            Optional<byte[]> png = switch (index % 3) {
                case 0 -> png("Total revenue by region in 2025", bar, regions);
                case 1 -> png("Monthly total revenue in 2025", line, months);
                default -> png("Share of total revenue by region", pie, regions);
            };
            bytes += png.map(image -> image.length).orElse(0);
        }
        return bytes;
    }

    /**
     * Starts rendering {@code answer}'s chart on a rendering thread, titled by its headline (or the
     * question); already complete and empty when the answer has no chart or table. Never completes
     * exceptionally.
     */
    static CompletableFuture<Optional<byte[]>> pngLater(String question, AnalysisPayload.Answer answer) {
        if (answer.chart() == null || answer.table() == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.supplyAsync(() -> png(question, answer), RENDERER);
    }

    /** {@code answer}'s chart as PNG, titled by its headline (or the question), when it has one. */
    static Optional<byte[]> png(String question, AnalysisPayload.Answer answer) {
        if (answer.chart() == null || answer.table() == null) {
            return Optional.empty();
        }
        String title = answer.headline() == null ? question : answer.headline().label();
        return png(title, answer.chart(), answer.table());
    }

    static Optional<byte[]> png(String title, Chart chart, Table table) {
        if (chart == null || table.rows().isEmpty()) {
            return Optional.empty();
        }
        System.setProperty("java.awt.headless", "true");
        try {
            IChart rendered = switch (chart.type()) {
                case "line" -> line(title, chart, table);
                case "pie" -> pie(title, table);
                default -> bar(title, chart, table);
            };
            if (rendered == null) {
                return Optional.empty();
            }
            // Opaque RGB, not XChart's BitmapEncoder ARGB image: no alpha to composite or encode.
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = image.createGraphics();
            try {
                rendered.paint(graphics, WIDTH, HEIGHT);
            } finally {
                graphics.dispose();
            }
            return Optional.of(PngEncoder.encode(image));
        } catch (RuntimeException | Error e) {
            LOG.warn("chart rendering failed: {}", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * The value axis reads "450M" rather than "450,000,000" (shorter to read, and fewer glyphs to
     * fill: text outlines are most of the paint time), over solid grid lines (XChart's default dashed
     * ones cost the dasher ≈ 10 % of a chart).
     */
    private static void valueAxis(AxesChartStyler styler) {
        styler.setYAxisTickLabelsFormattingFunction(ChartRenderer::compact);
        styler.setPlotGridLinesStroke(GRID);
    }

    /** 1234 → "1.23K", 450000000 → "450M", 0.25 → "0.25": two decimals at most, then K, M, B or T. */
    static String compact(Double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        int step = 0;
        BigDecimal scaled = rounded(value);
        while (scaled.abs().compareTo(THOUSAND) >= 0 && step < SUFFIXES.length - 1) {
            step++;
            scaled = rounded(value / Math.pow(1000, step));
        }
        return (scaled.signum() == 0 ? "0" : scaled.toPlainString()) + SUFFIXES[step];
    }

    private static BigDecimal rounded(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    private static int columnIndex(Table table, String name) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0.0;
    }

    private static String shorten(Object value) {
        String text = String.valueOf(value);
        return text.length() > 24 ? text.substring(0, 23) + "…" : text;
    }

    private static CategoryChart bar(String title, Chart chart, Table table) {
        CategoryChart bar = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(chart.x())
                .build();
        bar.getStyler()
                .setLegendVisible(
                        chart.y().size() > 1 || table.columns().size() > 3 && columnIndex(table, "share") < 0);
        bar.getStyler().setXAxisLabelRotation(table.rows().size() > 6 ? 45 : 0);
        valueAxis(bar.getStyler());
        bar.getStyler().setPlotGridVerticalLinesVisible(false);
        int x = columnIndex(table, chart.x());
        if (chart.y().size() >= 2
                && columnIndex(table, chart.y().get(1)) >= 0
                && !chart.y().get(1).equals("share")) {
            for (String series : new LinkedHashSet<>(chart.y())) {
                // XChart refuses a series name used twice
                int y = columnIndex(table, series);
                List<String> xs = new ArrayList<>();
                List<Number> ys = new ArrayList<>();
                for (List<Object> row : table.rows()
                        .subList(0, Math.min(MAX_CATEGORIES, table.rows().size()))) {
                    xs.add(shorten(row.get(x)));
                    ys.add(number(row.get(y)));
                }
                bar.addSeries(series, xs, ys);
            }
            return bar;
        }
        int y = columnIndex(table, chart.y().getFirst());
        boolean twoDimensions = table.columns().size() >= 3 && y == 2 && x == 0;
        if (twoDimensions) {
            Map<String, Map<String, Number>> series = new LinkedHashMap<>();
            List<String> categories = new ArrayList<>();
            for (List<Object> row : table.rows()) {
                String category = shorten(row.get(0));
                if (!categories.contains(category)) {
                    if (categories.size() >= MAX_CATEGORIES) {
                        continue;
                    }
                    categories.add(category);
                }
                String name = shorten(row.get(1));
                if (series.size() >= MAX_SERIES && !series.containsKey(name)) {
                    continue;
                }
                series.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(category, number(row.get(2)));
            }
            for (Map.Entry<String, Map<String, Number>> entry : series.entrySet()) {
                List<Number> ys = categories.stream()
                        .map(c -> entry.getValue().getOrDefault(c, 0.0))
                        .toList();
                bar.addSeries(entry.getKey(), categories, ys);
            }
            bar.getStyler().setLegendVisible(true);
            return bar;
        }
        List<String> xs = new ArrayList<>();
        List<Number> ys = new ArrayList<>();
        for (List<Object> row :
                table.rows().subList(0, Math.min(MAX_CATEGORIES, table.rows().size()))) {
            xs.add(shorten(row.get(x)));
            ys.add(number(row.get(y)));
        }
        bar.addSeries(chart.y().getFirst(), xs, ys);
        bar.getStyler().setLegendVisible(false);
        return bar;
    }

    private static PieChart pie(String title, Table table) {
        PieChart pie =
                new PieChartBuilder().width(WIDTH).height(HEIGHT).title(title).build();
        int shown = 0;
        double rest = 0;
        for (List<Object> row : table.rows()) {
            if (shown < MAX_SERIES) {
                pie.addSeries(shorten(row.get(0)) + " ", number(row.get(1)));
                shown++;
            } else {
                rest += number(row.get(1)).doubleValue();
            }
        }
        if (rest > 0) {
            pie.addSeries("other", rest);
        }
        return pie;
    }

    private static XYChart line(String title, Chart chart, Table table) {
        XYChart line = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle("period")
                .build();
        line.getStyler().setDatePattern("yyyy-MM-dd");
        valueAxis(line.getStyler());
        int y = columnIndex(table, chart.y().getFirst());
        boolean byDimension = table.columns().size() >= 3;
        Map<String, List<Date>> xs = new LinkedHashMap<>();
        Map<String, List<Number>> ys = new LinkedHashMap<>();
        for (List<Object> row : table.rows()) {
            String series = byDimension ? shorten(row.get(1)) : chart.y().getFirst();
            if (!xs.containsKey(series) && xs.size() >= MAX_SERIES) {
                continue;
            }
            LocalDate date = LocalDate.parse(String.valueOf(row.get(0)).substring(0, 10));
            xs.computeIfAbsent(series, k -> new ArrayList<>())
                    .add(Date.from(date.atStartOfDay(ZoneOffset.UTC).toInstant()));
            ys.computeIfAbsent(series, k -> new ArrayList<>()).add(number(row.get(y)));
        }
        for (String series : xs.keySet()) {
            line.addSeries(series, xs.get(series), ys.get(series));
        }
        line.getStyler().setLegendVisible(byDimension);
        return line;
    }
}
