-- A checkout sells one product (under any of its options), with addon offer bumps taken at purchase and a flow of
-- one-click upsells offered after it.
CREATE TABLE checkouts (
    id         text PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts (id),
    name       text NOT NULL,
    product_id text NOT NULL REFERENCES products (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX checkouts_account_idx ON checkouts (account_id, id);

CREATE TABLE checkout_addons (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts (id),
    checkout_id text NOT NULL REFERENCES checkouts (id),
    position    integer NOT NULL,
    name        text NOT NULL,
    amount      bigint NOT NULL CHECK (amount > 0),
    currency    text NOT NULL CHECK (currency ~ '^[a-z]{3}$')
);
CREATE INDEX checkout_addons_checkout_idx ON checkout_addons (account_id, checkout_id, position);

CREATE TABLE checkout_upsells (
    id          text PRIMARY KEY,
    account_id  text NOT NULL REFERENCES accounts (id),
    checkout_id text NOT NULL REFERENCES checkouts (id),
    position    integer NOT NULL,
    name        text NOT NULL,
    option_id   text NOT NULL REFERENCES product_options (id)
);
CREATE INDEX checkout_upsells_checkout_idx ON checkout_upsells (account_id, checkout_id, position);
