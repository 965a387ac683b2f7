package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.claribi.platform.Config;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.TestPostgres;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresMetadataStoreTest extends MetadataStoreContract {
    @Override
    MetadataStores kind() {
        return MetadataStores.POSTGRESQL;
    }

    @Override
    int poolSize() {
        return PostgresMetadataStore.POOL_SIZE;
    }

    @Test
    void reopeningTheSameDatabaseKeepsDataAndAppliesNothingTwice() {
        Config.Database database = TestPostgres.freshDatabase();
        long applied;
        try (MetadataStore first = MetadataStore.open(database, folder)) {
            first.jdbi().useHandle(handle -> handle.execute("CREATE TABLE kept (value TEXT)"));
            first.jdbi().useHandle(handle -> handle.execute("INSERT INTO kept VALUES ('still here')"));
            applied = historyRows(first);
        }

        try (MetadataStore second = MetadataStore.open(database, folder)) {
            assertThat(historyRows(second)).isEqualTo(applied);
            String value = second.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT value FROM kept")
                            .mapTo(String.class)
                            .one());
            assertThat(value).isEqualTo("still here");
        }
    }

    @Test
    void anUnreachableServerFailsStartupQuicklyWithoutShowingThePassword() {
        long started = System.nanoTime();

        Throwable failure = catchThrowable(() -> PostgresMetadataStore.open(
                "jdbc:postgresql://127.0.0.1:1/claribi?password=hunter2",
                Optional.of("claribi"),
                Optional.of("hunter3")));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(failure).isInstanceOf(RuntimeException.class);
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("hunter");
        }
    }

    private static long historyRows(MetadataStore store) {
        return store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM flyway_schema_history")
                        .mapTo(Long.class)
                        .one());
    }
}
