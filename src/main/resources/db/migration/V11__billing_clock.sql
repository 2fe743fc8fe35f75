-- Invoices bill one subscription period or one payment-plan installment. They are charged automatically; a failed
-- charge is retried on a schedule (next_retry_at) until it is paid or the retries run out.
CREATE TABLE invoices (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    customer_id     text NOT NULL REFERENCES customers (id),
    subscription_id text REFERENCES subscriptions (id),
    payment_plan_id text REFERENCES payment_plans (id),
    -- Which period or installment this is; one invoice per period, whatever retries or crashes happen.
    sequence        integer NOT NULL,
    status          text NOT NULL CHECK (status IN ('issued', 'paid', 'void', 'uncollectible')),
    amount_due      bigint NOT NULL CHECK (amount_due > 0),
    currency        text NOT NULL,
    period_start    timestamptz,
    period_end      timestamptz,
    attempt_count   integer NOT NULL DEFAULT 0,
    due_at          timestamptz NOT NULL,
    overdue         boolean NOT NULL DEFAULT false,
    paid_at         timestamptz,
    created_at      timestamptz NOT NULL,
    CHECK ((subscription_id IS NULL) <> (payment_plan_id IS NULL))
);
CREATE UNIQUE INDEX invoices_subscription_sequence_key ON invoices (subscription_id, sequence) WHERE subscription_id IS NOT NULL;
CREATE UNIQUE INDEX invoices_plan_sequence_key ON invoices (payment_plan_id, sequence) WHERE payment_plan_id IS NOT NULL;
CREATE INDEX invoices_customer_idx ON invoices (account_id, customer_id, id);

ALTER TABLE payments ADD COLUMN invoice_id text REFERENCES invoices (id);

-- Everything the billing clock must do at a given time: renew, charge an installment, retry, mark overdue, announce.
-- Nodes claim due jobs with FOR UPDATE SKIP LOCKED and a lease; a job is done once, in due order, also after downtime.
CREATE TABLE billing_jobs (
    id           text PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (id),
    kind         text NOT NULL,
    subject_id   text NOT NULL,
    due_at       timestamptz NOT NULL,
    -- The same job is never scheduled twice: (kind, subject, due time) names it.
    locked_until timestamptz,
    done_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    UNIQUE (kind, subject_id, due_at)
);
CREATE INDEX billing_jobs_due_idx ON billing_jobs (due_at) WHERE done_at IS NULL;

-- The sandbox test clock: how far Till's clock has been moved ahead of the real one. One row.
CREATE TABLE test_clock (
    id        integer PRIMARY KEY CHECK (id = 1),
    offset_ms bigint NOT NULL
);
INSERT INTO test_clock (id, offset_ms) VALUES (1, 0);
