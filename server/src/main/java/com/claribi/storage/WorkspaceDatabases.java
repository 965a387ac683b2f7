package com.claribi.storage;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analytics storage: one DuckDB database per workspace at {@code
 * CLARIBI_HOME/workspaces/<workspaceId>/analytics.duckdb}, opened on first use and kept in a small
 * pool of open databases (least recently used idle ones are closed beyond {@link
 * Limits#maxOpenDatabases()}).
 *
 * <p>Every database is sandboxed when opened (SPEC §6, tenant isolation; see docs/storage.md):
 * extensions are never installed or auto-loaded, so DuckDB never reaches the network; external
 * access is off except for that workspace's own folder ({@code allowed_directories}), so SQL can
 * neither read nor write another workspace's files, the rest of the disk, or a URL; and the
 * configuration is then locked so SQL cannot loosen any of it. Paths in SQL must be absolute: a
 * relative path resolves against the server's working directory and is refused.
 *
 * <p>Thread-safe. Each {@link #withConnection} call gets its own connection, closed afterwards;
 * calls for one workspace share its database and run concurrently.
 */
public final class WorkspaceDatabases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceDatabases.class);
    private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final String FILE_NAME = "analytics.duckdb";

    private final Path root;
    private final Limits limits;
    private final Object lock = new Object();
    /** Every workspace used since start; a holder serialises opening and closing its database. */
    private final Map<String, Database> databases = new HashMap<>();
    /** The databases open or being opened, least recently used first. Guarded by {@code lock}. */
    private final LinkedHashMap<String, Database> open = new LinkedHashMap<>(16, 0.75f, true);

    private boolean closed;

    /**
     * Bounds on DuckDB's resources.
     *
     * @param maxOpenDatabases databases kept open at once; more may be open briefly while all are
     *     in use
     * @param memoryLimitMegabytes DuckDB {@code memory_limit} of each open database, in MiB
     * @param threads DuckDB worker threads of each open database
     */
    public record Limits(int maxOpenDatabases, int memoryLimitMegabytes, int threads) {
        public Limits {
            if (maxOpenDatabases < 1 || memoryLimitMegabytes < 64 || threads < 1) {
                throw new IllegalArgumentException(
                        "need at least one open database, 64 MiB of memory and one thread each");
            }
        }

        /** Eight open databases of 512 MiB, each using up to two threads (or one on a single core). */
        public static Limits defaults() {
            return new Limits(8, 512, Math.min(2, Runtime.getRuntime().availableProcessors()));
        }
    }

    /** Work done with one workspace's DuckDB connection, which is closed when the work returns. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(DuckDBConnection connection) throws SQLException;
    }

    private WorkspaceDatabases(Path root, Limits limits) {
        this.root = root;
        this.limits = limits;
    }

    /**
     * Creates {@code home/workspaces} when absent; opens no database yet.
     *
     * @throws IllegalArgumentException when the path holds a backslash, which DuckDB would read as
     *     a path separator
     */
    public static WorkspaceDatabases create(Path home, Limits limits) {
        if (home.toAbsolutePath().toString().contains("\\")) {
            throw new IllegalArgumentException("the data folder must not contain a backslash: " + home);
        }
        try {
            Path root = Files.createDirectories(home.resolve("workspaces")).toRealPath();
            return new WorkspaceDatabases(root, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the workspaces folder under " + home, e);
        }
    }

    /**
     * The workspace's own folder (created when absent), the only place its SQL may read or write
     * files: other features keep that workspace's raw uploads and exports here.
     *
     * @throws ClariException {@link ErrorCode#INVALID_ARGUMENT} for an id outside {@code
     *     [A-Za-z0-9][A-Za-z0-9_-]{0,63}}
     */
    public Path folder(String workspaceId) {
        Path folder = root.resolve(validated(workspaceId));
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a workspace folder", e);
        }
    }

    /**
     * Runs {@code work} on a new connection to the workspace's database, opening the database when
     * it is not open. A {@link SQLException} escaping {@code work} becomes {@link
     * ErrorCode#INTERNAL} with a generic message; catch it inside {@code work} to report it better.
     *
     * @throws ClariException {@link ErrorCode#INVALID_ARGUMENT} for a malformed id, {@link
     *     ErrorCode#UNAVAILABLE} after {@link #close()}
     */
    public <T> T withConnection(String workspaceId, SqlWork<T> work) {
        Path folder = folder(workspaceId);
        Database database = acquire(workspaceId, folder);
        try (DuckDBConnection connection = database.connect()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new ClariException(ErrorCode.INTERNAL, "The workspace database failed.", e);
        } finally {
            release(database);
        }
    }

    /** How many databases are open now (a gauge for operators). */
    public int openDatabases() {
        synchronized (lock) {
            return open.size();
        }
    }

    /** Closes every open database (checkpointing it); later calls are refused. Idempotent. */
    @Override
    public void close() {
        List<Database> toClose;
        synchronized (lock) {
            closed = true;
            toClose = new ArrayList<>(databases.values());
            open.clear();
        }
        for (Database database : toClose) {
            database.closeIfIdle();
        }
    }

    private Database acquire(String workspaceId, Path folder) {
        List<Database> evicted;
        Database database;
        synchronized (lock) {
            if (closed) {
                throw new ClariException(ErrorCode.UNAVAILABLE, "Workspace storage is shutting down.");
            }
            database = databases.computeIfAbsent(workspaceId, id -> new Database(id, folder));
            database.users++;
            open.put(workspaceId, database);
            evicted = evictIdle();
        }
        evicted.forEach(Database::closeIfIdle);
        return database;
    }

    private void release(Database database) {
        List<Database> evicted;
        synchronized (lock) {
            database.users--;
            evicted = evictIdle();
            if (closed && database.users == 0) {
                evicted.add(database);
            }
        }
        evicted.forEach(Database::closeIfIdle);
    }

    /** Removes the least recently used idle databases beyond the limit; the caller closes them. */
    private List<Database> evictIdle() {
        List<Database> evicted = new ArrayList<>();
        Iterator<Database> oldestFirst = open.values().iterator();
        while (open.size() > limits.maxOpenDatabases() && oldestFirst.hasNext()) {
            Database candidate = oldestFirst.next();
            if (candidate.users == 0) {
                oldestFirst.remove();
                evicted.add(candidate);
            }
        }
        return evicted;
    }

    private static String validated(String workspaceId) {
        if (workspaceId == null || !WORKSPACE_ID.matcher(workspaceId).matches()) {
            throw ClariException.invalid(
                    "A workspace id is 1 to 64 letters, digits, '-' or '_', starting with a letter or digit.");
        }
        return workspaceId;
    }

    /**
     * One workspace's database. Its monitor serialises opening, duplicating and closing, so the
     * file is never open twice; {@code users} and membership in {@code open} are guarded by the
     * outer lock, which is only ever taken inside this monitor, never the other way round.
     */
    private final class Database {
        private final String id;
        private final Path folder;
        private int users;
        private DuckDBConnection connection;

        Database(String id, Path folder) {
            this.id = id;
            this.folder = folder;
        }

        synchronized DuckDBConnection connect() throws SQLException {
            if (connection == null) {
                connection = sandboxed(folder, limits);
            }
            return connection.duplicate();
        }

        /** Closes the database unless it was taken again since it was chosen for eviction. */
        synchronized void closeIfIdle() {
            synchronized (lock) {
                if (users > 0 || (!closed && open.containsKey(id))) {
                    return;
                }
            }
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    log.warn("closing a workspace database failed: {}", e.getMessage());
                }
                connection = null;
            }
        }
    }

    /** Opens the database file with the sandbox described on the class, locked before first use. */
    private static DuckDBConnection sandboxed(Path folder, Limits limits) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        properties.setProperty("allow_community_extensions", "false");
        properties.setProperty("allowed_directories", "['" + duckDbString(folder + "/") + "']");
        properties.setProperty("enable_external_access", "false");
        properties.setProperty("memory_limit", limits.memoryLimitMegabytes() + "MB");
        properties.setProperty("threads", Integer.toString(limits.threads()));
        DuckDBConnection connection =
                (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + folder.resolve(FILE_NAME), properties);
        try (Statement statement = connection.createStatement()) {
            // Last, so nothing above is applied after the lock; a property has no defined order.
            statement.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Escapes a value for the inside of a single-quoted element of a DuckDB list literal. */
    private static String duckDbString(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }
}
