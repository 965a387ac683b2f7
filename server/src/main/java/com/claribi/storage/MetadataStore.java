package com.claribi.storage;

import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.ErrorCode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Where clariBI keeps its metadata (accounts, keys, sessions, catalog). Two implementations share
 * one schema, migrated by Flyway from {@code db/migration}: the embedded H2 file under {@code
 * CLARIBI_HOME} (PostgreSQL mode), and PostgreSQL. Feature code writes SQL that both accept and
 * reaches the database only through {@link #jdbi()}; the contract tests run against both.
 *
 * <p>Thread-safe; open one per process and close it last.
 */
public sealed interface MetadataStore extends AutoCloseable permits EmbeddedMetadataStore, PostgresMetadataStore {

    /** The SQL mapper over a pooled data source. */
    Jdbi jdbi();

    /** Which database this is, for the rare query the two dialects spell differently. */
    Kind kind();

    /** True when a trivial query answers within a second (readiness). */
    boolean isReachable();

    @Override
    void close();

    enum Kind {
        EMBEDDED,
        POSTGRESQL
    }

    /**
     * Opens the store the config names and migrates it to the newest schema.
     *
     * @param home the data folder; the embedded store lives in {@code home/metadata/}
     */
    static MetadataStore open(Config.Database database, Path home) {
        return database.url()
                .<MetadataStore>map(url -> PostgresMetadataStore.open(url, database.username(), database.password()))
                .orElseGet(() -> EmbeddedMetadataStore.open(home.resolve("metadata")));
    }

    /**
     * Runs {@code work} (typically an insert or update through {@link #jdbi()}) and reports a
     * unique-constraint violation as {@link ErrorCode#CONFLICT} carrying {@code conflictMessage},
     * which must be safe to show. Both stores report such a violation as SQLSTATE 23505.
     */
    static <T> T unique(String conflictMessage, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                throw new ClariException(ErrorCode.CONFLICT, conflictMessage, e);
            }
            throw e;
        }
    }

    /** True when {@code error} or one of its causes is a unique-constraint violation (SQLSTATE 23505). */
    static boolean isUniqueViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
