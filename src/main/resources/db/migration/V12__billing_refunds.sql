-- Money given back. A refund is written as pending, with its amount already counted against the payment (so two
-- refunds at once can never give back more than was paid), then the gateway is asked, then it is settled.
CREATE TABLE refunds (
    id                text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES accounts (id),
    payment_id        text NOT NULL REFERENCES payments (id),
    customer_id       text NOT NULL REFERENCES customers (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    currency          text NOT NULL,
    status            text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    reason            text,
    gateway_reference text,
    created_at        timestamptz NOT NULL
);
CREATE INDEX refunds_payment_idx ON refunds (account_id, payment_id);

CREATE TABLE sandbox_refunds (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    idempotency_key text NOT NULL,
    charge_id       text NOT NULL REFERENCES sandbox_charges (id),
    amount          bigint NOT NULL CHECK (amount > 0),
    created_at      timestamptz NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
