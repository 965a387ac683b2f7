package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a stream of spreadsheet-like rows into one staged table. The first {@value #LOOKAHEAD}
 * non-empty rows are buffered to find the header row: title rows above it (a lone "Sales report
 * 2024" cell, an export date) are skipped. The header is the first row that is at least half as
 * wide as the widest buffered row, has at least two cells (unless the sheet is one column wide) and
 * holds only text. Without such a row, columns are named {@code column_1}, {@code column_2}, …
 */
final class RowTableBuilder {
    static final int LOOKAHEAD = 25;

    private final StagedTables staged;
    private final String finalName;
    private final IngestLimits limits;
    private final Deadline deadline;
    private final List<List<Cell>> buffer = new ArrayList<>();
    private TableSink sink;
    private int firstColumn;
    private int width;
    private long rowsSeen;

    RowTableBuilder(StagedTables staged, String finalName, IngestLimits limits, Deadline deadline) {
        this.staged = staged;
        this.finalName = finalName;
        this.limits = limits;
        this.deadline = deadline;
    }

    void accept(List<Cell> row) throws SQLException {
        if (row.stream().allMatch(Cell::isEmpty)) {
            return;
        }
        if (++rowsSeen > limits.maxExcelRows()) {
            throw new ClariException(
                    ErrorCode.TOO_LARGE,
                    "the sheet has more than " + String.format(Locale.ROOT, "%,d", limits.maxExcelRows())
                            + " rows; split it or upload it as CSV");
        }
        if ((rowsSeen & 1023) == 0) {
            deadline.check();
        }
        if (sink == null) {
            buffer.add(row);
            if (buffer.size() >= LOOKAHEAD) {
                start();
            }
            return;
        }
        write(row);
    }

    /** Publishes nothing for a sheet without any value; otherwise the staged table's shape. */
    Optional<LoadedTable> finish(String sourceName) throws SQLException {
        if (sink == null) {
            if (buffer.isEmpty()) {
                return Optional.empty();
            }
            start();
        }
        try {
            sink.finish();
        } finally {
            sink.close();
        }
        return Optional.of(new LoadedTable(
                finalName, sourceName, sink.rows(), sink.headers().size()));
    }

    void abandon() throws SQLException {
        if (sink != null) {
            sink.close();
        }
    }

    private void start() throws SQLException {
        firstColumn = Integer.MAX_VALUE;
        int lastColumn = -1;
        for (List<Cell> row : buffer) {
            for (int index = 0; index < row.size(); index++) {
                if (!row.get(index).isEmpty()) {
                    firstColumn = Math.min(firstColumn, index);
                    lastColumn = Math.max(lastColumn, index);
                }
            }
        }
        width = lastColumn - firstColumn + 1;
        int widest = buffer.stream().mapToInt(RowTableBuilder::nonEmpty).max().orElse(0);
        int headerIndex = -1;
        for (int index = 0; index < buffer.size() && headerIndex < 0; index++) {
            List<Cell> row = buffer.get(index);
            int cells = nonEmpty(row);
            boolean wideEnough = cells * 2 >= widest && (cells >= 2 || widest == 1);
            boolean allText = row.stream().allMatch(cell -> cell.isEmpty() || cell instanceof Cell.Text);
            boolean hasDataAfter = index < buffer.size() - 1;
            if (wideEnough && allText && hasDataAfter) {
                headerIndex = index;
            } else if (wideEnough) {
                break;
            }
        }
        List<String> headers = new ArrayList<>(width);
        for (int column = 0; column < width; column++) {
            headers.add(
                    headerIndex < 0
                            ? ""
                            : slice(buffer.get(headerIndex), column).asText());
        }
        sink = new TableSink(staged, finalName, headers, limits);
        int firstData = headerIndex < 0 ? 0 : headerIndex + 1;
        for (int index = firstData; index < buffer.size(); index++) {
            write(buffer.get(index));
        }
        buffer.clear();
    }

    private void write(List<Cell> row) throws SQLException {
        List<Cell> cells = new ArrayList<>(width);
        for (int column = 0; column < width; column++) {
            cells.add(slice(row, column));
        }
        for (int index = firstColumn + width; index < row.size(); index++) {
            if (!row.get(index).isEmpty()) {
                throw ClariException.invalid("row " + String.format(Locale.ROOT, "%,d", sink.rows() + 1) + " of "
                        + finalName + " has a value right of the last header column");
            }
        }
        sink.add(cells);
    }

    private Cell slice(List<Cell> row, int column) {
        int index = firstColumn + column;
        return index < row.size() ? row.get(index) : Cell.EMPTY;
    }

    private static int nonEmpty(List<Cell> row) {
        int count = 0;
        for (Cell cell : row) {
            if (!cell.isEmpty()) {
                count++;
            }
        }
        return count;
    }
}
