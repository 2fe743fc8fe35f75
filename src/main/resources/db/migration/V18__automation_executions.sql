-- Executions of automations. The engine keeps three kinds of rows apart so that each stays small and fast:
--   executions        every run with its state (where it stands, outputs so far) and status, kept for the log;
--   execution_queue   only work that is due now, claimed in batches with a lease (due_at moves to the lease's end,
--                     so an abandoned claim comes due again by itself);
--   execution_timers  runs waiting for a delay or a retry backoff; a timer is moved into the queue when it fires, so
--                     millions of waiting runs never slow the claiming of due ones.
CREATE TABLE executions (
    id            text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (id),
    automation_id text NOT NULL REFERENCES automations (id),
    version       integer NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'running', 'waiting', 'succeeded', 'failed', 'canceled')),
    -- What started it: an event id, a schedule's due time or a manual run; one execution per automation and trigger.
    trigger_key   text NOT NULL,
    trigger       jsonb NOT NULL,
    customer_id   text,
    state         jsonb NOT NULL,
    error         jsonb,
    wake_at       timestamptz,
    log_count     integer NOT NULL DEFAULT 0,
    -- Bumped by every write: a worker whose claim was lost, or whose run was canceled, has its late write refused.
    lock_version  integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    updated_at    timestamptz NOT NULL,
    UNIQUE (automation_id, trigger_key)
);
CREATE INDEX executions_account_idx ON executions (account_id, id);
CREATE INDEX executions_automation_idx ON executions (account_id, automation_id, id);
CREATE INDEX executions_customer_idx ON executions (account_id, customer_id, id) WHERE customer_id IS NOT NULL;

CREATE TABLE execution_queue (
    execution_id text PRIMARY KEY REFERENCES executions (id),
    account_id   text NOT NULL,
    due_at       timestamptz NOT NULL,
    lease_token  uuid
);
CREATE INDEX execution_queue_due_idx ON execution_queue (due_at);

CREATE TABLE execution_timers (
    execution_id text PRIMARY KEY REFERENCES executions (id),
    account_id   text NOT NULL,
    fire_at      timestamptz NOT NULL
);
CREATE INDEX execution_timers_fire_idx ON execution_timers (fire_at);

-- The step-by-step log: one row per action attempt, branch decided, delay, loop or stop.
CREATE TABLE execution_steps (
    execution_id    text NOT NULL REFERENCES executions (id),
    account_id      text NOT NULL,
    seq             integer NOT NULL,
    step_id         text NOT NULL,
    path            text NOT NULL,
    iteration       text NOT NULL,
    kind            text NOT NULL,
    status          text NOT NULL,
    attempt         integer NOT NULL,
    input           jsonb,
    output          jsonb,
    error           jsonb,
    idempotency_key text,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

-- Events not yet matched to automations. Inserted with the event, in its transaction; deleted in the transaction
-- that starts the executions it matches, so an event is matched exactly once whatever the commit order.
CREATE TABLE event_inbox (
    event_id   text PRIMARY KEY,
    account_id text NOT NULL
);

-- When each active scheduled automation fires next; claimed like the queue, so one node fires each due time.
CREATE TABLE automation_schedules (
    automation_id text PRIMARY KEY REFERENCES automations (id),
    account_id    text NOT NULL,
    version       integer NOT NULL,
    anchor        timestamptz NOT NULL,
    next_fire_at  timestamptz NOT NULL
);
CREATE INDEX automation_schedules_due_idx ON automation_schedules (next_fire_at);

-- Internal to-dos for the seller's staff, created by automations (create_task) or through the API.
CREATE TABLE tasks (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    title           text NOT NULL,
    notes           text,
    customer_id     text,
    assignee        text,
    due_at          timestamptz,
    status          text NOT NULL CHECK (status IN ('open', 'done')),
    execution_id    text,
    idempotency_key text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX tasks_account_idx ON tasks (account_id, id);
CREATE UNIQUE INDEX tasks_idempotency_idx ON tasks (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
