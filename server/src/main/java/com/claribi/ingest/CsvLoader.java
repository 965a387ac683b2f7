package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Delimited text (csv, tsv, delimited .txt) loaded by DuckDB's {@code read_csv}. clariBI chooses the
 * delimiter from the header line itself (DuckDB's sniffer gives up on ragged files and reads them as
 * one column, which hides the real error), then lets DuckDB sniff quoting, header and types, and
 * fixes what the sniffer leaves as text: numbers with thousands separators or currency symbols and
 * dates written in several formats. A file that is not UTF-8 is transcoded from Windows-1252 (a
 * superset of Latin-1) into a sibling file first.
 */
final class CsvLoader {
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final Pattern COLUMN_COUNT =
            Pattern.compile("Expected Number of Columns: (\\d+) Found: (\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ERROR_LINE = Pattern.compile("CSV Error on Line: (\\d+)");
    private static final Pattern CONVERTING_COLUMN =
            Pattern.compile("Error when converting column \"((?:[^\"]|\"\")+)\"");
    private static final Pattern DECIMAL_COMMA = Pattern.compile("(?:^|;)\"?[-+]?\\d+,\\d+\"?(?=;|$)");
    private static final int MAX_TYPE_RETRIES = 50;

    private CsvLoader() {}

    /** The delimiter a delimited text file uses, or empty when its first lines are not delimited. */
    static Optional<Character> sniffDelimiter(Path file, IngestLimits limits) {
        List<String> lines = firstLines(file, 20, limits);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        for (char delimiter : DELIMITERS) {
            int header = countOutsideQuotes(lines.get(0), delimiter);
            if (header == 0) {
                continue;
            }
            long agreeing = lines.stream()
                    .filter(line -> countOutsideQuotes(line, delimiter) == header)
                    .count();
            if (agreeing * 10 >= lines.size() * 8L) {
                return Optional.of(delimiter);
            }
        }
        return Optional.empty();
    }

    static LoadedTable load(
            Path file,
            String tableName,
            String sourceName,
            Optional<Character> forcedDelimiter,
            StagedTables staged,
            IngestLimits limits,
            Deadline deadline)
            throws SQLException {
        Path readable = file;
        Path transcoded = null;
        try {
            Dialect dialect = dialect(file, forcedDelimiter, limits);
            refuseOverlongLines(file, limits, deadline);
            Map<String, String> varcharOverrides = new LinkedHashMap<>();
            String target = staged.scratchName();
            for (int attempt = 0; ; attempt++) {
                deadline.check();
                try {
                    Sql.execute(
                            staged.connection(),
                            "CREATE TABLE " + Sql.ident(target) + " AS SELECT * FROM "
                                    + readCsv(readable, dialect, varcharOverrides, limits),
                            deadline);
                    break;
                } catch (SQLException e) {
                    deadline.check();
                    String message = String.valueOf(e.getMessage());
                    Matcher converting = CONVERTING_COLUMN.matcher(message);
                    if (message.contains("not utf-8 encoded") && transcoded == null) {
                        transcoded = transcode(file);
                        readable = transcoded;
                    } else if (message.startsWith("Conversion Error")
                            && converting.find()
                            && attempt < MAX_TYPE_RETRIES) {
                        varcharOverrides.put(converting.group(1).replace("\"\"", "\""), "VARCHAR");
                    } else {
                        Optional<String> ragged = lineTooLong(message)
                                ? Optional.empty()
                                : firstRaggedLine(readable, dialect.delimiter(), limits, deadline);
                        if (ragged.isPresent()) {
                            throw new ClariException(ErrorCode.INVALID_ARGUMENT, ragged.get(), e);
                        }
                        throw translate(message, limits, e);
                    }
                }
            }
            List<Column> columns = columns(staged.connection(), target);
            if (columns.size() > limits.maxColumns()) {
                throw new ClariException(
                        ErrorCode.TOO_LARGE,
                        "the file has " + String.format(Locale.ROOT, "%,d", columns.size())
                                + " columns; at most " + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                                + " are supported");
            }
            deadline.check();
            Optional<String> retyped = retypedSelect(staged.connection(), target, columns, dialect.decimalComma());
            String finalTarget;
            if (retyped.isEmpty()) {
                // nothing to convert: publish DuckDB's table as is instead of copying it
                staged.adopt(tableName, target);
                finalTarget = target;
            } else {
                finalTarget = staged.stagingFor(tableName);
                Sql.execute(
                        staged.connection(),
                        "CREATE TABLE " + Sql.ident(finalTarget) + " AS SELECT " + retyped.get() + " FROM "
                                + Sql.ident(target),
                        deadline);
                Sql.execute(staged.connection(), "DROP TABLE " + Sql.ident(target));
            }
            return new LoadedTable(tableName, sourceName, count(staged.connection(), finalTarget), columns.size());
        } finally {
            if (transcoded != null) {
                try {
                    Files.deleteIfExists(transcoded);
                } catch (IOException ignored) {
                    // a leftover sibling is removed with the workspace folder
                }
            }
        }
    }

    record Dialect(char delimiter, boolean decimalComma) {}

    private static Dialect dialect(Path file, Optional<Character> forced, IngestLimits limits) {
        String header = headerLine(file, limits);
        char delimiter = forced.orElseGet(() -> {
            char best = ',';
            int bestCount = -1;
            for (char candidate : DELIMITERS) {
                int count = countOutsideQuotes(header, candidate);
                if (count > bestCount) {
                    best = candidate;
                    bestCount = count;
                }
            }
            return best;
        });
        int fields = countOutsideQuotes(header, delimiter) + 1;
        if (fields > limits.maxColumns()) {
            throw new ClariException(
                    ErrorCode.TOO_LARGE,
                    "the header line has " + String.format(Locale.ROOT, "%,d", fields)
                            + " columns; at most " + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                            + " are supported");
        }
        boolean decimalComma = false;
        if (delimiter == ';') {
            for (String line : firstLines(file, 200, limits)) {
                if (DECIMAL_COMMA.matcher(line).find()) {
                    decimalComma = true;
                    break;
                }
            }
        }
        return new Dialect(delimiter, decimalComma);
    }

    private static String readCsv(Path file, Dialect dialect, Map<String, String> overrides, IngestLimits limits) {
        StringBuilder sql = new StringBuilder("read_csv(")
                .append(Sql.literal(file.toString()))
                .append(", delim = ")
                .append(Sql.literal(String.valueOf(dialect.delimiter())))
                .append(", max_line_size = ")
                .append(limits.maxFieldBytes())
                .append(", encoding = 'utf-8'");
        if (dialect.decimalComma()) {
            sql.append(", decimal_separator = ','");
        }
        if (!overrides.isEmpty()) {
            sql.append(", types = {");
            int index = 0;
            for (Map.Entry<String, String> entry : overrides.entrySet()) {
                sql.append(index++ == 0 ? "" : ", ")
                        .append(Sql.literal(entry.getKey()))
                        .append(": ")
                        .append(Sql.literal(entry.getValue()));
            }
            sql.append('}');
        }
        return sql.append(')').toString();
    }

    private static ClariException translate(String message, IngestLimits limits, SQLException cause) {
        Matcher columns = COLUMN_COUNT.matcher(message);
        Matcher line = ERROR_LINE.matcher(message);
        if (columns.find()) {
            String where =
                    line.find() ? "line " + String.format(Locale.ROOT, "%,d", Long.parseLong(line.group(1))) : "a row";
            return new ClariException(
                    ErrorCode.INVALID_ARGUMENT,
                    where + " has " + columns.group(2) + " fields, the header has " + columns.group(1),
                    cause);
        }
        if (lineTooLong(message)) {
            return new ClariException(
                    ErrorCode.TOO_LARGE,
                    "a line or field is longer than " + limits.maxFieldBytes() / (1024 * 1024)
                            + " MB, the limit for delimited text",
                    cause);
        }
        if (message.contains("Unterminated quote") || message.contains("unterminated quote")) {
            String where = line.find() ? " starting on line " + line.group(1) : "";
            return new ClariException(ErrorCode.INVALID_ARGUMENT, "a quoted field" + where + " is never closed", cause);
        }
        if (message.contains("INTERRUPT") || message.contains("nterrupted")) {
            return new ClariException(ErrorCode.TOO_LARGE, "processing the file took too long", cause);
        }
        String where = line.find() ? " (near line " + line.group(1) + ")" : "";
        return new ClariException(
                ErrorCode.INVALID_ARGUMENT, "the file could not be read as delimited text" + where, cause);
    }

    /**
     * Refuses a file with a physical line longer than the field limit before DuckDB sees it: DuckDB
     * does refuse such a line, but only after buffering it and copying it into its error message,
     * which for a 100 MB field costs seconds and hundreds of megabytes. Files smaller than the limit
     * cannot hold such a line and are not scanned; in larger ones a sparse look at a few kilobytes
     * per window ({@link #everyWindowHoldsANewline}) usually settles it without reading the file.
     */
    static void refuseOverlongLines(Path file, IngestLimits limits, Deadline deadline) {
        long limit = limits.maxFieldBytes();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            if (size <= limit || everyWindowHoldsANewline(channel, size, limit / 2, deadline)) {
                return;
            }
            countLinesRefusingOverlong(channel, limits, deadline);
        } catch (IOException e) {
            throw ClariException.invalid("the file could not be read");
        }
    }

    /**
     * Whether every window {@code [k × width, (k + 1) × width)} that lies wholly inside the file holds
     * a newline. A line longer than {@code 2 × width} bytes covers at least one such window whole, so
     * when this is true no line exceeds the limit. Each window is read only up to its first newline,
     * a few kilobytes at a time: on a 1 GB file of ordinary lines that is well under a megabyte.
     */
    static boolean everyWindowHoldsANewline(
            java.nio.channels.FileChannel channel, long size, long width, Deadline deadline) throws IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4096);
        for (long start = 0; start + width <= size; start += width) {
            long position = start;
            boolean found = false;
            while (!found) {
                if (position >= start + width) {
                    return false;
                }
                buffer.clear().limit((int) Math.min(buffer.capacity(), start + width - position));
                int read = channel.read(buffer, position);
                if (read <= 0) {
                    return false;
                }
                for (int index = 0; index < read && !found; index++) {
                    found = buffer.get(index) == '\n';
                }
                position += read;
            }
            deadline.check();
        }
        return true;
    }

    /** The exact scan: refuses the first line longer than the limit, naming its number. */
    private static void countLinesRefusingOverlong(
            java.nio.channels.FileChannel channel, IngestLimits limits, Deadline deadline) throws IOException {
        long limit = limits.maxFieldBytes();
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] bytes = buffer.array();
        long lineLength = 0;
        long line = 1;
        int read;
        while ((read = channel.read(buffer)) > 0) {
            int index = 0;
            while (index < read) {
                // eight bytes at a time: a word without a newline byte only lengthens the line
                if (index + 8 <= read) {
                    long word = buffer.getLong(index) ^ NEWLINES;
                    if (((word - ONES) & ~word & HIGH_BITS) == 0) {
                        lineLength += 8;
                        if (lineLength > limit) {
                            throw overlong(line, limits);
                        }
                        index += 8;
                        continue;
                    }
                }
                for (int end = Math.min(index + 8, read); index < end; index++) {
                    if (bytes[index] == '\n') {
                        if (lineLength > limit) {
                            throw overlong(line, limits);
                        }
                        lineLength = 0;
                        line++;
                    } else {
                        lineLength++;
                    }
                }
            }
            buffer.clear();
            deadline.check();
        }
        if (lineLength > limit) {
            throw overlong(line, limits);
        }
    }

    /** A byte count as a person reads it: "8 MB", "512 KB". */
    static String size(long bytes) {
        return bytes >= 1024 * 1024 ? bytes / (1024 * 1024) + " MB" : bytes / 1024 + " KB";
    }

    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private static ClariException overlong(long line, IngestLimits limits) {
        return new ClariException(
                ErrorCode.TOO_LARGE,
                "line " + String.format(Locale.ROOT, "%,d", line) + " is longer than " + size(limits.maxFieldBytes())
                        + ", the limit for one line or field");
    }

    private static boolean lineTooLong(String message) {
        return message.contains("Maximum line size of");
    }

    /**
     * After DuckDB refused a file: the first record (quote-aware, blank lines skipped) whose field
     * count differs from the header's, as "line 1,204 has 14 fields, the header has 12".
     */
    static Optional<String> firstRaggedLine(Path file, char delimiter, IngestLimits limits, Deadline deadline) {
        try (Reader reader =
                new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), lenientUtf8()))) {
            long line = 1;
            long recordStart = 1;
            int fields = 1;
            int headerFields = -1;
            boolean quoted = false;
            boolean empty = true;
            int read;
            long seen = 0;
            long recordLength = 0;
            while ((read = reader.read()) >= 0) {
                char character = (char) read;
                if ((++seen & 0xFFFFF) == 0) {
                    deadline.check();
                }
                if (++recordLength > limits.maxFieldBytes()) {
                    return Optional.empty();
                }
                if (character == '"') {
                    quoted = !quoted;
                    empty = false;
                } else if (character == '\n' || character == '\r') {
                    if (character == '\r') {
                        reader.mark(1);
                        if (reader.read() != '\n') {
                            reader.reset();
                        }
                    }
                    if (quoted) {
                        line++;
                        continue;
                    }
                    if (!empty) {
                        if (headerFields < 0) {
                            headerFields = fields;
                        } else if (fields != headerFields) {
                            return Optional.of("line " + String.format(Locale.ROOT, "%,d", recordStart) + " has "
                                    + fields + " fields, the header has " + headerFields);
                        }
                    }
                    line++;
                    recordStart = line;
                    recordLength = 0;
                    fields = 1;
                    empty = true;
                } else if (character == delimiter && !quoted) {
                    fields++;
                    empty = false;
                } else if (character != '\uFEFF') {
                    empty = false;
                }
            }
            if (!empty && headerFields >= 0 && fields != headerFields) {
                return Optional.of("line " + String.format(Locale.ROOT, "%,d", recordStart) + " has " + fields
                        + " fields, the header has " + headerFields);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    record Column(String name, String type) {}

    static List<Column> columns(Connection connection, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("DESCRIBE " + Sql.ident(table))) {
            while (rows.next()) {
                columns.add(new Column(rows.getString("column_name"), rows.getString("column_type")));
            }
        }
        return columns;
    }

    static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + Sql.ident(table))) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static final List<String> DAY_FIRST = List.of(
            "%Y-%m-%d",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y",
            "%d/%m/%Y %H:%M",
            "%d.%m.%Y",
            "%d-%m-%Y",
            "%Y/%m/%d",
            "%d %b %Y",
            "%d %B %Y",
            "%b %d, %Y",
            "%B %d, %Y",
            "%d-%b-%Y");
    private static final List<String> MONTH_FIRST = DAY_FIRST.stream()
            .map(format -> format.replace("%d/%m/%Y", "%m/%d/%Y").replace("%d-%m-%Y", "%m-%d-%Y"))
            .toList();

    /**
     * The select list converting VARCHAR columns whose every value is a number with grouping or a
     * currency sign, or a date in one of the accepted formats. Other columns are kept as read. Empty
     * when no column needs converting.
     */
    private static Optional<String> retypedSelect(
            Connection connection, String table, List<Column> columns, boolean decimalComma) throws SQLException {
        List<String> select = new ArrayList<>();
        List<Column> text = columns.stream()
                .filter(column -> column.type().equals("VARCHAR"))
                .toList();
        Map<String, String> conversions = new LinkedHashMap<>();
        if (!text.isEmpty()) {
            String grouped = decimalComma
                    ? "^[-+]?[$€£]?\\s*\\d{1,3}(\\.\\d{3})*(,\\d+)?\\s*[$€£]?$"
                    : "^[-+]?[$€£]?\\s*\\d{1,3}(,\\d{3})*(\\.\\d+)?\\s*[$€£]?$";
            String plain = decimalComma ? "^[-+]?\\d+(,\\d+)?$" : "^[-+]?\\d+(\\.\\d+)?$";
            // a cheap look at the first rows rules out most columns before the full scan
            long[][] sampled =
                    probe(connection, "(SELECT * FROM " + Sql.ident(table) + " LIMIT 10000)", text, grouped, plain);
            List<Column> candidates = new ArrayList<>();
            for (int index = 0; index < text.size(); index++) {
                long[] counts = sampled[index];
                if (counts[0] > 0
                        && ((counts[1] == counts[0] && counts[2] > 0)
                                || counts[3] == counts[0]
                                || counts[4] == counts[0])) {
                    candidates.add(text.get(index));
                }
            }
            text = candidates;
            long[][] full = text.isEmpty() ? new long[0][] : probe(connection, Sql.ident(table), text, grouped, plain);
            for (int index = 0; index < text.size(); index++) {
                long values = full[index][0];
                long numeric = full[index][1];
                long grouping = full[index][2];
                long dayFirst = full[index][3];
                long monthFirst = full[index][4];
                String column = Sql.ident(text.get(index).name());
                String value = "nullif(trim(" + column + "), '')";
                if (values == 0) {
                    continue;
                }
                if (numeric == values && grouping > 0) {
                    String digits = decimalComma
                            ? "replace(regexp_replace(" + value + ", '[.$€£\\s]', '', 'g'), ',', '.')"
                            : "regexp_replace(" + value + ", '[,$€£\\s]', '', 'g')";
                    conversions.put(text.get(index).name(), "CAST(" + digits + " AS DOUBLE)");
                } else if (dayFirst == values || monthFirst == values) {
                    List<String> formats = dayFirst == values ? DAY_FIRST : MONTH_FIRST;
                    long withTime = dayFirst == values ? full[index][5] : full[index][6];
                    String parsed = dateExpression(value, formats);
                    conversions.put(text.get(index).name(), withTime > 0 ? parsed : "CAST(" + parsed + " AS DATE)");
                }
            }
        }
        for (Column column : columns) {
            String conversion = conversions.get(column.name());
            select.add(conversion == null ? Sql.ident(column.name()) : conversion + " AS " + Sql.ident(column.name()));
        }
        return conversions.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", select));
    }

    /** Per text column: values, numeric-looking, grouped-only, day-first dates, month-first dates, and both with times. */
    private static long[][] probe(Connection connection, String source, List<Column> text, String grouped, String plain)
            throws SQLException {
        StringBuilder probe = new StringBuilder("SELECT ");
        for (int index = 0; index < text.size(); index++) {
            String column = Sql.ident(text.get(index).name());
            String value = "trim(" + column + ")";
            probe.append(index == 0 ? "" : ", ")
                    .append("count(")
                    .append(column)
                    .append(") FILTER (WHERE ")
                    .append(value)
                    .append(" <> '')")
                    .append(", count(*) FILTER (WHERE regexp_full_match(")
                    .append(value)
                    .append(", ")
                    .append(Sql.literal(grouped))
                    .append(") OR regexp_full_match(")
                    .append(value)
                    .append(", ")
                    .append(Sql.literal(plain))
                    .append("))")
                    .append(", count(*) FILTER (WHERE regexp_full_match(")
                    .append(value)
                    .append(", ")
                    .append(Sql.literal(grouped))
                    .append(") AND NOT regexp_full_match(")
                    .append(value)
                    .append(", ")
                    .append(Sql.literal(plain))
                    .append("))")
                    .append(", count(*) FILTER (WHERE ")
                    .append(dateExpression(value, DAY_FIRST))
                    .append(" IS NOT NULL)")
                    .append(", count(*) FILTER (WHERE ")
                    .append(dateExpression(value, MONTH_FIRST))
                    .append(" IS NOT NULL)")
                    .append(", count(*) FILTER (WHERE ")
                    .append(dateExpression(value, DAY_FIRST))
                    .append(" <> date_trunc('day', ")
                    .append(dateExpression(value, DAY_FIRST))
                    .append("))")
                    .append(", count(*) FILTER (WHERE ")
                    .append(dateExpression(value, MONTH_FIRST))
                    .append(" <> date_trunc('day', ")
                    .append(dateExpression(value, MONTH_FIRST))
                    .append("))");
        }
        probe.append(" FROM ").append(source);
        long[][] counts = new long[text.size()][7];
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(probe.toString())) {
            rows.next();
            for (int index = 0; index < text.size(); index++) {
                for (int measure = 0; measure < 7; measure++) {
                    counts[index][measure] = rows.getLong(index * 7 + measure + 1);
                }
            }
        }
        return counts;
    }

    private static String dateExpression(String value, List<String> formats) {
        StringBuilder expression = new StringBuilder("coalesce(");
        for (int index = 0; index < formats.size(); index++) {
            expression
                    .append(index == 0 ? "" : ", ")
                    .append("try_strptime(")
                    .append(value)
                    .append(", ")
                    .append(Sql.literal(formats.get(index)))
                    .append(')');
        }
        return expression.append(')').toString();
    }

    /** The first non-blank line, bounded: a line longer than the field limit is refused. */
    private static String headerLine(Path file, IngestLimits limits) {
        List<String> lines = firstLines(file, 1, limits);
        if (lines.isEmpty()) {
            throw ClariException.invalid("the file is empty");
        }
        return lines.get(0);
    }

    /**
     * Up to {@code wanted} non-blank lines from the start of the file (quote-aware: a quoted newline
     * does not end a line), decoded leniently. A line longer than the field limit stops the read: when
     * it is the first line it is refused, naming how many columns it has already reached.
     */
    private static List<String> firstLines(Path file, int wanted, IngestLimits limits) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file);
                Reader reader = new java.io.InputStreamReader(in, lenientUtf8())) {
            StringBuilder line = new StringBuilder();
            boolean quoted = false;
            int read;
            char[] buffer = new char[8192];
            outer:
            while ((read = reader.read(buffer)) > 0) {
                for (int index = 0; index < read; index++) {
                    char character = buffer[index];
                    if (character == '\uFEFF' && line.isEmpty() && lines.isEmpty()) {
                        continue;
                    }
                    if (character == '"') {
                        quoted = !quoted;
                    }
                    if ((character == '\n' || character == '\r') && !quoted) {
                        if (!line.toString().isBlank()) {
                            lines.add(line.toString());
                            if (lines.size() >= wanted) {
                                break outer;
                            }
                        }
                        line.setLength(0);
                        continue;
                    }
                    line.append(character);
                    if (line.length() > limits.maxFieldBytes()) {
                        if (lines.isEmpty()) {
                            int fields = 1
                                    + Math.max(
                                            Math.max(countOutsideQuotes(line, ','), countOutsideQuotes(line, ';')),
                                            Math.max(countOutsideQuotes(line, '\t'), countOutsideQuotes(line, '|')));
                            if (fields > limits.maxColumns()) {
                                throw new ClariException(
                                        ErrorCode.TOO_LARGE,
                                        "the header line has more than "
                                                + String.format(Locale.ROOT, "%,d", fields - 1)
                                                + " columns; at most "
                                                + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                                                + " are supported");
                            }
                            throw new ClariException(
                                    ErrorCode.TOO_LARGE,
                                    "the first line is longer than " + limits.maxFieldBytes() / (1024 * 1024)
                                            + " MB, the limit for one line or field");
                        }
                        break outer;
                    }
                }
            }
            if (lines.size() < wanted && !line.toString().isBlank() && line.length() <= limits.maxFieldBytes()) {
                lines.add(line.toString());
            }
        } catch (IOException e) {
            throw ClariException.invalid("the file could not be read");
        }
        return lines;
    }

    private static java.nio.charset.CharsetDecoder lenientUtf8() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    }

    static int countOutsideQuotes(CharSequence line, char delimiter) {
        int count = 0;
        boolean quoted = false;
        for (int index = 0; index < line.length(); index++) {
            char character = line.charAt(index);
            if (character == '"') {
                quoted = !quoted;
            } else if (character == delimiter && !quoted) {
                count++;
            }
        }
        return count;
    }

    /** Writes a UTF-8 copy of a Windows-1252 file next to it (inside the workspace folder). */
    private static Path transcode(Path file) {
        Path target = file.resolveSibling(file.getFileName() + ".utf8.tmp");
        Charset source = Charset.forName("windows-1252");
        try (Reader reader = new java.io.InputStreamReader(
                        Files.newInputStream(file),
                        source.newDecoder()
                                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE));
                BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            reader.transferTo(writer);
        } catch (IOException e) {
            throw ClariException.invalid("the file could not be converted to UTF-8");
        }
        return target;
    }
}
