package com.claribi.accounts;

import java.util.Objects;

/** That {@code userId} belongs to {@code workspaceId} with {@code role}. */
public record Membership(String workspaceId, String userId, String email, Role role) {
    public Membership {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
    }
}
