package com.claribi.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Browser sessions: the cookie carries 256 random bits, the store only their SHA-256, with the
 * session's CSRF token. Sessions last 12 hours. Thread-safe.
 */
final class WebSessions {
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Session(String userId, String csrf) {
        Session {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(csrf, "csrf");
        }
    }

    record Created(String cookieValue, Session session) {}

    private final Jdbi jdbi;
    private final Clock clock;

    WebSessions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    Created create(String userId) {
        String cookie = random();
        String csrf = random();
        Instant now = clock.instant();
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO web_sessions (id_sha256, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
                .bind(0, sha256Hex(cookie))
                .bind(1, userId)
                .bind(2, csrf)
                .bind(3, now.atOffset(ZoneOffset.UTC))
                .bind(4, now.plus(LIFETIME).atOffset(ZoneOffset.UTC))
                .execute());
        return new Created(cookie, new Session(userId, csrf));
    }

    Optional<Session> find(String cookieValue) {
        if (cookieValue == null || cookieValue.length() != 43) {
            return Optional.empty();
        }
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT user_id, csrf_token FROM web_sessions WHERE id_sha256 = ? AND expires_at > ?")
                .bind(0, sha256Hex(cookieValue))
                .bind(1, clock.instant().atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Session(rs.getString("user_id"), rs.getString("csrf_token")))
                .findOne());
    }

    void delete(String cookieValue) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM web_sessions WHERE id_sha256 = ? OR expires_at < ?")
                .bind(0, sha256Hex(cookieValue == null ? "" : cookieValue))
                .bind(1, OffsetDateTime.now(clock).minusDays(1))
                .execute());
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean same(String left, String right) {
        return left != null
                && right != null
                && MessageDigest.isEqual(left.getBytes(StandardCharsets.UTF_8), right.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
