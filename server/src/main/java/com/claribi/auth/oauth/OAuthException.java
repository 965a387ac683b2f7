package com.claribi.auth.oauth;

/**
 * An OAuth protocol error as the endpoints answer it (RFC 6749 §5.2, RFC 7591 §3.2.2): {@code error}
 * is the registered code, {@code description} a message safe to show, {@code status} the HTTP
 * status.
 */
final class OAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    OAuthException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    static OAuthException invalidRequest(String description) {
        return new OAuthException(400, "invalid_request", description);
    }

    static OAuthException invalidGrant(String description) {
        return new OAuthException(400, "invalid_grant", description);
    }

    static OAuthException invalidClient(String description) {
        return new OAuthException(401, "invalid_client", description);
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
