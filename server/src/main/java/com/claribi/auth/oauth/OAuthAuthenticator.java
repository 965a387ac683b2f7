package com.claribi.auth.oauth;

import com.claribi.auth.Authenticator;
import java.util.Objects;

/**
 * The credential check with OAuth access tokens added: a {@code claribi_oat_…} token is resolved by
 * the authorization server (at {@code /mcp/v1/} only; the REST API gets a directional refusal);
 * every other credential goes to the key authenticator unchanged.
 */
public final class OAuthAuthenticator implements Authenticator {
    static final String INVALID = "This credential is not valid: it may be mistyped, revoked or expired.";

    private final Authenticator keys;
    private final AuthorizationServer server;

    public OAuthAuthenticator(Authenticator keys, AuthorizationServer server) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.server = Objects.requireNonNull(server, "server");
    }

    @Override
    public Outcome authenticate(Surface surface, String bearerToken) {
        if (bearerToken == null || !bearerToken.startsWith(AuthorizationServer.ACCESS_TOKEN_PREFIX)) {
            return keys.authenticate(surface, bearerToken);
        }
        return switch (surface) {
            case REST ->
                new Outcome.Refused(
                        "This is an OAuth access token for the MCP endpoint (claribi_oat_…): it works only at"
                                + " /mcp/v1/. The REST API at /api/v1/ needs a REST API key (claribi_api_…) from Settings >"
                                + " Developer in the clariBI web app.");
            case MCP ->
                server.resolveAccessToken(bearerToken)
                        .<Outcome>map(Outcome.Authenticated::new)
                        .orElseGet(() -> new Outcome.Refused(INVALID));
        };
    }
}
