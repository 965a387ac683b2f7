-- Accounts (issue 3): users, workspaces, membership, pending signups, API keys, access tokens,
-- the server's own secrets, the mail outbox and the usage counters behind quotas.
-- Written for both H2 (MODE=PostgreSQL) and PostgreSQL. Times are UTC.

CREATE TABLE users (
    id            VARCHAR(40)  PRIMARY KEY,
    email         VARCHAR(320) NOT NULL,
    password_hash VARCHAR(255),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT users_email_unique UNIQUE (email)
);

CREATE TABLE workspaces (
    id            VARCHAR(40)  PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    tier          VARCHAR(32)  NOT NULL,
    trial_ends_at TIMESTAMP WITH TIME ZONE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE memberships (
    workspace_id VARCHAR(40) NOT NULL REFERENCES workspaces (id),
    user_id      VARCHAR(40) NOT NULL REFERENCES users (id),
    role         VARCHAR(16) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    CONSTRAINT memberships_role CHECK (role IN ('owner', 'admin', 'member'))
);
CREATE INDEX memberships_user ON memberships (user_id);

-- One row per register_account call. code_hmac is HMAC-SHA256(server secret, id ":" code); for an
-- email that already had an account it is the HMAC of a code nobody was sent.
CREATE TABLE pending_signups (
    id                VARCHAR(40)  PRIMARY KEY,
    email             VARCHAR(320) NOT NULL,
    organization_name VARCHAR(200) NOT NULL,
    code_hmac         VARCHAR(64)  NOT NULL,
    client_address    VARCHAR(64)  NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    failed_attempts   INTEGER      NOT NULL,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pending_signups_status CHECK (status IN ('pending', 'locked', 'completed'))
);
CREATE INDEX pending_signups_email ON pending_signups (email, created_at);

CREATE TABLE api_keys (
    id            VARCHAR(40)   PRIMARY KEY,
    workspace_id  VARCHAR(40)   NOT NULL REFERENCES workspaces (id),
    user_id       VARCHAR(40)   NOT NULL REFERENCES users (id),
    kind          VARCHAR(8)    NOT NULL,
    name          VARCHAR(100)  NOT NULL,
    secret_sha256 VARCHAR(64)   NOT NULL,
    display_hint  VARCHAR(40)   NOT NULL,
    scopes        VARCHAR(1000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_secret_unique UNIQUE (secret_sha256),
    CONSTRAINT api_keys_kind CHECK (kind IN ('mcp', 'rest'))
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE access_tokens (
    id           VARCHAR(40)   PRIMARY KEY,
    workspace_id VARCHAR(40)   NOT NULL REFERENCES workspaces (id),
    user_id      VARCHAR(40)   NOT NULL REFERENCES users (id),
    token_sha256 VARCHAR(64)   NOT NULL,
    scopes       VARCHAR(1000) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT access_tokens_secret_unique UNIQUE (token_sha256)
);

-- Secrets the server generates for itself once (the signup-code HMAC key). Never logged.
CREATE TABLE server_secrets (
    name       VARCHAR(64)  PRIMARY KEY,
    secret     VARCHAR(128) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Mail that could not be sent because no SMTP host is configured (SPEC §5).
CREATE TABLE mail_outbox (
    id         VARCHAR(40)  PRIMARY KEY,
    recipient  VARCHAR(320) NOT NULL,
    subject    VARCHAR(200) NOT NULL,
    text_body  TEXT         NOT NULL,
    html_body  TEXT         NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Quota counters. period is 'YYYY-MM' for monthly quotas and 'total' for standing ones.
CREATE TABLE usage_counters (
    workspace_id VARCHAR(40) NOT NULL REFERENCES workspaces (id),
    quota        VARCHAR(32) NOT NULL,
    period       VARCHAR(8)  NOT NULL,
    amount       BIGINT      NOT NULL,
    PRIMARY KEY (workspace_id, quota, period)
);
