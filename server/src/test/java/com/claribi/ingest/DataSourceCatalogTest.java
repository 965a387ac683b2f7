package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.storage.MetadataStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog against the real embedded metadata store (H2 in PostgreSQL mode, migrated by Flyway). */
class DataSourceCatalogTest {
    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T10:00:00Z");

        void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path home;

    private MetadataStore store;
    private DataSourceCatalog catalog;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void open() {
        store = MetadataStore.open(Config.defaults().withHome(home).database(), home);
        catalog = new DataSourceCatalog(store.jdbi(), Json.mapper(), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private DataSourceRecord create(String workspace, String name) {
        clock.advanceMillis(5);
        String id = catalog.newId();
        return catalog.create(
                id,
                workspace,
                name,
                SourceFormat.CSV,
                DataSourceRecord.Origin.UPLOAD,
                Optional.empty(),
                id + "/raw.csv",
                1_000);
    }

    @Test
    void newSourceIsProcessingThenReadyWithItsProfile() {
        DataSourceRecord created = create("ws1", "Sales 2024");
        assertThat(created.status()).isEqualTo(DataSourceStatus.PROCESSING);
        assertThat(created.id()).matches("ds_[0-9a-z]{26}");
        DataSourceProfile profile = new DataSourceProfile(
                SourceFormat.CSV,
                1_000,
                2,
                List.of(new TableProfile(
                        "t",
                        "raw.csv",
                        2,
                        List.of(new ColumnProfile(
                                "region",
                                "VARCHAR",
                                ColumnRole.DIMENSION,
                                List.of(),
                                0,
                                0,
                                2,
                                false,
                                "a",
                                "b",
                                null,
                                1.0,
                                List.of(new ValueCount("a", 1), new ValueCount("b", 1)))))),
                clock.instant());

        assertThat(catalog.markReady("ws1", created.id(), List.of(new LoadedTable("t", "raw.csv", 2, 1)), profile))
                .isTrue();

        DataSourceRecord ready = catalog.get("ws1", created.id()).orElseThrow();
        assertThat(ready.status()).isEqualTo(DataSourceStatus.READY);
        assertThat(ready.tableNames()).containsExactly("t");
        assertThat(ready.profile()).contains(profile);
        assertThat(catalog.markFailed("ws1", created.id(), "too late")).isFalse();
    }

    @Test
    void everySourceReadsBackItsOwnProfileHoweverOftenItIsRead() {
        DataSourceRecord first = create("ws1", "first");
        DataSourceRecord second = create("ws2", "second");
        DataSourceProfile one = profileWithRows(1);
        DataSourceProfile two = profileWithRows(2);
        catalog.markReady("ws1", first.id(), List.of(new LoadedTable("t", "raw.csv", 1, 1)), one);
        catalog.markReady("ws2", second.id(), List.of(new LoadedTable("t", "raw.csv", 2, 1)), two);

        for (int read = 0; read < 3; read++) {
            assertThat(catalog.get("ws1", first.id()).orElseThrow().profile()).contains(one);
            assertThat(catalog.list("ws2", Optional.empty(), 10, Optional.empty())
                            .items()
                            .getFirst()
                            .profile())
                    .contains(two);
        }
    }

    private DataSourceProfile profileWithRows(long rows) {
        return new DataSourceProfile(
                SourceFormat.CSV,
                1_000,
                rows,
                List.of(new TableProfile("t", "raw.csv", rows, List.of())),
                clock.instant());
    }

    @Test
    void failedSourceKeepsAReasonAPersonUnderstands() {
        DataSourceRecord created = create("ws1", "broken");

        catalog.markFailed("ws1", created.id(), "line 1,204 has 14 fields, the header has 12");

        DataSourceRecord failed = catalog.get("ws1", created.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(DataSourceStatus.FAILED);
        assertThat(failed.failureReason()).contains("line 1,204 has 14 fields, the header has 12");
        assertThat(catalog.countActive("ws1")).isZero();
    }

    @Test
    void anotherWorkspacesIdIsNotFoundAndCannotBeChangedOrDeleted() {
        DataSourceRecord mine = create("ws1", "mine");

        assertThat(catalog.get("ws2", mine.id())).isEmpty();
        assertThat(catalog.markFailed("ws2", mine.id(), "x")).isFalse();
        assertThat(catalog.delete("ws2", mine.id())).isFalse();
        assertThat(catalog.list("ws2", Optional.empty(), 10, Optional.empty()).items())
                .isEmpty();
        assertThat(catalog.get("ws1", mine.id())).isPresent();
    }

    @Test
    void listIsNewestFirstAndPagesWithACursorAndAStatusFilter() {
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < 7; index++) {
            ids.add(create("ws1", "source " + index).id());
        }
        catalog.markFailed("ws1", ids.get(0), "bad");

        DataSourceCatalog.Page first = catalog.list("ws1", Optional.empty(), 3, Optional.empty());
        DataSourceCatalog.Page second = catalog.list("ws1", Optional.empty(), 3, first.nextCursor());
        DataSourceCatalog.Page third = catalog.list("ws1", Optional.empty(), 3, second.nextCursor());

        assertThat(first.items()).extracting(DataSourceRecord::id).containsExactly(ids.get(6), ids.get(5), ids.get(4));
        assertThat(second.items()).extracting(DataSourceRecord::id).containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(third.items()).extracting(DataSourceRecord::id).containsExactly(ids.get(0));
        assertThat(third.nextCursor()).isEmpty();
        assertThat(catalog.list("ws1", Optional.of(DataSourceStatus.FAILED), 10, Optional.empty())
                        .items())
                .extracting(DataSourceRecord::id)
                .containsExactly(ids.get(0));
        assertThatThrownBy(() -> catalog.list("ws1", Optional.empty(), 3, Optional.of("' OR 1=1 --")))
                .isInstanceOf(ClariException.class);
        assertThatThrownBy(() -> catalog.list("ws1", Optional.empty(), 0, Optional.empty()))
                .isInstanceOf(ClariException.class);
    }

    @Test
    void quotasCountActiveSourcesAndStoredBytesAndDeletingFreesThem() {
        DataSourceRecord one = create("ws1", "one");
        create("ws1", "two");
        DataSourceRecord url = catalog.create(
                catalog.newId(),
                "ws1",
                "from url",
                SourceFormat.JSON,
                DataSourceRecord.Origin.URL,
                Optional.of(URI.create("https://example.com/data.json")),
                "x/raw.json",
                500);

        assertThat(catalog.countActive("ws1")).isEqualTo(3);
        assertThat(catalog.storedBytes("ws1")).isEqualTo(2_500);
        assertThat(catalog.get("ws1", url.id()).orElseThrow().sourceUrl())
                .contains(URI.create("https://example.com/data.json"));

        assertThat(catalog.delete("ws1", one.id())).isTrue();

        assertThat(catalog.countActive("ws1")).isEqualTo(2);
        assertThat(catalog.storedBytes("ws1")).isEqualTo(1_500);
    }

    @Test
    void processingSourcesAreListedForRecoveryAfterARestart() {
        DataSourceRecord stuck = create("ws1", "stuck");
        DataSourceRecord done = create("ws2", "done");
        catalog.markFailed("ws2", done.id(), "x");

        assertThat(catalog.processing()).extracting(DataSourceRecord::id).containsExactly(stuck.id());
    }
}
