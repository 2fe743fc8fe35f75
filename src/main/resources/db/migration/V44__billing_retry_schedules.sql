-- Each account's billing retry schedule (Settings › Payment retries, PUT /api/v1/retry_schedule): when a failed
-- subscription or payment plan payment is tried again, counted from the invoice's first attempt. An account without a
-- row uses the configured defaults (till.billing.subscription-retries and payment-plan-retries).
CREATE TABLE billing_retry_schedules (
    account_id                   text        PRIMARY KEY REFERENCES accounts (id),
    -- Seconds after the first attempt, strictly increasing (checked before saving).
    subscription_retry_seconds   bigint[]    NOT NULL,
    payment_plan_retry_seconds   bigint[]    NOT NULL,
    updated_at                   timestamptz NOT NULL
);
