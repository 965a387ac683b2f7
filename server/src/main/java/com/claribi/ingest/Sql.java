package com.claribi.ingest;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Quoting for the SQL ingestion builds: every identifier and literal from a file goes through it. */
final class Sql {
    private Sql() {}

    /** A double-quoted identifier; embedded quotes doubled, NUL refused. */
    static String ident(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A single-quoted string literal; embedded quotes doubled, NUL refused. */
    static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
