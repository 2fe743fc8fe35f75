CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE customers (
    id                text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES accounts (id),
    name              text NOT NULL,
    email             text NOT NULL,
    phone             text,
    tags              text[] NOT NULL DEFAULT '{}',
    metadata          jsonb NOT NULL DEFAULT '{}',
    marketing_consent boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
-- One customer per email and account: checkouts and the portal's magic-link login find buyers by email.
CREATE UNIQUE INDEX customers_account_email_key ON customers (account_id, lower(email));
CREATE INDEX customers_account_idx ON customers (account_id, id);
-- Search as you type: any part of the name or email, case-insensitive, within one account.
CREATE INDEX customers_search_idx ON customers
    USING gin (account_id, (lower(name) || ' ' || lower(email)) gin_trgm_ops);
