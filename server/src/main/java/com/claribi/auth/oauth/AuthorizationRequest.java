package com.claribi.auth.oauth;

import com.claribi.auth.Scope;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636, and RFC 8707 {@code resource})
 * whose client and redirect URI have been checked, so errors may now go back to the client.
 *
 * @param redirectUri the redirect URI exactly as the client sent it (or its only registered one)
 * @param query the original query string, carried through sign-in and the consent form and checked
 *     again on submission
 */
public record AuthorizationRequest(
        OAuthClient client,
        String redirectUri,
        Set<Scope> scopes,
        Optional<String> state,
        String codeChallenge,
        String resource,
        String query) {
    public AuthorizationRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(query, "query");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }
}
