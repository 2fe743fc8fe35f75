-- Remembers, per account and Idempotency-Key, which request was made (its fingerprint) and what it answered, so that
-- a retried POST replays the first answer instead of creating or charging twice. Rows older than 24 hours expire.
CREATE TABLE idempotency_keys (
    account_id            text NOT NULL REFERENCES accounts (id),
    idempotency_key       text NOT NULL,
    request_fingerprint   bytea NOT NULL,
    state                 text NOT NULL CHECK (state IN ('in_flight', 'completed')),
    -- The request holding the key: a fresh token per attempt, so only its owner can complete or release it.
    lease_token           text,
    lease_expires_at      timestamptz,
    response_status       integer,
    response_content_type text,
    response_location     text,
    response_body         bytea,
    created_at            timestamptz NOT NULL,
    PRIMARY KEY (account_id, idempotency_key),
    CHECK ((state = 'in_flight') = (lease_token IS NOT NULL)),
    CHECK ((state = 'completed') = (response_status IS NOT NULL))
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
