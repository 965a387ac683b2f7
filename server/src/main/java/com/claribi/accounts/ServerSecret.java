package com.claribi.accounts;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import org.jdbi.v3.core.Jdbi;

/**
 * Secrets the server makes for itself, generated once and kept in the metadata store so every
 * server sharing a PostgreSQL database uses the same one. Never logged; {@link #toString()} hides
 * the value.
 */
final class ServerSecret {
    private final byte[] value;

    private ServerSecret(byte[] value) {
        this.value = value;
    }

    /** The secret called {@code name}, creating 32 random bytes the first time (race-safe). */
    static ServerSecret loadOrCreate(Jdbi jdbi, Clock clock, String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String stored = jdbi.inTransaction(handle -> {
            handle.createUpdate("INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?)"
                            + " ON CONFLICT DO NOTHING")
                    .bind(0, name)
                    .bind(1, Base64.getEncoder().encodeToString(fresh))
                    .bind(2, Accounts.utc(clock.instant()))
                    .execute();
            return handle.createQuery("SELECT secret FROM server_secrets WHERE name = ?")
                    .bind(0, name)
                    .mapTo(String.class)
                    .one();
        });
        return new ServerSecret(Base64.getDecoder().decode(stored));
    }

    byte[] bytes() {
        return value.clone();
    }

    @Override
    public String toString() {
        return "ServerSecret[(redacted)]";
    }
}
