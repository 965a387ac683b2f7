package com.claribi.accounts;

import java.time.Instant;
import java.util.Objects;

/** What {@code register_account} answers, the same whether or not the email already has an account. */
public record SignupStarted(String pendingId, Instant expiresAt) {
    public SignupStarted {
        Objects.requireNonNull(pendingId, "pendingId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
