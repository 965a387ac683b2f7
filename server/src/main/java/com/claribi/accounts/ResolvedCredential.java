package com.claribi.accounts;

import com.claribi.auth.Scope;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** A bearer secret that matched a live key or token. */
public record ResolvedCredential(
        CredentialType type, String credentialId, String userId, String workspaceId, Set<Scope> scopes) {
    public ResolvedCredential {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    /** Which kind of secret a bearer string claims to be, read from its prefix alone. */
    public enum CredentialType {
        MCP_API_KEY,
        REST_API_KEY,
        ACCESS_TOKEN;

        /** The type a bearer string's prefix names, whether or not the rest of it is valid. */
        public static java.util.Optional<CredentialType> ofPrefix(String bearer) {
            if (bearer == null) {
                return java.util.Optional.empty();
            }
            if (bearer.startsWith(Tokens.MCP_KEY_PREFIX)) {
                return java.util.Optional.of(MCP_API_KEY);
            }
            if (bearer.startsWith(Tokens.REST_KEY_PREFIX)) {
                return java.util.Optional.of(REST_API_KEY);
            }
            if (bearer.startsWith(Tokens.ACCESS_TOKEN_PREFIX)) {
                return java.util.Optional.of(ACCESS_TOKEN);
            }
            return java.util.Optional.empty();
        }
    }
}
