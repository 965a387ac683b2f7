package com.claribi.storage;

import com.zaxxer.hikari.HikariConfig;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Metadata in PostgreSQL ({@code CLARIBI_DB_URL=jdbc:postgresql://…}); several servers may share it. */
public final class PostgresMetadataStore implements MetadataStore {
    static final int POOL_SIZE = 16;

    private final PooledStore pooled;

    private PostgresMetadataStore(PooledStore pooled) {
        this.pooled = pooled;
    }

    /** Connects, checks the server answers, and migrates the schema. */
    public static PostgresMetadataStore open(String jdbcUrl, Optional<String> username, Optional<String> password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        username.ifPresent(config::setUsername);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(POOL_SIZE);
        return new PostgresMetadataStore(PooledStore.open(config));
    }

    @Override
    public Jdbi jdbi() {
        return pooled.jdbi();
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRESQL;
    }

    @Override
    public boolean isReachable() {
        return pooled.isReachable();
    }

    @Override
    public void close() {
        pooled.close();
    }
}
