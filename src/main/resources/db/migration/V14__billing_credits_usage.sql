-- A customer's credit balance is the sum of its entries per currency: grants and credit notes add, what is applied to
-- invoices subtracts. Entries are never changed, so the balance has a history.
CREATE TABLE credit_entries (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts (id),
    customer_id text NOT NULL REFERENCES customers (id),
    kind        text NOT NULL CHECK (kind IN ('grant', 'credit_note', 'applied')),
    amount      bigint NOT NULL CHECK (amount <> 0),
    currency    text NOT NULL,
    invoice_id  text REFERENCES invoices (id),
    reason      text,
    created_at  timestamptz NOT NULL,
    CHECK ((kind = 'applied') = (amount < 0))
);
CREATE INDEX credit_entries_customer_idx ON credit_entries (account_id, customer_id, currency);

ALTER TABLE invoices ADD COLUMN amount_credited bigint NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD CONSTRAINT invoices_credit_within_due CHECK (amount_credited BETWEEN 0 AND amount_due);

-- Metered usage of a subscription, per meter, and the totals per period that raise usage.threshold_exceeded.
CREATE TABLE usage_records (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    meter           text NOT NULL,
    quantity        bigint NOT NULL CHECK (quantity > 0),
    recorded_at     timestamptz NOT NULL
);
CREATE INDEX usage_records_subscription_idx ON usage_records (account_id, subscription_id, meter, recorded_at);

CREATE TABLE usage_thresholds (
    account_id      text NOT NULL REFERENCES accounts (id),
    subscription_id text NOT NULL REFERENCES subscriptions (id),
    meter           text NOT NULL,
    threshold       bigint NOT NULL CHECK (threshold > 0),
    PRIMARY KEY (subscription_id, meter, threshold)
);
