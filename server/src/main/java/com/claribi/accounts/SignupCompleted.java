package com.claribi.accounts;

import java.util.Objects;

/**
 * A finished signup: the new user and workspace, the MCP API key and the one-hour access token, both
 * shown this once.
 */
public record SignupCompleted(User user, Workspace workspace, MintedKey mcpKey, IssuedToken accessToken) {
    public SignupCompleted {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(mcpKey, "mcpKey");
        Objects.requireNonNull(accessToken, "accessToken");
    }
}
