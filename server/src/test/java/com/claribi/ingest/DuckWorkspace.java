package com.claribi.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A workspace folder with its DuckDB sandboxed like production (external access off, only the
 * folder readable), for tests.
 */
final class DuckWorkspace implements AutoCloseable {
    final Path folder;
    final Connection connection;

    DuckWorkspace(Path folder) throws SQLException {
        this.folder = folder;
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        this.connection = DriverManager.getConnection("jdbc:duckdb:" + folder.resolve("analytics.duckdb"), properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET allowed_directories = [" + Sql.literal(folder.toString()) + "]");
            statement.execute("SET enable_external_access = false");
        }
    }

    /** Copies a fixture from src/test/resources/ingest into the workspace folder. */
    Path fixture(String name) throws IOException {
        Path target = folder.resolve("raw-" + name);
        try (InputStream in = DuckWorkspace.class.getResourceAsStream("/ingest/" + name)) {
            if (in == null) {
                throw new IOException("missing fixture " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int index = 1; index <= columns; index++) {
                    row.add(result.getString(index));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** "name TYPE" per column of a table. */
    List<String> schema(String table) throws SQLException {
        return rows("DESCRIBE " + Sql.ident(table)).stream()
                .map(row -> row.get(0) + " " + row.get(1))
                .toList();
    }

    List<String> tables() throws SQLException {
        return rows("SELECT table_name FROM information_schema.tables ORDER BY table_name").stream()
                .map(row -> row.get(0))
                .toList();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
