package com.claribi.auth;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.ResolvedCredential;
import com.claribi.accounts.ResolvedCredential.CredentialType;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The credential check both surfaces share (SPEC §3): MCP API keys and {@code verify_email} access
 * tokens at {@code /mcp/v1/}, REST API keys at {@code /api/v1/}. A credential of the other surface's
 * kind is refused with a directional message (what it is, where it works, where to get the right
 * kind) before any lookup; malformed, unknown, revoked and expired credentials all get the same
 * refusal. Never logs the credential. Thread-safe.
 */
public final class KeyAuthenticator implements Authenticator {
    static final String INVALID = "This credential is not valid: it may be mistyped, revoked or expired.";

    private final Accounts accounts;
    private final Supplier<URI> publicUrl;

    public KeyAuthenticator(Accounts accounts, Supplier<URI> publicUrl) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
    }

    @Override
    public Outcome authenticate(Surface surface, String bearerToken) {
        if (bearerToken == null || bearerToken.isBlank() || bearerToken.length() > 200) {
            return new Outcome.Refused(INVALID);
        }
        Optional<CredentialType> claimed = CredentialType.ofPrefix(bearerToken);
        if (claimed.isEmpty()) {
            return new Outcome.Refused(INVALID);
        }
        Optional<String> wrongSurface = directional(surface, claimed.get());
        if (wrongSurface.isPresent()) {
            return new Outcome.Refused(wrongSurface.get());
        }
        Optional<ResolvedCredential> resolved = accounts.resolve(bearerToken);
        if (resolved.isEmpty()) {
            return new Outcome.Refused(INVALID);
        }
        ResolvedCredential credential = resolved.get();
        return new Outcome.Authenticated(new Principal(
                credential.userId(),
                credential.workspaceId(),
                credential.scopes(),
                switch (credential.type()) {
                    case MCP_API_KEY -> Principal.CredentialKind.MCP_API_KEY;
                    case REST_API_KEY -> Principal.CredentialKind.REST_API_KEY;
                    case ACCESS_TOKEN -> Principal.CredentialKind.ACCESS_TOKEN;
                },
                credential.credentialId()));
    }

    private Optional<String> directional(Surface surface, CredentialType type) {
        String base = publicUrl.get().toString();
        return switch (surface) {
            case REST ->
                switch (type) {
                    case REST_API_KEY -> Optional.empty();
                    case MCP_API_KEY ->
                        Optional.of("This is an MCP API key (claribi_mcp_…): it works only at the MCP"
                                + " endpoint " + base + "/mcp/v1/. The REST API at " + base
                                + "/api/v1/ needs a REST API"
                                + " key (claribi_api_…): mint one in the clariBI web app under Settings > Developer > API"
                                + " keys, or with POST " + base + "/api/v1/api-keys and {\"kind\": \"rest\"} using an"
                                + " existing REST key.");
                    case ACCESS_TOKEN ->
                        Optional.of("This is a conversation access token from verify_email: it works"
                                + " only at the MCP endpoint " + base + "/mcp/v1/. The REST API at " + base + "/api/v1/"
                                + " needs a REST API key (claribi_api_…): mint one in the clariBI web app under Settings >"
                                + " Developer > API keys.");
                };
            case MCP ->
                switch (type) {
                    case MCP_API_KEY, ACCESS_TOKEN -> Optional.empty();
                    case REST_API_KEY ->
                        Optional.of("This is a REST API key (claribi_api_…): it works only at the REST"
                                + " API " + base + "/api/v1/. The MCP endpoint " + base
                                + "/mcp/v1/ needs an MCP API key"
                                + " (claribi_mcp_…): use the one verify_email returned, mint one in the clariBI web app"
                                + " under Settings > Developer > MCP Server, or with POST " + base + "/api/v1/api-keys"
                                + " and {\"kind\": \"mcp\"}.");
                };
        };
    }
}
