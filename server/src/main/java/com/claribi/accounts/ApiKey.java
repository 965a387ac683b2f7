package com.claribi.accounts;

import com.claribi.auth.Scope;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What is known about an API key besides its secret, which is never kept.
 *
 * @param displayHint the prefix and first characters, so a user can tell keys apart
 */
public record ApiKey(
        String id,
        String workspaceId,
        String userId,
        KeyKind kind,
        String name,
        String displayHint,
        Set<Scope> scopes,
        Instant createdAt,
        Optional<Instant> lastUsedAt,
        Optional<Instant> revokedAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(displayHint, "displayHint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public boolean revoked() {
        return revokedAt.isPresent();
    }
}
