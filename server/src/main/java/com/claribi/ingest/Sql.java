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

    /**
     * Runs one statement, cancelling it when the deadline passes; the caller sees DuckDB's
     * interruption as an SQLException and should then call {@link Deadline#check()}.
     */
    static void execute(Connection connection, String sql, Deadline deadline) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(Math.max(1, deadline.remainingMillis()));
                    statement.cancel();
                } catch (InterruptedException | SQLException stopped) {
                    // the statement finished first, or is already closed
                }
            });
            try {
                statement.execute(sql);
            } finally {
                watchdog.interrupt();
            }
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
