package com.claribi.accounts;

import java.time.Instant;
import java.util.Objects;

/** A person who can sign in; {@code email} is stored lower-cased. */
public record User(String id, String email, Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
