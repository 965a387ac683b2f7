package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.testsupport.HeapGrowth;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §6 bounded parsers: each bomb is refused with a typed error, grows the Java heap by less than
 * 256 MB while it is processed (measured by {@link HeapGrowth}: an upper bound from the heap pools'
 * peaks), leaves no table behind, and the next ingestion on the same connection works. Timeouts
 * are generous hang guards, not benchmarks; each refusal's time and heap growth are printed.
 */
@Timeout(120)
class BoundedParsersTest {
    /** Issue 5: a parser bomb may grow the heap by less than this. */
    static final long HEAP_BUDGET = 256L * 1024 * 1024;

    @TempDir
    Path folder;

    private DuckWorkspace workspace;
    private String testName;
    private final Ingestor ingestor = new Ingestor(IngestLimits.defaults(), Clock.systemUTC());

    @BeforeEach
    void open(TestInfo info) throws SQLException {
        workspace = new DuckWorkspace(folder);
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse(info.getDisplayName());
    }

    @AfterEach
    void close() throws SQLException {
        workspace.close();
    }

    /** Ingests {@code file}, expecting a refusal, and checks the heap stayed within the budget. */
    private ClariException refusal(Path file, SourceFormat format) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        long[] nanos = new long[1];
        HeapGrowth.Measurement heap = HeapGrowth.measure(() -> {
            long start = System.nanoTime();
            thrown.set(catchThrowable(() -> ingestor.ingest(workspace.connection, file, format, "bomb")));
            nanos[0] = System.nanoTime() - start;
        });
        System.out.printf(
                Locale.ROOT,
                "[bomb] %s (%s, %,d bytes): refused in %.2f s; %s%n",
                testName,
                format.wireName(),
                Files.size(file),
                nanos[0] / 1e9,
                heap);
        assertThat(thrown.get()).isInstanceOf(ClariException.class);
        assertThat(heap.growth())
                .as("heap growth while refusing %s: %s", file.getFileName(), heap)
                .isLessThan(HEAP_BUDGET);
        return (ClariException) thrown.get();
    }

    /** Nothing visible, not even staging tables, and a normal file loads afterwards. */
    private void assertCleanAndHealthy() throws Exception {
        assertThat(workspace.tables()).isEmpty();
        Ingestor.Result next = ingestor.ingest(
                workspace.connection, workspace.fixture("customers_latin1.csv"), SourceFormat.CSV, "after");
        assertThat(next.profile().rowCount()).isEqualTo(5);
    }

    @Test
    void zipBombXlsxIsRefused() throws Exception {
        Path bomb = folder.resolve("bomb.xlsx");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
            zip.write("<Types/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            byte[] spaces = new byte[1024 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int index = 0; index < 200; index++) {
                zip.write(spaces);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(2 * 1024 * 1024);

        ClariException error = refusal(bomb, SourceFormat.EXCEL);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("zip bomb");
        assertCleanAndHealthy();
    }

    @Test
    void xlsxWithTooManyPartsIsRefused() throws Exception {
        Path bomb = folder.resolve("parts.xlsx");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bomb))) {
            for (int index = 0; index < 2_500; index++) {
                zip.putNextEntry(new ZipEntry("xl/part" + index + ".xml"));
                zip.write('x');
            }
        }

        ClariException error = refusal(bomb, SourceFormat.EXCEL);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("more than 2000 parts");
        assertCleanAndHealthy();
    }

    @Test
    void billionLaughsInsideAnXlsxIsRefused() throws Exception {
        Path source = workspace.fixture("sales_export.xlsx");
        Path bomb = folder.resolve("laughs.xlsx");
        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [
                 <!ENTITY lol "lol">
                 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
                 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
                 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
                 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
                 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
                 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
                 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
                ]>
                <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>
                """;
        try (ZipFile in = new ZipFile(source.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(entry.getName()));
                if (entry.getName().equals("xl/sharedStrings.xml")) {
                    out.write(laughs.getBytes(StandardCharsets.UTF_8));
                } else {
                    try (InputStream part = in.getInputStream(entry)) {
                        part.transferTo(out);
                    }
                }
            }
        }

        ClariException error = refusal(bomb, SourceFormat.EXCEL);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("document type declaration");
        assertCleanAndHealthy();
    }

    @Test
    void tenThousandDeepJsonIsRefused() throws Exception {
        Path bomb = folder.resolve("deep.json");
        Files.writeString(bomb, "[".repeat(10_000) + "]".repeat(10_000));

        ClariException error = refusal(bomb, SourceFormat.JSON);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("nested too deeply");
        assertCleanAndHealthy();
    }

    @Test
    void deeplyNestedObjectsInsideRowsAreRefused() throws Exception {
        Path bomb = folder.resolve("deep-objects.ndjson");
        Files.writeString(bomb, "{\"a\":1}\n" + "{\"x\":".repeat(10_000) + "1" + "}".repeat(10_000) + "\n");

        ClariException error = refusal(bomb, SourceFormat.JSON);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertCleanAndHealthy();
    }

    @Test
    void malformedJsonIsAnInvalidArgumentWithItsPosition() throws Exception {
        Path broken = folder.resolve("broken.json");
        Files.writeString(broken, "[{\"a\": 1}, {\"a\": 2,,}]");

        ClariException error = refusal(broken, SourceFormat.JSON);

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).contains("not valid JSON at line 1");
        assertCleanAndHealthy();
    }

    @Test
    void csvWithAMillionColumnsIsRefused() throws Exception {
        Path bomb = folder.resolve("wide.csv");
        try (BufferedWriter writer = Files.newBufferedWriter(bomb)) {
            for (int index = 0; index < 1_000_000; index++) {
                writer.write(index == 0 ? "c0" : ",c" + index);
            }
            writer.write("\n1\n");
        }

        ClariException error = refusal(bomb, SourceFormat.CSV);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("1,000,000 columns").contains("at most 2,000");
        assertCleanAndHealthy();
    }

    @Test
    void csvWithAHundredMegabyteFieldIsRefused() throws Exception {
        Path bomb = folder.resolve("field.csv");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(bomb))) {
            out.write("id,note\n1,short\n2,\"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1024 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            for (int index = 0; index < 100; index++) {
                out.write(chunk);
            }
            out.write("\"\n3,end\n".getBytes(StandardCharsets.US_ASCII));
        }

        ClariException error = refusal(bomb, SourceFormat.CSV);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("longer than 8 MB");
        assertCleanAndHealthy();
    }

    @Test
    void raggedCsvNamesTheLineAndBothFieldCounts() throws Exception {
        Path ragged = folder.resolve("ragged.csv");
        StringBuilder text = new StringBuilder("a,b,c\n");
        for (int index = 0; index < 1_202; index++) {
            text.append(index).append(",x,y\n");
        }
        text.append("1,2,3,4,5\n7,8,9\n");
        Files.writeString(ragged, text);

        ClariException error = refusal(ragged, SourceFormat.CSV);

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).isEqualTo("line 1,204 has 5 fields, the header has 3");
        assertCleanAndHealthy();
    }

    @Test
    void pdfWithTooManyPagesIsRefused() throws Exception {
        Path bomb = folder.resolve("pages.pdf");
        try (PDDocument document = new PDDocument()) {
            for (int index = 0; index < 1_000; index++) {
                document.addPage(new PDPage());
            }
            document.save(bomb.toFile());
        }

        ClariException error = refusal(bomb, SourceFormat.PDF);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("1,000 pages").contains("at most 500");
        assertCleanAndHealthy();
    }

    @Test
    void pdfPageWithAMillionCompressedGlyphsIsRefused() throws Exception {
        Path bomb = folder.resolve("glyphs.pdf");
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 1);
                content.newLineAtOffset(10, 10);
                String chunk = "x".repeat(10_000);
                for (int index = 0; index < 100; index++) {
                    content.showText(chunk);
                }
                content.endText();
            }
            document.save(bomb.toFile());
        }
        assertThat(Files.size(bomb)).isLessThan(200_000);

        ClariException error = refusal(bomb, SourceFormat.PDF);

        assertThat(error.code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(error.getMessage()).contains("more than 200,000 characters");
        assertCleanAndHealthy();
    }

    @Test
    void notAPdfIsAnInvalidArgument() throws Exception {
        Path fake = folder.resolve("fake.pdf");
        Files.writeString(fake, "%PDF-1.7\nthis is not really a pdf");

        assertThat(refusal(fake, SourceFormat.PDF).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertCleanAndHealthy();
    }

    @Test
    void timeLimitStopsALongParse() throws Exception {
        Ingestor hurried = new Ingestor(IngestLimits.defaults().withTimeLimit(Duration.ofMillis(1)), Clock.systemUTC());
        Path many = folder.resolve("many.ndjson");
        try (BufferedWriter writer = Files.newBufferedWriter(many)) {
            for (int index = 0; index < 200_000; index++) {
                writer.write("{\"n\":" + index + "}\n");
            }
        }

        assertThatThrownBy(() -> hurried.ingest(workspace.connection, many, SourceFormat.JSON, "slow"))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("took longer than");
        assertCleanAndHealthy();
    }

    @Test
    void failureInTheSecondSheetPublishesNoSheetAtAll() throws Exception {
        Path workbook = folder.resolve("two.xlsx");
        try (OutputStream out = Files.newOutputStream(workbook)) {
            org.dhatim.fastexcel.Workbook writer = new org.dhatim.fastexcel.Workbook(out, "test", "1.0");
            var good = writer.newWorksheet("Good");
            good.value(0, 0, "a");
            good.value(0, 1, "b");
            good.value(1, 0, 1);
            good.value(1, 1, 2);
            var wide = writer.newWorksheet("Wide");
            for (int column = 0; column < 9; column++) {
                wide.value(0, column, "h" + column);
                wide.value(1, column, column);
            }
            writer.finish();
        }
        IngestLimits narrow = new IngestLimits(
                5, 8 * 1024 * 1024, 64, 1024, 100, 1L << 30, 200, 1000, 10, 1000, 1000, Duration.ofMinutes(1));

        assertThatThrownBy(() -> new Ingestor(narrow, Clock.systemUTC())
                        .ingest(workspace.connection, workbook, SourceFormat.EXCEL, "two"))
                .isInstanceOf(ClariException.class)
                .hasMessageContaining("9 columns; at most 5");
        assertCleanAndHealthy();
    }

    @Test
    void existingTableNameIsAConflictAndTheTableIsUntouched() throws Exception {
        ingestor.ingest(workspace.connection, workspace.fixture("inventory.tsv"), SourceFormat.TSV, "taken");

        assertThatThrownBy(() -> ingestor.ingest(
                        workspace.connection, workspace.fixture("customers_latin1.csv"), SourceFormat.CSV, "taken"))
                .isInstanceOf(ClariException.class)
                .extracting(error -> ((ClariException) error).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(workspace.tables()).containsExactly("taken");
        assertThat(workspace.schema("taken")).first().isEqualTo("sku VARCHAR");
    }

    @Test
    void abandonedStagingTablesAreDroppedOnOpen() throws Exception {
        Sql.execute(
                workspace.connection, "CREATE TABLE " + Sql.ident(StagedTables.STAGING_PREFIX + "dead_0") + " (x INT)");

        assertThat(Ingestor.dropAbandonedStaging(workspace.connection)).isEqualTo(1);
        assertThat(workspace.tables()).isEmpty();
    }

    @Test
    void emptyFilesAreInvalidArguments() throws Exception {
        for (SourceFormat format : SourceFormat.values()) {
            Path empty = folder.resolve("empty." + format.wireName());
            Files.write(empty, new byte[0]);
            assertThat(refusal(empty, format).code()).as(format.name()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertCleanAndHealthy();
    }
}
