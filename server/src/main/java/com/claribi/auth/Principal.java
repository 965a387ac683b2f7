package com.claribi.auth;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, resolved once per request from a credential. Features take a principal and plain
 * arguments; they never see the request or the credential itself.
 *
 * @param userId the user the credential belongs to
 * @param workspaceId the workspace every call acts in; ids from other workspaces are not found
 * @param scopes what this credential may do
 * @param credential what kind of credential was presented
 * @param credentialId a non-secret id of that credential (key id, token id) for audit and revocation
 */
public record Principal(
        String userId, String workspaceId, Set<Scope> scopes, CredentialKind credential, String credentialId) {
    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(credentialId, "credentialId");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** The kinds of credential clariBI issues. */
    public enum CredentialKind {
        /** {@code claribi_mcp_…}: long-lived, works only at {@code /mcp/v1/}. */
        MCP_API_KEY,
        /** {@code claribi_api_…}: long-lived, works only at {@code /api/v1/}. */
        REST_API_KEY,
        /** The one-hour token {@code verify_email} returns for the current conversation. */
        ACCESS_TOKEN,
        /** An access token from the OAuth authorization server. */
        OAUTH_ACCESS_TOKEN,
        /** A signed-in browser session of the web app. */
        WEB_SESSION
    }
}
