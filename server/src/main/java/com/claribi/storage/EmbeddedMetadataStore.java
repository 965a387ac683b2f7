package com.claribi.storage;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;

/**
 * The default store: an H2 database file in PostgreSQL mode, needing nothing installed. One
 * process at a time may open a given folder; run PostgreSQL to share metadata between processes.
 */
public final class EmbeddedMetadataStore implements MetadataStore {
    static final int POOL_SIZE = 10;

    private final PooledStore pooled;

    private EmbeddedMetadataStore(PooledStore pooled) {
        this.pooled = pooled;
    }

    /** Opens (creating when absent) {@code folder/claribi.mv.db} and migrates it. */
    public static EmbeddedMetadataStore open(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the metadata folder " + folder, e);
        }
        HikariConfig config = new HikariConfig();
        // WRITE_DELAY=0: a commit reaches the file before it returns. H2's default (500 ms) loses
        // committed rows when the process is killed, e.g. a data source acknowledged to a client
        // (DataSourcesEndToEndTest kills a server with SIGKILL).
        config.setJdbcUrl("jdbc:h2:file:" + folder.toAbsolutePath().resolve("claribi")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE"
                + ";WRITE_DELAY=0");
        config.setUsername("claribi");
        config.setPassword("");
        config.setMaximumPoolSize(POOL_SIZE);
        return new EmbeddedMetadataStore(PooledStore.open(config));
    }

    @Override
    public Jdbi jdbi() {
        return pooled.jdbi();
    }

    @Override
    public Kind kind() {
        return Kind.EMBEDDED;
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
