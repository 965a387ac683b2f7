package com.claribi.auth.oauth;

import java.net.URI;

/**
 * Fetches a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document) from its
 * https URL. Implementations must be SSRF-safe (SPEC §6), bounded in size and time, and throw on any
 * failure with a message safe to show.
 */
@FunctionalInterface
public interface ClientMetadataFetcher {
    String fetch(URI documentUrl);

    /** Refuses every fetch; for graphs without an outbound fetcher. */
    ClientMetadataFetcher NONE = url -> {
        throw new IllegalStateException("Client ID Metadata Documents cannot be fetched on this server.");
    };
}
