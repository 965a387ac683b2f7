package com.claribi.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.testsupport.MetadataStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link MetadataStore} promises, run once per implementation by a subclass. Tables made
 * here are test-only and live in the fresh store of one test.
 */
abstract class MetadataStoreContract {
    @TempDir
    Path folder;

    MetadataStore store;

    /** Which store this run proves. */
    abstract MetadataStores kind();

    /** How many connections the store pools. */
    abstract int poolSize();

    @BeforeEach
    void open() {
        store = kind().open(folder);
        store.jdbi().useHandle(handle -> handle.execute("""
                CREATE TABLE contract_probe (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name VARCHAR(100) NOT NULL UNIQUE,
                    happened_at TIMESTAMP WITH TIME ZONE)"""));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void reportsItsKind() {
        assertThat(store.kind().name()).isEqualTo(kind().name());
    }

    @Test
    void migrationsAreAppliedOnOpenAndAllSucceeded() {
        long failed = store.jdbi()
                .withHandle(
                        handle -> handle.createQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = FALSE")
                                .mapTo(Long.class)
                                .one());

        assertThat(failed).isZero();
    }

    @Test
    void isReachableWhileOpenAndNotAfterClose() {
        assertThat(store.isReachable()).isTrue();

        store.close();

        assertThat(store.isReachable()).isFalse();
    }

    @Test
    void reachabilityAnswersPromptlyEvenWhenEveryPooledConnectionIsBusy() {
        List<Handle> busy = new ArrayList<>();
        try {
            for (int i = 0; i < poolSize(); i++) {
                busy.add(store.jdbi().open());
            }
            long started = System.nanoTime();

            boolean reachable = store.isReachable();

            assertThat(reachable).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        } finally {
            busy.forEach(Handle::close);
        }
        assertThat(store.isReachable()).isTrue();
    }

    @Test
    void closeIsIdempotent() {
        store.close();
        store.close();

        assertThat(store.isReachable()).isFalse();
    }

    @Test
    void aCommittedTransactionIsVisible() {
        store.jdbi().useTransaction(handle -> insert(handle, "committed"));

        assertThat(names()).containsExactly("committed");
    }

    @Test
    void aTransactionThatThrowsRollsBackEveryStatement() {
        assertThatThrownBy(() -> store.jdbi().useTransaction(handle -> {
                    insert(handle, "first");
                    insert(handle, "second");
                    throw new IllegalStateException("boom");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(names()).isEmpty();
    }

    @Test
    void aUniqueViolationIsAConflictWithTheCallersMessage() {
        store.jdbi().useHandle(handle -> insert(handle, "taken"));

        assertThatThrownBy(() -> MetadataStore.unique(
                        "That name is taken.", () -> store.jdbi().withHandle(handle -> insert(handle, "taken"))))
                .isInstanceOfSatisfying(ClariException.class, error -> {
                    assertThat(error.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(error.getMessage()).isEqualTo("That name is taken.");
                });
        assertThat(names()).containsExactly("taken");
    }

    @Test
    void otherConstraintViolationsAreNotConflicts() {
        assertThatThrownBy(() -> MetadataStore.unique(
                        "unused",
                        () -> store.jdbi()
                                .withHandle(
                                        handle -> handle.execute("INSERT INTO contract_probe (name) VALUES (NULL)"))))
                .isInstanceOf(JdbiException.class)
                .satisfies(error ->
                        assertThat(MetadataStore.isUniqueViolation(error)).isFalse());
    }

    @Test
    void timestampsWithTimeZoneRoundTripAsTheSameInstant() {
        OffsetDateTime inKolkata =
                OffsetDateTime.of(2026, 3, 29, 1, 30, 15, 123_456_000, ZoneOffset.ofHoursMinutes(5, 30));
        Instant inUtc = Instant.parse("2026-10-25T00:59:59.999999Z");
        store.jdbi().useHandle(handle -> {
            handle.createUpdate("INSERT INTO contract_probe (name, happened_at) VALUES ('offset', :at)")
                    .bind("at", inKolkata)
                    .execute();
            handle.createUpdate("INSERT INTO contract_probe (name, happened_at) VALUES ('instant', :at)")
                    .bind("at", inUtc)
                    .execute();
        });

        assertThat(happenedAt("offset")).isEqualTo(inKolkata.toInstant());
        assertThat(happenedAt("instant")).isEqualTo(inUtc);
        long sameMoment = store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM contract_probe WHERE happened_at = :at")
                        .bind("at", inKolkata.withOffsetSameInstant(ZoneOffset.ofHours(-7)))
                        .mapTo(Long.class)
                        .one());
        assertThat(sameMoment).isOne();
    }

    @Test
    void manyThreadsCanWriteAndReadAtOnce() throws Exception {
        int threads = 16;
        int rowsEach = 25;
        List<Callable<Void>> writers = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            int writer = thread;
            writers.add(() -> {
                for (int row = 0; row < rowsEach; row++) {
                    int current = row;
                    store.jdbi().useTransaction(handle -> {
                        insert(handle, "writer-" + writer + "-row-" + current);
                        handle.createQuery("SELECT COUNT(*) FROM contract_probe")
                                .mapTo(Long.class)
                                .one();
                    });
                }
                return null;
            });
        }
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            for (Future<Void> done : executor.invokeAll(writers)) {
                done.get();
            }
        }

        assertThat(names()).hasSize(threads * rowsEach).doesNotHaveDuplicates();
    }

    private static int insert(Handle handle, String name) {
        return handle.createUpdate("INSERT INTO contract_probe (name) VALUES (:name)")
                .bind("name", name)
                .execute();
    }

    private List<String> names() {
        return store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT name FROM contract_probe ORDER BY id")
                        .mapTo(String.class)
                        .list());
    }

    private Instant happenedAt(String name) {
        return store.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT happened_at FROM contract_probe WHERE name = :name")
                        .bind("name", name)
                        .mapTo(OffsetDateTime.class)
                        .one()
                        .toInstant()
                        .truncatedTo(ChronoUnit.MICROS));
    }
}
