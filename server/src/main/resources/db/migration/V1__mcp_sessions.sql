-- MCP Streamable HTTP and legacy SSE sessions (issue 2). Rows, not memory, so that another
-- server process on the same PostgreSQL continues a session. A session is never a credential.
CREATE TABLE mcp_sessions (
    id                  VARCHAR(64)  PRIMARY KEY,
    protocol_version    VARCHAR(16)  NOT NULL,
    transport           VARCHAR(16)  NOT NULL,
    client_name         VARCHAR(200),
    client_version      VARCHAR(100),
    client_capabilities VARCHAR(8000) NOT NULL,
    log_level           VARCHAR(16),
    created_at          TIMESTAMP    NOT NULL,
    last_seen_at        TIMESTAMP    NOT NULL,
    ended_at            TIMESTAMP
);

CREATE INDEX mcp_sessions_last_seen ON mcp_sessions (last_seen_at);

-- resources/subscribe: which session wants notifications/resources/updated for which URI.
CREATE TABLE mcp_resource_subscriptions (
    session_id VARCHAR(64)   NOT NULL REFERENCES mcp_sessions (id) ON DELETE CASCADE,
    uri        VARCHAR(2048) NOT NULL,
    created_at TIMESTAMP     NOT NULL,
    PRIMARY KEY (session_id, uri)
);
