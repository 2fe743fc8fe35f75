-- The match trace: for an event, why each automation listening to its type started no run (paused, scope,
-- conditions with their actual values, limit, concurrency, skip_automations, its own event), as the matcher decided
-- it at the time. One row per event that any listener skipped; runs started are in executions (trigger_key).
CREATE TABLE event_traces (
    event_id   text PRIMARY KEY,
    account_id text NOT NULL,
    skipped    jsonb NOT NULL
);
