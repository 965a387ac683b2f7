-- Analyses (run_analysis / get_analysis) and dashboards (issue 6). workspace_id refers to the
-- accounts feature's workspaces; no foreign keys to other features' tables so this migration does
-- not depend on their shape. Every query is scoped by workspace_id (SPEC §6 tenant isolation).
CREATE TABLE analyses (
    id               VARCHAR(40)   NOT NULL PRIMARY KEY,
    workspace_id     VARCHAR(64)   NOT NULL,
    question         VARCHAR(1000) NOT NULL,
    data_source_ids  TEXT,
    status           VARCHAR(16)   NOT NULL,
    payload_json     TEXT,
    chart_png_base64 TEXT,
    credits_used     INTEGER       NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT analyses_status CHECK (status IN ('running', 'completed', 'failed'))
);

CREATE INDEX analyses_by_workspace ON analyses (workspace_id, id);

CREATE TABLE dashboards (
    id           VARCHAR(40)  NOT NULL PRIMARY KEY,
    workspace_id VARCHAR(64)  NOT NULL,
    name         VARCHAR(200) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dashboards_name_unique UNIQUE (workspace_id, name)
);

CREATE INDEX dashboards_by_workspace ON dashboards (workspace_id, id);

-- A widget keeps the question and the data sources it was asked about; reading the dashboard
-- re-asks it (the plan is re-derived from the question, so it follows new data).
CREATE TABLE dashboard_widgets (
    id              VARCHAR(40)   NOT NULL PRIMARY KEY,
    dashboard_id    VARCHAR(40)   NOT NULL,
    workspace_id    VARCHAR(64)   NOT NULL,
    analysis_id     VARCHAR(40)   NOT NULL,
    question        VARCHAR(1000) NOT NULL,
    data_source_ids TEXT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dashboard_widgets_dashboard FOREIGN KEY (dashboard_id) REFERENCES dashboards (id) ON DELETE CASCADE
);

CREATE INDEX dashboard_widgets_by_dashboard ON dashboard_widgets (workspace_id, dashboard_id, id);
