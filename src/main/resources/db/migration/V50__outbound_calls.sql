-- Outbound calls whose receiver cannot tell a repeat (a Slack post, a CRM automation enrolment), by the step's
-- idempotency key: reserved before the call, done after it. A retry that finds the call done answers its recorded
-- output and calls nothing; one that finds it only reserved (a crash or a timeout in between) calls again and says the
-- receiver may have got it twice.
CREATE TABLE outbound_calls (
    account_id      text        NOT NULL REFERENCES accounts (id),
    idempotency_key text        NOT NULL,
    kind            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('calling', 'done')),
    output          jsonb,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);
