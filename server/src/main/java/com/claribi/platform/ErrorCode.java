package com.claribi.platform;

/**
 * Every failure clariBI reports on purpose. Each adapter maps a code to its own wire form (HTTP
 * status, JSON-RPC error, {@code isError} tool result) in exactly one place.
 */
public enum ErrorCode {
    /** The caller sent something malformed or out of range; the message says what to change. */
    INVALID_ARGUMENT(400),
    /** No credentials, or credentials that are not valid. */
    UNAUTHENTICATED(401),
    /** Valid credentials that lack a scope, a tier feature or a membership. */
    FORBIDDEN(403),
    /** The named thing does not exist for this caller (also used for other tenants' ids). */
    NOT_FOUND(404),
    /** The request conflicts with the current state (already exists, already used). */
    CONFLICT(409),
    /** A body, file or field is larger than its cap. */
    TOO_LARGE(413),
    /** A plan quota (credits, uploads, storage, data sources) is used up. */
    QUOTA_EXCEEDED(402),
    /** Too many requests in a window; retry later. */
    RATE_LIMITED(429),
    /** A dependency (database, mail, provider) is not reachable right now. */
    UNAVAILABLE(503),
    /** A bug or an unexpected state; the message shown to callers is generic. */
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
