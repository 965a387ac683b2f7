package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlongLineScanTest {
    private static final IngestLimits SMALL =
            new IngestLimits(2_000, 1024, 64, 1 << 20, 100, 1 << 30, 200, 1000, 10, 1000, 1000, Duration.ofMinutes(1));

    @TempDir
    Path folder;

    @Test
    void manyShortLinesPass() throws Exception {
        Path file = folder.resolve("short.csv");
        Files.writeString(file, "a,b\n" + "1,22\n".repeat(10_000));

        assertThatCode(() -> CsvLoader.refuseOverlongLines(file, SMALL, Deadline.after(Duration.ofMinutes(1))))
                .doesNotThrowAnyException();
    }

    @Test
    void aLongLineAnywhereIsNamedByItsNumber() throws Exception {
        for (int extra = 0; extra < 9; extra++) {
            Path file = folder.resolve("long" + extra + ".csv");
            Files.writeString(file, "a,b\n1,2\n" + "x".repeat(1025 + extra) + "\n3,4\n" + "5,6\n".repeat(500));

            assertThatThrownBy(() -> CsvLoader.refuseOverlongLines(file, SMALL, Deadline.after(Duration.ofMinutes(1))))
                    .isInstanceOf(ClariException.class)
                    .hasMessage("line 3 is longer than 1 KB, the limit for one line or field");
        }
    }

    @Test
    void aLongLastLineWithoutNewlineIsRefused() throws Exception {
        Path file = folder.resolve("tail.csv");
        Files.writeString(file, "a\n" + "y".repeat(3000));

        assertThatThrownBy(() -> CsvLoader.refuseOverlongLines(file, SMALL, Deadline.after(Duration.ofMinutes(1))))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("line 2");
    }
}
