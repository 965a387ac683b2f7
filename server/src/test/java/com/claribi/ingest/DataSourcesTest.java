package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.User;
import com.claribi.billing.Plans;
import com.claribi.billing.Pricing;
import com.claribi.billing.Quota;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.platform.Json;
import com.claribi.storage.MetadataStore;
import com.claribi.storage.WorkspaceDatabases;
import com.claribi.testsupport.MetadataStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job runner's durability on both metadata stores: what a restart does with sources a dead
 * server left in {@code processing} (resume from the raw file, clean staging and half-published
 * tables first, fail when the raw file is gone or after repeated interruptions), quota bookkeeping,
 * and deletion.
 */
class DataSourcesTest {
    private static final String CSV = "id,city,amount\n1,Paris,10.5\n2,Lyon,20\n3,Nice,7.25\n";

    @TempDir
    Path folder;

    private record Fixture(
            MetadataStore store,
            DataSourceCatalog catalog,
            WorkspaceDatabases workspaces,
            Plans plans,
            DataSources dataSources,
            String workspaceId)
            implements AutoCloseable {
        @Override
        public void close() {
            dataSources.close();
            workspaces.close();
            store.close();
        }
    }

    private Fixture open(MetadataStores stores) throws Exception {
        return open(stores, new Semaphore(2, true));
    }

    private Fixture open(MetadataStores stores, Semaphore jobSlots) throws Exception {
        MetadataStore store = stores.open(Files.createDirectories(folder.resolve("metadata")));
        Clock clock = Clock.systemUTC();
        Accounts accounts = new Accounts(store.jdbi(), clock);
        User user = accounts.createUser("ada@example.com", Optional.empty());
        String workspaceId = accounts.createWorkspace(
                        "Engines", "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), user.id())
                .id();
        Plans plans = new Plans(Pricing.load(Optional.empty()), accounts, store.jdbi(), clock);
        DataSourceCatalog catalog = new DataSourceCatalog(store.jdbi(), Json.mapper(), clock);
        WorkspaceDatabases workspaces = WorkspaceDatabases.create(folder, WorkspaceDatabases.Limits.defaults());
        DataSources dataSources = new DataSources(
                catalog,
                new Ingestor(IngestLimits.defaults(), clock),
                new UrlFetcher(UrlFetcher.Limits.defaults(), List.of(), HostResolver.system()),
                workspaces,
                plans,
                jobSlots);
        return new Fixture(store, catalog, workspaces, plans, dataSources, workspaceId);
    }

    /** A source as a server that died right after acknowledging it would leave it. */
    private static DataSourceRecord interrupted(Fixture fixture, String csv) throws Exception {
        String id = fixture.catalog().newId();
        Path raw = Files.createDirectories(
                        fixture.workspaces().folder(fixture.workspaceId()).resolve("raw"))
                .resolve(id + ".csv");
        Files.writeString(raw, csv, StandardCharsets.UTF_8);
        fixture.plans().consume(fixture.workspaceId(), Quota.DATA_SOURCES, 1);
        return fixture.catalog()
                .create(
                        id,
                        fixture.workspaceId(),
                        "Cities",
                        SourceFormat.CSV,
                        DataSourceRecord.Origin.UPLOAD,
                        Optional.empty(),
                        "raw/" + id + ".csv",
                        csv.length());
    }

    private static DataSourceRecord awaitDone(Fixture fixture, String id) {
        return fixture.dataSources().await(fixture.workspaceId(), id, Duration.ofSeconds(30), phase -> {}, () -> false);
    }

    private static List<String> tables(Fixture fixture) {
        return fixture.workspaces().withConnection(fixture.workspaceId(), connection -> {
            List<String> names = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aRestartResumesAnInterruptedSourceAfterDroppingStagingAndHalfPublishedTables(MetadataStores stores)
            throws Exception {
        try (Fixture fixture = open(stores)) {
            DataSourceRecord record = interrupted(fixture, CSV);
            fixture.workspaces().withConnection(fixture.workspaceId(), connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE __claribi_staging_dead_0 (x INTEGER)");
                    statement.execute("CREATE TABLE \"" + record.id() + "\" (x INTEGER)");
                }
                return null;
            });

            assertThat(fixture.dataSources().resumeInterrupted()).isEqualTo(1);
            DataSourceRecord done = awaitDone(fixture, record.id());

            assertThat(done.status()).isEqualTo(DataSourceStatus.READY);
            assertThat(done.profile().orElseThrow().rowCount()).isEqualTo(3);
            assertThat(tables(fixture)).containsExactly(record.id());
            assertThat(fixture.catalog().attempts(fixture.workspaceId(), record.id()))
                    .isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aSourceWhoseRawFileIsGoneOrThatWasInterruptedThreeTimesFailsAndGivesBackItsQuota(MetadataStores stores)
            throws Exception {
        try (Fixture fixture = open(stores)) {
            DataSourceRecord missing = interrupted(fixture, CSV);
            Files.delete(fixture.workspaces().folder(fixture.workspaceId()).resolve(missing.rawPath()));
            DataSourceRecord crashing = interrupted(fixture, CSV);
            for (int attempt = 0; attempt < DataSources.MAX_ATTEMPTS; attempt++) {
                fixture.catalog().startAttempt(fixture.workspaceId(), crashing.id());
            }

            assertThat(fixture.dataSources().resumeInterrupted()).isZero();

            DataSourceRecord gone =
                    fixture.catalog().get(fixture.workspaceId(), missing.id()).orElseThrow();
            assertThat(gone.status()).isEqualTo(DataSourceStatus.FAILED);
            assertThat(gone.failureReason())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("stored file is missing"));
            DataSourceRecord given =
                    fixture.catalog().get(fixture.workspaceId(), crashing.id()).orElseThrow();
            assertThat(given.status()).isEqualTo(DataSourceStatus.FAILED);
            assertThat(given.failureReason())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("interrupted 3 times"));
            assertThat(fixture.plans()
                            .usage(fixture.workspaceId())
                            .of(Quota.DATA_SOURCES)
                            .used())
                    .isZero();
            assertThat(tables(fixture)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void uploadsCountAgainstEveryQuotaAndDeletingGivesBackTheStandingOnes(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores)) {
            String base64 = Base64.getEncoder().encodeToString(CSV.getBytes(StandardCharsets.UTF_8));
            DataSourceRecord accepted =
                    fixture.dataSources().upload(fixture.workspaceId(), "Cities", SourceFormat.CSV, base64);
            assertThat(accepted.status()).isEqualTo(DataSourceStatus.PROCESSING);
            assertThat(Files.readString(
                            fixture.workspaces().folder(fixture.workspaceId()).resolve(accepted.rawPath())))
                    .isEqualTo(CSV);
            DataSourceRecord ready = awaitDone(fixture, accepted.id());
            assertThat(ready.status()).isEqualTo(DataSourceStatus.READY);
            assertThat(fixture.dataSources().preview(ready, 2).orElseThrow().rows())
                    .hasSize(2)
                    .first()
                    .satisfies(row -> assertThat(row).containsExactly(1L, "Paris", 10.5));

            var usage = fixture.plans().usage(fixture.workspaceId());
            assertThat(usage.of(Quota.DATA_SOURCES).used()).isEqualTo(1);
            assertThat(usage.of(Quota.UPLOADS).used()).isEqualTo(1);
            assertThat(usage.of(Quota.STORAGE_BYTES).used()).isEqualTo(CSV.length());

            fixture.dataSources().delete(fixture.workspaceId(), accepted.id());
            usage = fixture.plans().usage(fixture.workspaceId());
            assertThat(usage.of(Quota.DATA_SOURCES).used()).isZero();
            assertThat(usage.of(Quota.UPLOADS).used())
                    .as("uploads this month stay counted")
                    .isEqualTo(1);
            assertThat(usage.of(Quota.STORAGE_BYTES).used()).isZero();
            assertThat(tables(fixture)).isEmpty();
            assertThatThrownBy(() -> fixture.dataSources().delete(fixture.workspaceId(), accepted.id()))
                    .isInstanceOfSatisfying(
                            ClariException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void theFifthUploadOfTheMonthOnTrialIsRefusedEvenAfterDeletes(MetadataStores stores) throws Exception {
        try (Fixture fixture = open(stores)) {
            String base64 = Base64.getEncoder().encodeToString(CSV.getBytes(StandardCharsets.UTF_8));
            for (int index = 0; index < 5; index++) {
                DataSourceRecord accepted =
                        fixture.dataSources().upload(fixture.workspaceId(), "Cities", SourceFormat.CSV, base64);
                awaitDone(fixture, accepted.id());
                fixture.dataSources().delete(fixture.workspaceId(), accepted.id());
            }
            assertThatThrownBy(() ->
                            fixture.dataSources().upload(fixture.workspaceId(), "Cities", SourceFormat.CSV, base64))
                    .isInstanceOfSatisfying(ClariException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                        assertThat(e.getMessage()).contains("uploads", "allows 5", "5 used");
                    });
            assertThat(Files.list(
                            fixture.workspaces().folder(fixture.workspaceId()).resolve("raw")))
                    .isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void cancellingTheWaitOfAQueuedUploadFailsItsJobPublishesNothingAndGivesBackTheQuota(MetadataStores stores)
            throws Exception {
        Semaphore jobSlots = new Semaphore(1, true);
        jobSlots.acquire();
        try (Fixture fixture = open(stores, jobSlots)) {
            String base64 = Base64.getEncoder().encodeToString(CSV.getBytes(StandardCharsets.UTF_8));
            DataSourceRecord accepted =
                    fixture.dataSources().upload(fixture.workspaceId(), "Cities", SourceFormat.CSV, base64);

            DataSourceRecord whenCancelled = fixture.dataSources()
                    .await(fixture.workspaceId(), accepted.id(), Duration.ofSeconds(30), phase -> {}, () -> true);
            assertThat(whenCancelled.status()).isEqualTo(DataSourceStatus.PROCESSING);
            jobSlots.release();
            DataSourceRecord done = awaitDone(fixture, accepted.id());

            assertThat(done.status()).isEqualTo(DataSourceStatus.FAILED);
            assertThat(done.failureReason())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("cancelled"));
            assertThat(done.profile()).isEmpty();
            assertThat(tables(fixture)).isEmpty();
            assertThat(fixture.plans()
                            .usage(fixture.workspaceId())
                            .of(Quota.DATA_SOURCES)
                            .used())
                    .isZero();
        }
    }
}
