-- Webhook endpoints: where an account's events are sent, signed per the Standard Webhooks spec. The signing secret is
-- stored sealed (SecretBox), never in the clear; after a rotation the previous one keeps signing until it expires.
CREATE TABLE webhook_endpoints (
    id                        text PRIMARY KEY,
    account_id                text NOT NULL REFERENCES accounts (id),
    url                       text NOT NULL,
    event_types               text[] NOT NULL,
    description               text,
    status                    text NOT NULL CHECK (status IN ('enabled', 'disabled')),
    secret                    text NOT NULL,
    previous_secret           text,
    previous_secret_expires_at timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_account_idx ON webhook_endpoints (account_id, id);

-- One message to one destination, retried on its own schedule. The destination is an endpoint, or a one-off URL a
-- send_webhook step named (unsigned). Claimed like the automation queue: a claim moves next_attempt_at to the lease's
-- end, so a delivery held by a node that died comes due again by itself.
CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    endpoint_id     text REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    url             text,
    -- The webhook-id header: the same on every attempt, so that receivers can drop duplicates.
    webhook_id      text NOT NULL,
    event_id        text,
    event_type      text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'exhausted')),
    attempt_count   integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    lease_token     uuid,
    last_status     integer,
    last_error      text,
    idempotency_key text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CHECK (endpoint_id IS NOT NULL OR url IS NOT NULL)
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (account_id, endpoint_id, id);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
-- An event reaches an endpoint once, however often the feed sees it; a step's send_webhook makes one delivery.
CREATE UNIQUE INDEX webhook_deliveries_event_idx ON webhook_deliveries (endpoint_id, event_id)
    WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX webhook_deliveries_idempotency_idx ON webhook_deliveries (account_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Every attempt as it was made: what was sent (headers) and what came back (status, at most 64 KiB of body).
CREATE TABLE webhook_attempts (
    delivery_id     text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    account_id      text NOT NULL,
    seq             integer NOT NULL,
    url             text NOT NULL,
    request_headers jsonb NOT NULL,
    response_status integer,
    response_body   text,
    duration_ms     bigint NOT NULL,
    error           text,
    attempted_at    timestamptz NOT NULL,
    PRIMARY KEY (delivery_id, seq)
);

-- Events not yet turned into deliveries: inserted with the event, deleted in the transaction that creates its
-- deliveries, so each event is fanned out exactly once (event_inbox is the automation engine's own copy).
CREATE TABLE webhook_inbox (
    event_id   text PRIMARY KEY,
    account_id text NOT NULL
);
