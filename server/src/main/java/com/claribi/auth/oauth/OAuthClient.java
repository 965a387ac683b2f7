package com.claribi.auth.oauth;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A client of the authorization server: registered through RFC 7591 or described by a Client ID
 * Metadata Document (then {@code id} is the document's https URL).
 *
 * @param authMethod {@code none} (public client, PKCE only), {@code client_secret_basic} or {@code
 *     client_secret_post}
 * @param name the name the client gave itself; shown on the consent screen, never trusted
 */
public record OAuthClient(
        String id,
        String authMethod,
        String name,
        List<String> redirectUris,
        List<String> grantTypes,
        boolean metadataDocument,
        Instant createdAt) {
    public OAuthClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(authMethod, "authMethod");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
        redirectUris = List.copyOf(redirectUris);
        grantTypes = List.copyOf(grantTypes);
    }

    public boolean isPublic() {
        return authMethod.equals("none");
    }

    /** The host a browser will be sent back to, for the consent screen. */
    public static String hostOf(String redirectUri) {
        URI uri = URI.create(redirectUri);
        if (uri.getHost() != null) {
            return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        }
        return uri.getScheme() + ":";
    }
}
