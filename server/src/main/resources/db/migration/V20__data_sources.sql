-- Data-source catalog (issue 5). One row per data source; the tables themselves live in the
-- workspace's DuckDB. workspace_id refers to the accounts feature's workspaces; no foreign key here
-- so the ingest migrations do not depend on the accounts migrations' shape.
CREATE TABLE data_sources (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    workspace_id    VARCHAR(64)  NOT NULL,
    name            VARCHAR(200) NOT NULL,
    format          VARCHAR(16)  NOT NULL,
    origin          VARCHAR(16)  NOT NULL,
    source_url      VARCHAR(4096),
    status          VARCHAR(16)  NOT NULL,
    failure_reason  VARCHAR(1000),
    raw_path        VARCHAR(1000) NOT NULL,
    raw_bytes       BIGINT       NOT NULL,
    table_names     TEXT,
    profile_json    TEXT,
    row_count       BIGINT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT data_sources_status CHECK (status IN ('processing', 'ready', 'failed')),
    CONSTRAINT data_sources_origin CHECK (origin IN ('upload', 'url', 'integration'))
);

CREATE INDEX data_sources_by_workspace ON data_sources (workspace_id, id);
CREATE INDEX data_sources_by_status ON data_sources (status);
