package com.claribi.mcp;

import tools.jackson.databind.node.ObjectNode;

/** Where messages tied to one request go before its response: an SSE stream, or nowhere. */
interface Outbound {
    /** Whether {@link #send} delivers anything; false for plain JSON responses. */
    boolean streaming();

    /** Sends a notification or a server-to-client request; false when the client has gone. */
    boolean send(ObjectNode message);

    Outbound NONE = new Outbound() {
        @Override
        public boolean streaming() {
            return false;
        }

        @Override
        public boolean send(ObjectNode message) {
            return false;
        }
    };
}
