package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Plain text: delimited text (a header line and rows that agree on a delimiter) loads as a real
 * table through {@link CsvLoader}; anything else becomes a table of lines ({@code line_number},
 * {@code text}), blank lines skipped, decoded as UTF-8 or, failing that, Windows-1252.
 */
final class TextLoader {
    private TextLoader() {}

    static LoadedTable load(Path file, String tableName, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        CsvLoader.refuseOverlongLines(file, limits, deadline);
        var delimiter = CsvLoader.sniffDelimiter(file, limits);
        if (delimiter.isPresent()) {
            return CsvLoader.load(file, tableName, "table", delimiter, staged, limits, deadline);
        }
        try {
            return lines(file, tableName, StandardCharsets.UTF_8, staged, limits, deadline);
        } catch (MalformedText e) {
            return lines(file, tableName, Charset.forName("windows-1252"), staged, limits, deadline);
        }
    }

    private static final class MalformedText extends RuntimeException {
        MalformedText() {
            super(null, null, false, false);
        }
    }

    private static LoadedTable lines(
            Path file, String tableName, Charset charset, StagedTables staged, IngestLimits limits, Deadline deadline)
            throws SQLException {
        var decoder = charset.newDecoder()
                .onMalformedInput(
                        charset.equals(StandardCharsets.UTF_8) ? CodingErrorAction.REPORT : CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        TableSink sink = new TableSink(staged, tableName, List.of("line_number", "text"), limits);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            long number = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.length() > limits.maxFieldBytes()) {
                    throw new ClariException(
                            ErrorCode.TOO_LARGE,
                            "line " + String.format(Locale.ROOT, "%,d", number) + " is longer than "
                                    + limits.maxFieldBytes() / (1024 * 1024) + " MB, the limit for one line");
                }
                if (line.isBlank()) {
                    continue;
                }
                if (sink.rows() >= limits.maxTextLines()) {
                    throw new ClariException(
                            ErrorCode.TOO_LARGE,
                            "the text has more than " + String.format(Locale.ROOT, "%,d", limits.maxTextLines())
                                    + " lines");
                }
                sink.add(List.of(new Cell.Integer(number), new Cell.Text(line.replace('\0', ' '))));
                if ((number & 4095) == 0) {
                    deadline.check();
                }
            }
            sink.finish();
        } catch (CharacterCodingException e) {
            sink.discard();
            throw new MalformedText();
        } catch (IOException e) {
            throw ClariException.invalid("the text file could not be read");
        } finally {
            sink.close();
        }
        return new LoadedTable(tableName, "text", sink.rows(), 2);
    }
}
