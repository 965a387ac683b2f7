package com.claribi.accounts;

import java.time.Instant;
import java.util.Objects;

/** A short-lived bearer access token just issued; only its SHA-256 is stored. */
public record IssuedToken(String id, String secret, Instant expiresAt) {
    public IssuedToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "IssuedToken[id=" + id + ", secret=(redacted), expiresAt=" + expiresAt + "]";
    }
}
