package com.claribi.accounts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant: every data source, dashboard and key belongs to exactly one workspace.
 *
 * @param tier the tier id as stored; while {@code trialEndsAt} is in the past a {@code trial} tier
 *     is read as the pricing config's after-trial tier (see {@code billing.Plans})
 * @param trialEndsAt when the Trial ends; empty when the workspace never had one
 */
public record Workspace(String id, String name, String tier, Optional<Instant> trialEndsAt, Instant createdAt) {
    public Workspace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(trialEndsAt, "trialEndsAt");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
