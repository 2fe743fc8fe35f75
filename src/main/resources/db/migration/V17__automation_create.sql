-- Automations and their versions. Each save makes a new version (a draft); one version at most is active, and running
-- executions keep the version they started with. Definitions are kept as the JSON their author wrote.
CREATE TABLE automations (
    id             text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts (id),
    name           text NOT NULL,
    latest_version integer NOT NULL,
    active_version integer,
    paused         boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX automations_account_idx ON automations (account_id, id);

CREATE TABLE automation_versions (
    account_id    text NOT NULL REFERENCES accounts (id),
    automation_id text NOT NULL REFERENCES automations (id),
    version       integer NOT NULL CHECK (version > 0),
    status        text NOT NULL CHECK (status IN ('draft', 'active', 'inactive')),
    definition    jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (automation_id, version)
);
CREATE UNIQUE INDEX automation_versions_one_active ON automation_versions (automation_id) WHERE status = 'active';
