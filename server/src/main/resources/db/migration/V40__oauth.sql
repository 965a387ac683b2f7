-- OAuth 2.1 authorization server (issue 4) and web-app sessions.
-- Written for both H2 (MODE=PostgreSQL) and PostgreSQL. Times are UTC. No secret is stored raw:
-- client secrets, codes, tokens and session ids are kept only as SHA-256 hex.

-- A registered client (RFC 7591) or a cached Client ID Metadata Document (client_id is its https URL).
CREATE TABLE oauth_clients (
    id                VARCHAR(400)  PRIMARY KEY,
    secret_sha256     VARCHAR(64),
    auth_method       VARCHAR(32)   NOT NULL,
    client_name       VARCHAR(200)  NOT NULL,
    redirect_uris     VARCHAR(8000) NOT NULL,
    grant_types       VARCHAR(200)  NOT NULL,
    metadata_document BOOLEAN       NOT NULL,
    registered_from   VARCHAR(64)   NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT oauth_clients_auth_method CHECK (auth_method IN ('none', 'client_secret_basic', 'client_secret_post'))
);
CREATE INDEX oauth_clients_created ON oauth_clients (created_at);

-- One grant per authorization code: every token issued from the code, directly or by refresh,
-- belongs to it, so code reuse and refresh replay revoke them all at once.
CREATE TABLE oauth_grants (
    id           VARCHAR(40)   PRIMARY KEY,
    client_id    VARCHAR(400)  NOT NULL REFERENCES oauth_clients (id),
    user_id      VARCHAR(40)   NOT NULL REFERENCES users (id),
    workspace_id VARCHAR(40)   NOT NULL REFERENCES workspaces (id),
    scopes       VARCHAR(1000) NOT NULL,
    resource     VARCHAR(2000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE
);

CREATE TABLE oauth_codes (
    code_sha256    VARCHAR(64)   PRIMARY KEY,
    grant_id       VARCHAR(40)   NOT NULL REFERENCES oauth_grants (id),
    redirect_uri   VARCHAR(2000) NOT NULL,
    code_challenge VARCHAR(128)  NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at        TIMESTAMP WITH TIME ZONE
);

CREATE TABLE oauth_tokens (
    id           VARCHAR(40)   PRIMARY KEY,
    token_sha256 VARCHAR(64)   NOT NULL,
    kind         VARCHAR(8)    NOT NULL,
    grant_id     VARCHAR(40)   NOT NULL REFERENCES oauth_grants (id),
    scopes       VARCHAR(1000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT oauth_tokens_secret_unique UNIQUE (token_sha256),
    CONSTRAINT oauth_tokens_kind CHECK (kind IN ('access', 'refresh'))
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);

-- Consent is remembered per user and client, for the scopes the user allowed.
CREATE TABLE oauth_consents (
    user_id    VARCHAR(40)   NOT NULL REFERENCES users (id),
    client_id  VARCHAR(400)  NOT NULL REFERENCES oauth_clients (id),
    scopes     VARCHAR(1000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Signed-in browser sessions of the web app; csrf_token is compared with every form post.
CREATE TABLE web_sessions (
    id_sha256  VARCHAR(64) PRIMARY KEY,
    user_id    VARCHAR(40) NOT NULL REFERENCES users (id),
    csrf_token VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
