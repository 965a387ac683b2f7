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
 * serves them. A session ended or expired is refused at once by every process (MCP 2025-11-25
 * §basic/transports "Session Management": a terminated session MUST be answered with 404):
 *
 * <ul>
 *   <li>embedded H2: only one process can open the database (file lock), so every change goes
 *       through this store and a local cache, updated on every change, is exact;
 *   <li>PostgreSQL: several processes may share the database, so every lookup reads the row (a
 *       primary-key lookup) and nothing is cached.
 * </ul>
 *
 * Idle sessions expire after {@link #IDLE_TIMEOUT}. Thread-safe.
 */
final class SessionStore {
    static final Duration IDLE_TIMEOUT = Duration.ofHours(24);
    /** {@code last_seen_at} is written at most this often per session, keeping writes off the hot path. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Live sessions by id, embedded store only; empty when every lookup must read the row. */
    private final Optional<Cache<String, Session>> cache;

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
        // Evicting an entry only costs a later read of the row, so the bounds are about memory.
        this.cache = metadata.kind() == MetadataStore.Kind.EMBEDDED
                ? Optional.of(Caffeine.newBuilder()
                        .expireAfterAccess(Duration.ofMinutes(30))
                        .maximumSize(50_000)
                        .build())
                : Optional.empty();
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
        cache.ifPresent(sessions -> sessions.put(id, session));
        return session;
    }

    /** The live session with this id; empty when unknown, ended or expired. */
    Optional<Session> find(String id) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        if (cache.isEmpty()) {
            return load(id).map(this::touched);
        }
        Cache<String, Session> sessions = cache.get();
        // Caffeine computes a missing entry atomically per key, and invalidate() waits for such a
        // computation, so a change written before its invalidate() can never be overwritten here.
        Session cached = sessions.get(id, key -> load(key).map(this::touched).orElse(null));
        if (cached == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(cached, now)) {
            sessions.asMap().remove(id, cached);
            return Optional.empty();
        }
        if (needsTouch(cached, now)) {
            Session touched = touched(cached);
            sessions.asMap().replace(id, cached, touched);
            return Optional.of(touched);
        }
        return Optional.of(cached);
    }

    /** The row, when the session is neither ended nor idle past {@link #IDLE_TIMEOUT}. */
    private Optional<Session> load(String id) {
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
        return loaded.filter(session -> !expired(session, clock.instant()));
    }

    private static boolean expired(Session session, Instant now) {
        return session.lastSeenAt().plus(IDLE_TIMEOUT).isBefore(now);
    }

    private static boolean needsTouch(Session session, Instant now) {
        return session.lastSeenAt().plus(TOUCH_INTERVAL).isBefore(now);
    }

    /** Writes {@code last_seen_at} when it is older than {@link #TOUCH_INTERVAL}. */
    private Session touched(Session session) {
        Instant now = clock.instant();
        if (!needsTouch(session, now)) {
            return session;
        }
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE mcp_sessions SET last_seen_at = :now WHERE id = :id AND ended_at IS NULL")
                .bind("now", LocalDateTime.ofInstant(now, ZoneOffset.UTC))
                .bind("id", session.id())
                .execute());
        return new Session(
                session.id(),
                session.protocolVersion(),
                session.transport(),
                session.clientCapabilities(),
                session.logLevel(),
                now);
    }

    /** Ends a session; later requests bearing its id get 404. @return false when it was not live */
    boolean end(String id) {
        int updated = jdbi.withHandle(handle -> handle.createUpdate(
                        "UPDATE mcp_sessions SET ended_at = :now WHERE id = :id AND ended_at IS NULL")
                .bind("now", now())
                .bind("id", id)
                .execute());
        forget(id);
        return updated > 0;
    }

    /** Drops the cached row after the database changed (never before: see {@link #find}). */
    private void forget(String id) {
        cache.ifPresent(sessions -> sessions.invalidate(id));
    }

    /** Records what a legacy-SSE client declared in {@code initialize}, which follows the session's creation. */
    void initialized(String id, String protocolVersion, String clientName, String clientVersion, String capabilities) {
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
        forget(id);
    }

    void setLogLevel(String id, LogLevel level) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE mcp_sessions SET log_level = :level WHERE id = :id")
                .bind("level", level.wireName())
                .bind("id", id)
                .execute());
        forget(id);
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

    /** Live sessions subscribed to {@code uri}. */
    java.util.List<String> subscribers(String uri) {
        return jdbi.withHandle(handle ->
                handle.createQuery("""
                        SELECT s.session_id FROM mcp_resource_subscriptions s
                        JOIN mcp_sessions m ON m.id = s.session_id
                        WHERE s.uri = :uri AND m.ended_at IS NULL""").bind("uri", uri).mapTo(String.class).list());
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
