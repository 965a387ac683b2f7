package com.claribi.auth.oauth;

import java.net.URI;
import java.util.Objects;

/** What checking an authorization request concluded (RFC 6749 §4.1.2.1). */
public sealed interface AuthorizationCheck {
    /** The request may proceed to sign-in and consent. */
    record Valid(AuthorizationRequest request) implements AuthorizationCheck {
        public Valid {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * The client or redirect URI is missing, unknown or does not match: the error is shown on our own
     * page and the browser is never redirected. {@code message} is safe to show.
     */
    record ShowError(String message) implements AuthorizationCheck {
        public ShowError {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Any other error: sent back to the verified redirect URI with {@code error} and {@code state}. */
    record RedirectError(URI location) implements AuthorizationCheck {
        public RedirectError {
            Objects.requireNonNull(location, "location");
        }
    }
}
