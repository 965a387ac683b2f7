package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * PDF: the text of every page becomes the table {@code <base>__text} ({@code page}, {@code
 * line_number}, {@code text}); runs of at least three consecutive lines that split into the same
 * number (≥ 2) of cells at wide horizontal gaps become the tables {@code <base>__table_N}, the first
 * line of a run being its header. Bounded by page count, extracted characters and the time limit,
 * which is checked between content-stream operators so one hostile page cannot stall the parse.
 */
final class PdfLoader {
    private static final int MIN_TABLE_ROWS = 3;
    /** PDFBox holds a page's glyphs in memory before writing them; a dense real page has ~5,000. */
    static final int MAX_GLYPHS_PER_PAGE = 200_000;

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,3}(,\\d{3})+|[-+]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d{1,3}(,\\d{3})+|\\d+)\\.\\d+");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private PdfLoader() {}

    record Line(int page, List<String> cells, List<Float> starts) {}

    static List<LoadedTable> load(
            Path file, String baseName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (PDDocument document = Loader.loadPDF(
                new RandomAccessReadBufferedFile(file.toFile()),
                "",
                null,
                null,
                MemoryUsageSetting.setupMixed(32L * 1024 * 1024).streamCache)) {
            int pages = document.getNumberOfPages();
            if (pages > limits.maxPdfPages()) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "the PDF has " + String.format(Locale.ROOT, "%,d", pages) + " pages; at most "
                                + limits.maxPdfPages() + " are supported");
            }
            LineCollector collector = new LineCollector(lines, limits, deadline);
            for (int page = 1; page <= pages; page++) {
                deadline.check();
                collector.setStartPage(page);
                collector.setEndPage(page);
                collector.page = page;
                collector.getText(document);
            }
        } catch (InvalidPasswordException e) {
            throw ClariException.invalid("the PDF is password-protected; remove the password and upload it again");
        } catch (IOException e) {
            throw ClariException.invalid("the file is not a readable PDF");
        }
        List<LoadedTable> tables = new ArrayList<>();
        TableSink text = new TableSink(staged, baseName + "__text", List.of("page", "line_number", "text"), limits);
        try {
            int lineNumber = 0;
            int lastPage = 0;
            for (Line line : lines) {
                lineNumber = line.page() == lastPage ? lineNumber + 1 : 1;
                lastPage = line.page();
                text.add(List.of(
                        new Cell.Integer(line.page()),
                        new Cell.Integer(lineNumber),
                        new Cell.Text(String.join(" ", line.cells()))));
            }
            text.finish();
        } finally {
            text.close();
        }
        tables.add(new LoadedTable(baseName + "__text", "text", text.rows(), 3));
        int tableNumber = 0;
        int start = 0;
        while (start < lines.size()) {
            int end = start + 1;
            int width = lines.get(start).cells().size();
            while (end < lines.size()
                    && width >= 2
                    && lines.get(end).page() == lines.get(start).page()
                    && lines.get(end).cells().size() == width
                    && aligned(lines.get(start), lines.get(end))) {
                end++;
            }
            if (width >= 2 && end - start >= MIN_TABLE_ROWS) {
                tableNumber++;
                String name = baseName + "__table_" + tableNumber;
                TableSink sink = new TableSink(staged, name, lines.get(start).cells(), limits);
                try {
                    for (int index = start + 1; index < end; index++) {
                        sink.add(lines.get(index).cells().stream()
                                .map(PdfLoader::typed)
                                .toList());
                    }
                    sink.finish();
                } finally {
                    sink.close();
                }
                tables.add(new LoadedTable(
                        name, "page " + lines.get(start).page() + " table " + tableNumber, sink.rows(), width));
                start = end;
            } else {
                start++;
            }
        }
        return tables;
    }

    /** Two lines belong to one table when each cell starts near the other line's cell or inside its column. */
    private static boolean aligned(Line header, Line row) {
        int count = Math.min(header.starts().size(), row.starts().size());
        for (int index = 1; index < count; index++) {
            float previousHeaderStart = header.starts().get(index - 1);
            float rowStart = row.starts().get(index);
            if (rowStart <= previousHeaderStart) {
                return false;
            }
        }
        return true;
    }

    static Cell typed(String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            return Cell.EMPTY;
        }
        try {
            if (INTEGER.matcher(text).matches()) {
                return new Cell.Integer(Long.parseLong(text.replace(",", "")));
            }
            if (DECIMAL.matcher(text).matches()) {
                return Cell.number(Double.parseDouble(text.replace(",", "")));
            }
            if (ISO_DATE.matcher(text).matches()) {
                return new Cell.Date(java.time.LocalDate.parse(text));
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return new Cell.Text(text);
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return new Cell.Bool(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT)));
        }
        return new Cell.Text(text);
    }

    /** Collects each text line with its cells split at gaps wider than about two average glyphs. */
    private static final class LineCollector extends PDFTextStripper {
        private final List<Line> lines;
        private final IngestLimits limits;
        private final Deadline deadline;
        private long characters;
        private long operators;
        int page;

        LineCollector(List<Line> lines, IngestLimits limits, Deadline deadline) {
            this.lines = lines;
            this.limits = limits;
            this.deadline = deadline;
            setSortByPosition(true);
        }

        @Override
        protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
            if ((++operators & 8191) == 0) {
                deadline.check();
            }
            super.processOperator(operator, operands);
        }

        private final List<TextPosition> pending = new ArrayList<>();

        @Override
        protected void writeString(String text, List<TextPosition> positions) {
            characters += text.length();
            if (characters > limits.maxPdfTextChars()) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "the PDF holds more than " + String.format(Locale.ROOT, "%,d", limits.maxPdfTextChars())
                                + " characters of text");
            }
            pending.addAll(positions);
        }

        private int glyphsOnPage;

        @Override
        protected void startPage(org.apache.pdfbox.pdmodel.PDPage pdfPage) throws IOException {
            glyphsOnPage = 0;
            super.startPage(pdfPage);
        }

        @Override
        protected void processTextPosition(TextPosition text) {
            if (++glyphsOnPage > MAX_GLYPHS_PER_PAGE) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "page " + page + " of the PDF holds more than "
                                + String.format(Locale.ROOT, "%,d", MAX_GLYPHS_PER_PAGE) + " characters");
            }
            super.processTextPosition(text);
        }

        @Override
        protected void writeLineSeparator() {
            flushLine();
        }

        @Override
        protected void endPage(org.apache.pdfbox.pdmodel.PDPage pdfPage) {
            flushLine();
        }

        private void flushLine() {
            List<TextPosition> positions = List.copyOf(pending);
            pending.clear();
            if (positions.isEmpty()) {
                return;
            }
            float averageWidth = 0;
            for (TextPosition position : positions) {
                averageWidth += position.getWidthDirAdj();
            }
            averageWidth = Math.max(1f, averageWidth / positions.size());
            float gap = Math.max(6f, averageWidth * 2f);
            List<String> cells = new ArrayList<>();
            List<Float> starts = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            float cellStart = positions.get(0).getXDirAdj();
            float previousEnd = cellStart;
            for (TextPosition position : positions) {
                float x = position.getXDirAdj();
                if (cell.length() > 0 && x - previousEnd > gap) {
                    if (!cell.toString().isBlank()) {
                        cells.add(cell.toString().strip());
                        starts.add(cellStart);
                    }
                    cell.setLength(0);
                    cellStart = x;
                }
                if (cell.length() == 0) {
                    cellStart = x;
                } else if (x - previousEnd > averageWidth * 0.3f
                        && !position.getUnicode().isBlank()
                        && cell.charAt(cell.length() - 1) != ' ') {
                    cell.append(' ');
                }
                cell.append(position.getUnicode());
                previousEnd = x + position.getWidthDirAdj();
            }
            if (!cell.toString().isBlank()) {
                cells.add(cell.toString().strip());
                starts.add(cellStart);
            }
            if (!cells.isEmpty()) {
                lines.add(new Line(page, List.copyOf(cells), List.copyOf(starts)));
            }
        }
    }
}
