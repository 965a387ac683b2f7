package com.claribi.ingest;

import com.claribi.platform.ClariException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

/**
 * Excel workbooks: {@code .xlsx} streamed with fastexcel after {@link ZipGuard} vetted the archive,
 * legacy {@code .xls} with POI HSSF. Every sheet with at least one value becomes a table named
 * {@code <base>__<sheet slug>} (or just {@code <base>} for a one-sheet workbook).
 */
final class ExcelLoader {
    private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0};

    private ExcelLoader() {}

    static List<LoadedTable> load(
            Path file, String baseName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            int read = in.readNBytes(head, 0, head.length);
            if (read >= 4 && head[0] == OLE2[0] && head[1] == OLE2[1] && head[2] == OLE2[2] && head[3] == OLE2[3]) {
                return loadXls(file, baseName, staged, limits, deadline);
            }
            if (read < 4 || head[0] != 'P' || head[1] != 'K') {
                throw ClariException.invalid("the file is neither an .xlsx nor an .xls workbook");
            }
        } catch (IOException e) {
            throw ClariException.invalid("the workbook could not be read");
        }
        ZipGuard.check(file, limits, deadline);
        return loadXlsx(file, baseName, staged, limits, deadline);
    }

    private static List<LoadedTable> loadXlsx(
            Path file, String baseName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        try (ReadableWorkbook workbook = new ReadableWorkbook(file.toFile(), new ReadingOptions(true, false))) {
            List<Sheet> sheets = workbook.getSheets().toList();
            TableNames names = new TableNames(baseName, sheets.size() == 1);
            List<LoadedTable> tables = new ArrayList<>();
            for (Sheet sheet : sheets) {
                RowTableBuilder builder = new RowTableBuilder(staged, names.next(sheet.getName()), limits, deadline);
                try (Stream<Row> rows = sheet.openStream()) {
                    Iterator<Row> iterator = rows.iterator();
                    while (iterator.hasNext()) {
                        builder.accept(cells(iterator.next()));
                    }
                    builder.finish(sheet.getName()).ifPresent(tables::add);
                } catch (SQLException | RuntimeException e) {
                    builder.abandon();
                    throw e;
                }
            }
            return tables;
        } catch (IOException e) {
            throw ClariException.invalid("the .xlsx workbook could not be read: it is damaged or not a workbook");
        } catch (org.dhatim.fastexcel.reader.ExcelReaderException e) {
            throw ClariException.invalid("the .xlsx workbook could not be read: it is damaged or not a workbook");
        }
    }

    private static List<Cell> cells(Row row) {
        int count = row.getCellCount();
        List<Cell> cells = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            org.dhatim.fastexcel.reader.Cell cell = row.getCell(index);
            cells.add(cell == null ? Cell.EMPTY : convert(cell));
        }
        return cells;
    }

    private static Cell convert(org.dhatim.fastexcel.reader.Cell cell) {
        return switch (cell.getType()) {
            case NUMBER -> {
                Integer formatId = cell.getDataFormatId();
                String format = cell.getDataFormatString();
                if (formatId != null && format != null && DateUtil.isADateFormat(formatId, format)) {
                    yield Cell.dateTime(cell.asDate());
                }
                yield Cell.number(cell.asNumber().doubleValue());
            }
            case BOOLEAN -> new Cell.Bool(cell.asBoolean());
            case STRING -> Cell.text(cell.asString());
            case FORMULA -> formulaResult(cell);
            case ERROR, EMPTY -> Cell.EMPTY;
        };
    }

    private static Cell formulaResult(org.dhatim.fastexcel.reader.Cell cell) {
        String raw = cell.getRawValue();
        if (raw == null || raw.isEmpty()) {
            return Cell.EMPTY;
        }
        try {
            return Cell.number(Double.parseDouble(raw));
        } catch (NumberFormatException e) {
            return Cell.text(raw);
        }
    }

    private static List<LoadedTable> loadXls(
            Path file, String baseName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        try (POIFSFileSystem filesystem = new POIFSFileSystem(file.toFile(), true);
                HSSFWorkbook workbook = new HSSFWorkbook(filesystem.getRoot(), false)) {
            TableNames names = new TableNames(baseName, workbook.getNumberOfSheets() == 1);
            List<LoadedTable> tables = new ArrayList<>();
            for (int sheetIndex = 0; sheetIndex < workbook.getNumberOfSheets(); sheetIndex++) {
                var sheet = workbook.getSheetAt(sheetIndex);
                RowTableBuilder builder =
                        new RowTableBuilder(staged, names.next(sheet.getSheetName()), limits, deadline);
                try {
                    int last = sheet.getLastRowNum();
                    for (int rowIndex = 0; rowIndex <= last; rowIndex++) {
                        var row = sheet.getRow(rowIndex);
                        List<Cell> cells = new ArrayList<>();
                        if (row != null) {
                            for (int column = 0; column < Math.max(0, row.getLastCellNum()); column++) {
                                var cell = row.getCell(column);
                                cells.add(cell == null ? Cell.EMPTY : convert(cell, cell.getCellType()));
                            }
                        }
                        builder.accept(cells);
                    }
                    builder.finish(sheet.getSheetName()).ifPresent(tables::add);
                } catch (SQLException | RuntimeException e) {
                    builder.abandon();
                    throw e;
                }
            }
            return tables;
        } catch (IOException | org.apache.poi.util.RecordFormatException | IllegalArgumentException e) {
            throw ClariException.invalid("the .xls workbook could not be read: it is damaged or not a workbook");
        } catch (org.apache.poi.EncryptedDocumentException e) {
            throw ClariException.invalid(
                    "the .xls workbook is password-protected; remove the password and upload it again");
        }
    }

    private static Cell convert(org.apache.poi.ss.usermodel.Cell cell, CellType type) {
        return switch (type) {
            case NUMERIC ->
                DateUtil.isCellDateFormatted(cell)
                        ? Cell.dateTime(cell.getLocalDateTimeCellValue())
                        : Cell.number(cell.getNumericCellValue());
            case STRING -> Cell.text(cell.getStringCellValue());
            case BOOLEAN -> new Cell.Bool(cell.getBooleanCellValue());
            case FORMULA -> convert(cell, cell.getCachedFormulaResultType());
            case BLANK, ERROR, _NONE -> Cell.EMPTY;
        };
    }

    /** Table names for a workbook's sheets: unique, lowercase slugs under the base name. */
    static final class TableNames {
        private final String baseName;
        private final boolean single;
        private final List<String> used = new ArrayList<>();

        TableNames(String baseName, boolean single) {
            this.baseName = baseName;
            this.single = single;
        }

        String next(String sourceName) {
            String candidate = single
                    ? baseName
                    : baseName + "__"
                            + Optional.ofNullable(slug(sourceName))
                                    .filter(value -> !value.isEmpty())
                                    .orElse("part");
            String unique = candidate;
            for (int suffix = 2; used.contains(unique); suffix++) {
                unique = candidate + "_" + suffix;
            }
            used.add(unique);
            return unique;
        }

        static String slug(String name) {
            String slug = name.toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "_")
                    .replaceAll("^_+|_+$", "");
            return slug.length() > 40 ? slug.substring(0, 40) : slug;
        }
    }
}
