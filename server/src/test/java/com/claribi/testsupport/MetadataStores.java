package com.claribi.testsupport;

import com.claribi.platform.Config;
import com.claribi.storage.MetadataStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The two metadata stores, for running any repository test against both. Each constant opens a
 * fresh, migrated, empty store:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @EnumSource(MetadataStores.class)
 * void keyNamesAreUniquePerWorkspace(MetadataStores stores, @TempDir Path folder) {
 *     try (MetadataStore store = stores.open(folder)) {
 *         KeyRepository keys = new KeyRepository(store.jdbi());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>For a whole-application test, {@code stores.configure(config)} points a {@link Config} at a
 * fresh database of that kind. PostgreSQL comes from {@link TestPostgres}.
 */
public enum MetadataStores {
    EMBEDDED {
        @Override
        public Config.Database database() {
            return new Config.Database(Optional.empty(), Optional.empty(), Optional.empty());
        }
    },
    POSTGRESQL {
        @Override
        public Config.Database database() {
            return TestPostgres.freshDatabase();
        }
    };

    /** Settings for a new empty database of this kind (embedded: the one under the home folder). */
    public abstract Config.Database database();

    /**
     * Opens a new empty store and applies the migrations.
     *
     * @param folder an empty temp folder; the embedded store keeps its file there
     */
    public MetadataStore open(Path folder) {
        return MetadataStore.open(database(), folder);
    }

    /** A copy of {@code config} whose metadata store is a new empty database of this kind. */
    public Config configure(Config config) {
        return config.withDatabase(database());
    }
}
