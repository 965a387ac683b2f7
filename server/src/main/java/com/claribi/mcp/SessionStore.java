package com.claribi.mcp;

import com.claribi.storage.MetadataStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * MCP sessions as rows of {@code mcp_sessions}, so every server process on the same database
 * serves them. Lookups are cached for {@link #CACHE_TTL}: a session ended by another process is
 * refused here within that time, one ended by this process at once. Idle sessions expire after
 * {@link #IDLE_TIMEOUT}. Thread-safe.
 */
final class SessionStore {
    static final Duration CACHE_TTL = Duration.ofSeconds(2);
    static final Duration IDLE_TIMEOUT = Duration.ofHours(24);
    /** {@code last_seen_at} is written at most this often per session, keeping writes off the hot path. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Cache<String, Session> cache;

    /**
     * @param clientCapabilities the JSON object the client declared, as text
     * @param logLevel the level set with {@code logging/setLevel}, empty until then
     */
    record Session(
            String id,
            String protocolVersion,
            String transport,
            String clientCapabilities,
            Optional<String> logLevel,
            Instant lastSeenAt) {
        Session {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(protocolVersion, "protocolVersion");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(clientCapabilities, "clientCapabilities");
            Objects.requireNonNull(logLevel, "logLevel");
            Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        }
    }

    SessionStore(MetadataStore metadata, Clock clock) {
        this.jdbi = metadata.jdbi();
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(CACHE_TTL)
                .maximumSize(50_000)
                .build();
    }

    /** Creates a session with a 256-bit random id, visible ASCII only (base64url). */
    Session create(
            String protocolVersion, String transport, String clientName, String clientVersion, String capabilities) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        LocalDateTime now = now();
        jdbi.useHandle(handle -> handle.createUpdate("""
                        INSERT INTO mcp_sessions (id, protocol_version, transport, client_name, client_version,
                            client_capabilities, created_at, last_seen_at)
                        VALUES (:id, :version, :transport, :name, :clientVersion, :capabilities, :now, :now)""")
                .bind("id", id)
                .bind("version", protocolVersion)
                .bind("transport", transport)
                .bind("name", limit(clientName, 200))
                .bind("clientVersion", limit(clientVersion, 100))
                .bind("capabilities", limit(capabilities, 8000))
                .bind("now", now)
                .execute());
        Session session = new Session(
                id,
                protocolVersion,
                transport,
                limit(capabilities, 8000),
                Optional.empty(),
                now.toInstant(ZoneOffset.UTC));
        cache.put(id, session);
        return session;
    }

    /** The live session with this id; empty when unknown, ended or expired. */
    Optional<Session> find(String id) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        Session cached = cache.getIfPresent(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Session> loaded = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT id, protocol_version, transport, client_capabilities, log_level, last_seen_at
                        FROM mcp_sessions WHERE id = :id AND ended_at IS NULL""")
                .bind("id", id)
                .map((rs, ctx) -> new Session(
                        rs.getString("id"),
                        rs.getString("protocol_version"),
                        rs.getString("transport"),
                        rs.getString("client_capabilities"),
                        Optional.ofNullable(rs.getString("log_level")),
                        rs.getObject("last_seen_at", LocalDateTime.class).toInstant(ZoneOffset.UTC)))
                .findOne());
        Instant now = clock.instant();
        if (loaded.isEmpty() || loaded.get().lastSeenAt().plus(IDLE_TIMEOUT).isBefore(now)) {
            return Optional.empty();
        }
        Session session = loaded.get();
        if (session.lastSeenAt().plus(TOUCH_INTERVAL).isBefore(now)) {
            jdbi.useHandle(handle -> handle.createUpdate("UPDATE mcp_sessions SET last_seen_at = :now WHERE id = :id")
                    .bind("now", now())
                    .bind("id", id)
                    .execute());
            session = new Session(
                    session.id(),
                    session.protocolVersion(),
                    session.transport(),
                    session.clientCapabilities(),
                    session.logLevel(),
                    now);
        }
        cache.put(id, session);
        return Optional.of(session);
    }

    /** Ends a session; later requests bearing its id get 404. @return false when it was not live */
    boolean end(String id) {
        cache.invalidate(id);
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE mcp_sessions SET ended_at = :now WHERE id = :id AND ended_at IS NULL")
                .bind("now", now())
                .bind("id", id)
                .execute());
        return updated > 0;
    }

    /** Records what a legacy-SSE client declared in {@code initialize}, which follows the session's creation. */
    void initialized(String id, String protocolVersion, String clientName, String clientVersion, String capabilities) {
        cache.invalidate(id);
        jdbi.useHandle(handle -> handle.createUpdate("""
                        UPDATE mcp_sessions SET protocol_version = :version, client_name = :name,
                            client_version = :clientVersion, client_capabilities = :capabilities
                        WHERE id = :id""")
                .bind("version", protocolVersion)
                .bind("name", limit(clientName, 200))
                .bind("clientVersion", limit(clientVersion, 100))
                .bind("capabilities", limit(capabilities, 8000))
                .bind("id", id)
                .execute());
    }

    void setLogLevel(String id, LogLevel level) {
        cache.invalidate(id);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE mcp_sessions SET log_level = :level WHERE id = :id")
                .bind("level", level.wireName())
                .bind("id", id)
                .execute());
    }

    void subscribe(String id, String uri) {
        jdbi.useHandle(handle -> {
            int exists = handle.createQuery(
                            "SELECT COUNT(*) FROM mcp_resource_subscriptions WHERE session_id = :id AND uri = :uri")
                    .bind("id", id)
                    .bind("uri", uri)
                    .mapTo(Integer.class)
                    .one();
            if (exists == 0) {
                handle.createUpdate(
                                "INSERT INTO mcp_resource_subscriptions (session_id, uri, created_at) VALUES (:id, :uri, :now)")
                        .bind("id", id)
                        .bind("uri", uri)
                        .bind("now", now())
                        .execute();
            }
        });
    }

    void unsubscribe(String id, String uri) {
        jdbi.useHandle(handle -> handle.createUpdate(
                        "DELETE FROM mcp_resource_subscriptions WHERE session_id = :id AND uri = :uri")
                .bind("id", id)
                .bind("uri", uri)
                .execute());
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static String limit(String value, int max) {
        if (value == null) {
            return null;
        }
        return value.length() <= max ? value : value.substring(0, max);
    }
}
