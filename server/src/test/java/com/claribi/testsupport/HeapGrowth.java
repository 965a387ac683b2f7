package com.claribi.testsupport;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Measures how much the Java heap grows while an action runs, as an upper bound, for tests that
 * must show a parser stays within a heap budget (SPEC §6, issue 5: parser bombs under 256 MB).
 *
 * <p>Method: {@code System.gc()} (a full, stop-the-world collection under G1 unless the JVM runs
 * with {@code -XX:+ExplicitGCInvokesConcurrent} or {@code -XX:+DisableExplicitGC}, which {@link
 * #measure} refuses) so the baseline is the live heap; the baseline is the sum of the heap pools'
 * current use; every heap pool's peak is reset; the action runs; the growth is the sum of the
 * pools' peaks minus the baseline.
 *
 * <p>Why this is an upper bound under G1: between collections a heap pool's use only grows
 * (memory is freed only by a collection); HotSpot records every pool's peak at the start and end of
 * every collection (young, mixed, full, remark and cleanup pauses) and again when the peak is
 * read, so each pool's recorded peak is at least its true maximum. Summing the pools' peaks adds
 * maxima that may have happened at different moments (Eden just before one collection, Old later),
 * and Eden counts garbage not yet collected; both only over-count. The slack below the bound: G1
 * adds an Eden region (1–32 MB; 4 MB for a 6 GB heap) to the pool's use when the region is retired,
 * so the region being filled when the peak is read may be missing — under one region per
 * measurement. Humongous objects (at least half a region) are counted in Old Gen as they are
 * allocated. Allocations by other threads during the action are counted too (tests run one at a
 * time; over-counting again). Native memory (DuckDB's own buffers, direct byte buffers, mapped
 * files) is not part of the heap and is not measured.
 *
 * <p>Checked once by hand (not committed): a CSV line scan replaced by a naive parser that reads the
 * 100 MB-field file whole and splits it into lines measured 316 MB and failed the 256 MB check; a
 * 300 MB array allocated and dropped at once measured 304 MB; 300 MB of 64 KB garbage measured
 * 116 MB (young collections freed it as it went, so the heap never held more).
 */
public final class HeapGrowth {
    private HeapGrowth() {}

    /**
     * What one action did to the heap. All values in bytes.
     *
     * @param poolPeaks each heap pool's own peak (e.g. G1 Eden Space, G1 Old Gen), summed in {@code peak}
     */
    public record Measurement(long baseline, long peak, long afterCollection, Map<String, Long> poolPeaks) {
        public Measurement {
            poolPeaks = Map.copyOf(poolPeaks);
        }

        /** Peak use during the action above the live heap before it; never negative. */
        public long growth() {
            return Math.max(0, peak - baseline);
        }

        /** Live heap after the action and a full collection, above the baseline (a leak shows here). */
        public long retained() {
            return afterCollection - baseline;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "peak heap growth %.1f MB (live before %.1f MB, peak %.1f MB = %s, live after %.1f MB)",
                    mb(growth()),
                    mb(baseline),
                    mb(peak),
                    new TreeMap<>(poolPeaks)
                            .entrySet().stream()
                                    .map(entry ->
                                            String.format(Locale.ROOT, "%s %.1f", entry.getKey(), mb(entry.getValue())))
                                    .collect(Collectors.joining(" + ")),
                    mb(afterCollection));
        }

        private static double mb(long bytes) {
            return bytes / (1024.0 * 1024.0);
        }
    }

    /** An action that may throw anything; its failure is rethrown after the measurement. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} and measures the heap's peak growth while it ran. */
    public static Measurement measure(Action action) throws Exception {
        requireExplicitFullGc();
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isValid())
                .toList();
        collect();
        long baseline =
                pools.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        action.run();
        Map<String, Long> poolPeaks = new LinkedHashMap<>();
        pools.forEach(pool -> poolPeaks.put(pool.getName(), pool.getPeakUsage().getUsed()));
        long peak = poolPeaks.values().stream().mapToLong(Long::longValue).sum();
        collect();
        long after = pools.stream().mapToLong(pool -> pool.getUsage().getUsed()).sum();
        return new Measurement(baseline, peak, after, poolPeaks);
    }

    private static void collect() {
        // Twice: the first full collection may leave objects whose finalization or reference
        // processing frees more on the second.
        System.gc();
        System.gc();
    }

    private static void requireExplicitFullGc() {
        List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (arguments.contains("-XX:+DisableExplicitGC") || arguments.contains("-XX:+ExplicitGCInvokesConcurrent")) {
            throw new IllegalStateException(
                    "HeapGrowth needs System.gc() to be a full collection; the JVM runs with " + arguments);
        }
    }
}
