package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes rows of {@link Cell}s into one staged table. Cells are appended as text to a scratch table
 * while the kinds seen per column are tracked; {@link #finish()} then builds the typed staging table
 * in one statement: a column whose cells were all integers becomes BIGINT, numbers DOUBLE, dates
 * DATE, dates with times TIMESTAMP, booleans BOOLEAN, anything mixed VARCHAR.
 */
final class TableSink implements AutoCloseable {
    private enum Kind {
        INTEGER,
        DECIMAL,
        BOOL,
        DATE,
        DATETIME,
        TEXT
    }

    private final StagedTables staged;
    private final String finalName;
    private final String rawName;
    private final List<String> headers;
    private final List<EnumSet<Kind>> kinds = new ArrayList<>();
    private final DuckDBAppender appender;
    private long rows;

    TableSink(StagedTables staged, String finalName, List<String> rawHeaders, IngestLimits limits) throws SQLException {
        if (rawHeaders.size() > limits.maxColumns()) {
            throw new ClariException(
                    ErrorCode.TOO_LARGE,
                    "the table has " + String.format(Locale.ROOT, "%,d", rawHeaders.size())
                            + " columns; at most " + String.format(Locale.ROOT, "%,d", limits.maxColumns())
                            + " are supported");
        }
        this.staged = staged;
        this.finalName = finalName;
        this.headers = uniqueHeaders(rawHeaders);
        this.rawName = staged.scratchName();
        StringBuilder create =
                new StringBuilder("CREATE TABLE ").append(Sql.ident(rawName)).append(" (");
        for (int index = 0; index < headers.size(); index++) {
            create.append(index == 0 ? "" : ", ")
                    .append(Sql.ident(headers.get(index)))
                    .append(" VARCHAR");
            kinds.add(EnumSet.noneOf(Kind.class));
        }
        Connection connection = staged.connection();
        Sql.execute(connection, create.append(')').toString());
        this.appender = connection.unwrap(DuckDBConnection.class).createAppender("main", rawName);
    }

    List<String> headers() {
        return headers;
    }

    long rows() {
        return rows;
    }

    /** Appends one row; missing trailing cells are empty, extra cells are refused. */
    void add(List<Cell> cells) throws SQLException {
        if (cells.size() > headers.size()) {
            throw ClariException.invalid("row " + String.format(Locale.ROOT, "%,d", rows + 1) + " has " + cells.size()
                    + " cells, the header has " + headers.size());
        }
        appender.beginRow();
        for (int index = 0; index < headers.size(); index++) {
            Cell cell = index < cells.size() ? cells.get(index) : Cell.EMPTY;
            if (cell.isEmpty()) {
                appender.appendNull();
                continue;
            }
            kinds.get(index).add(kindOf(cell));
            appender.append(cell.asText());
        }
        appender.endRow();
        rows++;
    }

    /** Builds the typed staging table for the final name and drops the text scratch table. */
    void finish() throws SQLException {
        appender.close();
        String target = staged.stagingFor(finalName);
        StringBuilder select =
                new StringBuilder("CREATE TABLE ").append(Sql.ident(target)).append(" AS SELECT ");
        for (int index = 0; index < headers.size(); index++) {
            String column = Sql.ident(headers.get(index));
            String type = sqlType(kinds.get(index));
            select.append(index == 0 ? "" : ", ");
            if (type.equals("VARCHAR")) {
                select.append(column);
            } else {
                select.append("CAST(")
                        .append(column)
                        .append(" AS ")
                        .append(type)
                        .append(") AS ")
                        .append(column);
            }
        }
        select.append(" FROM ").append(Sql.ident(rawName));
        Sql.execute(staged.connection(), select.toString());
        Sql.execute(staged.connection(), "DROP TABLE " + Sql.ident(rawName));
    }

    /** Drops the text scratch table; the sink is unusable afterwards. */
    void discard() throws SQLException {
        close();
        Sql.execute(staged.connection(), "DROP TABLE IF EXISTS " + Sql.ident(rawName));
    }

    @Override
    public void close() throws SQLException {
        if (!appender.isClosed()) {
            appender.close();
        }
    }

    private static Kind kindOf(Cell cell) {
        return switch (cell) {
            case Cell.Integer integer -> Kind.INTEGER;
            case Cell.Decimal decimal -> Kind.DECIMAL;
            case Cell.Bool bool -> Kind.BOOL;
            case Cell.Date date -> Kind.DATE;
            case Cell.DateTime dateTime -> Kind.DATETIME;
            case Cell.Text text -> Kind.TEXT;
            case Cell.Empty empty -> throw new IllegalArgumentException("empty cell has no kind");
        };
    }

    private static String sqlType(Set<Kind> seen) {
        if (seen.isEmpty() || seen.contains(Kind.TEXT)) {
            return "VARCHAR";
        }
        if (seen.equals(EnumSet.of(Kind.INTEGER))) {
            return "BIGINT";
        }
        if (EnumSet.of(Kind.INTEGER, Kind.DECIMAL).containsAll(seen)) {
            return "DOUBLE";
        }
        if (seen.equals(EnumSet.of(Kind.BOOL))) {
            return "BOOLEAN";
        }
        if (seen.equals(EnumSet.of(Kind.DATE))) {
            return "DATE";
        }
        if (EnumSet.of(Kind.DATE, Kind.DATETIME).containsAll(seen)) {
            return "TIMESTAMP";
        }
        return "VARCHAR";
    }

    /** Trimmed, non-empty, unique column names ("column_3" for a blank header, "name_2" for a repeat). */
    static List<String> uniqueHeaders(List<String> raw) {
        List<String> result = new ArrayList<>(raw.size());
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < raw.size(); index++) {
            String name = raw.get(index) == null
                    ? ""
                    : raw.get(index).replace('\0', ' ').strip();
            name = name.replaceAll("\\s+", " ");
            if (name.length() > 120) {
                name = name.substring(0, 120);
            }
            if (name.isEmpty()) {
                name = "column_" + (index + 1);
            }
            String candidate = name;
            for (int suffix = 2; !seen.add(candidate.toLowerCase(Locale.ROOT)); suffix++) {
                candidate = name + "_" + suffix;
            }
            result.add(candidate);
        }
        return List.copyOf(result);
    }
}
