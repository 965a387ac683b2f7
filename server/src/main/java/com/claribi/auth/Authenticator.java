package com.claribi.auth;

/**
 * Turns the bearer credential of one request into a {@link Principal}. Every request is
 * authenticated on its own (SPEC §6): a session id is never a credential. Implementations are
 * thread-safe and never log the credential.
 */
public interface Authenticator {

    /** The surface a credential was presented at; each accepts different kinds (SPEC §3). */
    enum Surface {
        MCP,
        REST
    }

    /**
     * @param surface where the credential arrived
     * @param bearerToken the credential without the {@code Bearer } prefix
     */
    Outcome authenticate(Surface surface, String bearerToken);

    /** What authentication concluded. */
    sealed interface Outcome {
        record Authenticated(Principal principal) implements Outcome {}

        /**
         * Refused. {@code message} is safe to show and, for a credential meant for the other surface,
         * directional: it names the surface the key works at and where to get the right kind.
         */
        record Refused(String message) implements Outcome {}
    }

    /** Refuses everything; used until accounts exist in the graph, and in protocol tests. */
    Authenticator NONE = (surface, token) -> new Outcome.Refused("This credential is not valid.");
}
