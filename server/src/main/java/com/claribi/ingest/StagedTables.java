package com.claribi.ingest;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The tables of one load, built under hidden staging names and published together: {@link
 * #publish()} renames all of them in one transaction, {@link #close()} drops whatever was not
 * published. A failed load therefore leaves nothing visible under a final name.
 */
final class StagedTables implements AutoCloseable {
    static final String STAGING_PREFIX = "__claribi_staging_";

    private final Connection connection;
    private final String token = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final Map<String, String> finalToStaging = new LinkedHashMap<>();
    private final List<String> scratch = new ArrayList<>();
    private int counter;
    private boolean published;

    StagedTables(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** A fresh staging name that will be published as {@code finalName}. */
    String stagingFor(String finalName) throws SQLException {
        if (finalToStaging.containsKey(finalName)) {
            throw new IllegalStateException("table staged twice: " + finalName);
        }
        if (tableExists(finalName)) {
            throw new ClariException(ErrorCode.CONFLICT, "a table named " + finalName + " already exists");
        }
        String staging = scratchName();
        finalToStaging.put(finalName, staging);
        scratch.remove(staging);
        return staging;
    }

    /** Publishes the already-built scratch table {@code scratchName} as {@code finalName}. */
    void adopt(String finalName, String scratchName) throws SQLException {
        if (finalToStaging.containsKey(finalName)) {
            throw new IllegalStateException("table staged twice: " + finalName);
        }
        if (tableExists(finalName)) {
            throw new ClariException(ErrorCode.CONFLICT, "a table named " + finalName + " already exists");
        }
        finalToStaging.put(finalName, scratchName);
        scratch.remove(scratchName);
    }

    /** A staging name for an intermediate table dropped at close. */
    String scratchName() {
        String name = STAGING_PREFIX + token + "_" + counter++;
        scratch.add(name);
        return name;
    }

    /** Replaces the staging table for {@code finalName} with {@code replacement} (already built). */
    void replaceStaging(String finalName, String replacement) throws SQLException {
        String old = finalToStaging.put(finalName, replacement);
        scratch.remove(replacement);
        if (old != null) {
            Sql.execute(connection, "DROP TABLE IF EXISTS " + Sql.ident(old));
        }
    }

    String staging(String finalName) {
        return finalToStaging.get(finalName);
    }

    List<String> finalNames() {
        return List.copyOf(finalToStaging.keySet());
    }

    /** Renames every staged table to its final name in one transaction. */
    void publish() throws SQLException {
        for (String name : scratch) {
            Sql.execute(connection, "DROP TABLE IF EXISTS " + Sql.ident(name));
        }
        scratch.clear();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (Map.Entry<String, String> entry : finalToStaging.entrySet()) {
                Sql.execute(
                        connection,
                        "ALTER TABLE " + Sql.ident(entry.getValue()) + " RENAME TO " + Sql.ident(entry.getKey()));
            }
            connection.commit();
            published = true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public void close() {
        List<String> toDrop = new ArrayList<>(scratch);
        if (!published) {
            toDrop.addAll(finalToStaging.values());
        }
        for (String name : toDrop) {
            try {
                Sql.execute(connection, "DROP TABLE IF EXISTS " + Sql.ident(name));
            } catch (SQLException ignored) {
                // best effort: staging names are hidden and swept by dropLeftovers
            }
        }
    }

    private boolean tableExists(String name) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    /** Drops staging tables a crashed process left behind; call when a workspace database opens. */
    static int dropLeftovers(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE starts_with(table_name, ?)")) {
            statement.setString(1, STAGING_PREFIX);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        for (String name : names) {
            Sql.execute(connection, "DROP TABLE IF EXISTS " + Sql.ident(name));
        }
        return names.size();
    }
}
