package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
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

    @Test
    void linesOfExactlyTheLimitPassAtEveryOffsetAndOneByteMoreIsRefused() throws Exception {
        for (int offset = 0; offset < 1024; offset += 37) {
            Path exact = folder.resolve("exact" + offset + ".csv");
            Files.writeString(exact, "x".repeat(offset) + "\n" + ("y".repeat(1024) + "\n").repeat(6));
            Path over = folder.resolve("over" + offset + ".csv");
            Files.writeString(over, "x".repeat(offset) + "\n" + "y".repeat(1024) + "\n" + "z".repeat(1025) + "\n");

            assertThatCode(() -> CsvLoader.refuseOverlongLines(exact, SMALL, Deadline.after(Duration.ofMinutes(1))))
                    .doesNotThrowAnyException();
            assertThatThrownBy(() -> CsvLoader.refuseOverlongLines(over, SMALL, Deadline.after(Duration.ofMinutes(1))))
                    .hasMessageStartingWith("line 3 ");
        }
    }

    @Test
    void theSparseLookAgreesWithAFullCountOnRandomFiles() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            int longest = 0;
            int firstOverlong = -1;
            int lines = 1 + random.nextInt(40);
            for (int line = 1; line <= lines; line++) {
                int length = random.nextInt(10) == 0 ? 900 + random.nextInt(200) : random.nextInt(300);
                text.append("a".repeat(length)).append('\n');
                longest = Math.max(longest, length);
                if (length > 1024 && firstOverlong < 0) {
                    firstOverlong = line;
                }
            }
            Path file = folder.resolve("random" + round + ".csv");
            Files.writeString(file, text);

            if (firstOverlong < 0) {
                assertThatCode(() -> CsvLoader.refuseOverlongLines(file, SMALL, Deadline.after(Duration.ofMinutes(1))))
                        .as("round %d, longest line %d", round, longest)
                        .doesNotThrowAnyException();
            } else {
                assertThatThrownBy(
                                () -> CsvLoader.refuseOverlongLines(file, SMALL, Deadline.after(Duration.ofMinutes(1))))
                        .as("round %d", round)
                        .hasMessageStartingWith("line " + firstOverlong + " is longer than 1 KB");
            }
        }
    }

    @Test
    void theSparseLookFindsAWindowWithoutANewlineAndReadsLittleOfAnOrdinaryFile() throws Exception {
        Path ordinary = folder.resolve("ordinary.csv");
        Files.writeString(ordinary, "1,2,3\n".repeat(100_000));
        Path gap = folder.resolve("gap.csv");
        Files.writeString(gap, "1,2,3\n".repeat(1000) + "q".repeat(1023) + "\n" + "1,2,3\n".repeat(1000));

        try (var channel = java.nio.channels.FileChannel.open(ordinary)) {
            assertThat(CsvLoader.everyWindowHoldsANewline(
                            channel, channel.size(), 512, Deadline.after(Duration.ofMinutes(1))))
                    .isTrue();
        }
        try (var channel = java.nio.channels.FileChannel.open(gap)) {
            assertThat(CsvLoader.everyWindowHoldsANewline(
                            channel, channel.size(), 512, Deadline.after(Duration.ofMinutes(1))))
                    .isFalse();
        }
        // a 1,023-byte line covers a whole 512-byte window yet is within the 1 KB limit: the exact count decides and
        // lets it pass
        assertThatCode(() -> CsvLoader.refuseOverlongLines(gap, SMALL, Deadline.after(Duration.ofMinutes(1))))
                .doesNotThrowAnyException();
    }
}
