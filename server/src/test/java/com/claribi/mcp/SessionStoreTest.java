package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The session store's contract, on both metadata stores. */
class SessionStoreTest {
    @TempDir
    Path folder;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void anEndedSessionIsGoneAtOnce(MetadataStores stores) {
        try (MetadataStore metadata = stores.open(folder)) {
            SessionStore sessions = new SessionStore(metadata, Clock.systemUTC());
            String id = sessions.create("2025-11-25", "streamable", "test", "1", "{}")
                    .id();
            assertThat(sessions.find(id)).isPresent();

            assertThat(sessions.end(id)).isTrue();

            assertThat(sessions.find(id)).isEmpty();
            assertThat(sessions.end(id)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aSessionIdleLongerThanTheTimeoutExpiresEvenWhenCached(MetadataStores stores) {
        ManualClock clock = new ManualClock();
        try (MetadataStore metadata = stores.open(folder)) {
            SessionStore sessions = new SessionStore(metadata, clock);
            String id = sessions.create("2025-11-25", "streamable", "test", "1", "{}")
                    .id();
            assertThat(sessions.find(id)).isPresent();

            clock.advance(SessionStore.IDLE_TIMEOUT.plusSeconds(1));

            assertThat(sessions.find(id)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void useKeepsASessionAliveAndIsRecordedInTheRow(MetadataStores stores) {
        ManualClock clock = new ManualClock();
        try (MetadataStore metadata = stores.open(folder)) {
            SessionStore sessions = new SessionStore(metadata, clock);
            String id = sessions.create("2025-11-25", "streamable", "test", "1", "{}")
                    .id();
            for (int hour = 0; hour < 30; hour++) {
                clock.advance(Duration.ofHours(1));
                assertThat(sessions.find(id)).as("after %d h of use", hour + 1).isPresent();
            }

            // A fresh store (a restart, or another process) reads the recorded last use.
            SessionStore restarted = new SessionStore(metadata, clock);
            assertThat(restarted.find(id)).isPresent();
            clock.advance(SessionStore.IDLE_TIMEOUT.minusMinutes(10));
            assertThat(restarted.find(id)).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aLogLevelChangeIsSeenByTheNextLookup(MetadataStores stores) {
        try (MetadataStore metadata = stores.open(folder)) {
            SessionStore sessions = new SessionStore(metadata, Clock.systemUTC());
            String id = sessions.create("2025-11-25", "streamable", "test", "1", "{}")
                    .id();
            assertThat(sessions.find(id).orElseThrow().logLevel()).isEmpty();

            sessions.setLogLevel(id, LogLevel.WARNING);

            assertThat(sessions.find(id).orElseThrow().logLevel()).contains("warning");
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void unknownAndOverlongIdsAreNotSessions(MetadataStores stores) {
        try (MetadataStore metadata = stores.open(folder)) {
            SessionStore sessions = new SessionStore(metadata, Clock.systemUTC());

            assertThat(sessions.find("no-such-session")).isEmpty();
            assertThat(sessions.find("x".repeat(65))).isEmpty();
            assertThat(sessions.find(null)).isEmpty();
        }
    }
}
