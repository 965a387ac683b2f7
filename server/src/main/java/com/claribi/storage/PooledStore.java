package com.claribi.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/** The pool, migrations and mapper both metadata stores share. */
final class PooledStore implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private PooledStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the pool and applies every pending migration; closes the pool again on failure. */
    static PooledStore open(HikariConfig config) {
        config.setPoolName("metadata");
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(1_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return new PooledStore(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * True when a pooled connection is handed out and validated within about a second. The pool
     * itself may wait longer for a connection (a database that is down, or every connection busy),
     * so the wait happens on a virtual thread that finishes and returns its connection on its own.
     */
    boolean isReachable() {
        if (dataSource.isClosed()) {
            return false;
        }
        FutureTask<Boolean> probe = new FutureTask<>(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid(1);
            }
        });
        Thread.ofVirtual().name("metadata-store-probe").start(probe);
        try {
            return probe.get(1500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
