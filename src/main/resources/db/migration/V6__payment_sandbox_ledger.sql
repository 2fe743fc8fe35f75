-- The sandbox payment processor's own books. It stands for a remote system: rows are committed independently of the
-- change that asked for the charge, and one idempotency key can only ever make one charge.
CREATE TABLE sandbox_charges (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    idempotency_key text NOT NULL,
    card_reference  text NOT NULL,
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL,
    description     text,
    outcome         text NOT NULL CHECK (outcome IN ('succeeded', 'declined')),
    decline_code    text,
    decline_message text,
    hard_decline    boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
