-- Accounts: one per seller. Every tenant table below carries account_id so that a query can always be scoped to one
-- account and accounts can later be distributed across PostgreSQL shards by it.
CREATE TABLE accounts (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    mode       text NOT NULL CHECK (mode IN ('sandbox', 'live')),
    created_at timestamptz NOT NULL
);

-- People of the seller's staff who sign in to the dashboard. Emails are unique across Till, because the sign-in form
-- asks for nothing else.
CREATE TABLE staff_users (
    id            text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (id),
    email         text NOT NULL,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('owner', 'admin')),
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));
CREATE INDEX staff_users_account_idx ON staff_users (account_id);
