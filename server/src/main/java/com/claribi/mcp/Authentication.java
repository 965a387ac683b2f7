package com.claribi.mcp;

import com.claribi.auth.Principal;
import java.util.Objects;

/** What the bearer credential of one request established. */
sealed interface Authentication {
    record Anonymous() implements Authentication {}

    record Authenticated(Principal principal) implements Authentication {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
        }
    }

    /** A credential was presented and refused; {@code message} is safe to show. */
    record Refused(String message) implements Authentication {
        public Refused {
            Objects.requireNonNull(message, "message");
        }
    }
}
