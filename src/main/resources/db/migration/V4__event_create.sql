-- The event log and transactional outbox: every event is inserted in the same transaction as the change that caused
-- it, so a committed change always has its event and a rolled-back one never does.
CREATE TABLE events (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts (id),
    type        text NOT NULL,
    -- The customer the event is about, if any: events are delivered in order per customer.
    customer_id text,
    occurred_at timestamptz NOT NULL,
    data        jsonb NOT NULL
);
CREATE INDEX events_account_idx ON events (account_id, id);
CREATE INDEX events_account_type_idx ON events (account_id, type, id);
CREATE INDEX events_account_customer_idx ON events (account_id, customer_id, id) WHERE customer_id IS NOT NULL;
