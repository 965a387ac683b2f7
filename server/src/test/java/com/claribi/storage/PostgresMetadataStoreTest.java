package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.platform.Config;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

class PostgresMetadataStoreTest extends MetadataStoreContract {
    @Override
    MetadataStores kind() {
        return MetadataStores.POSTGRESQL;
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

    private static long historyRows(MetadataStore store) {
        return store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM flyway_schema_history")
                        .mapTo(Long.class)
                        .one());
    }
}
