-- What a seller sells. Prices are integer amounts in minor units with a lower-case ISO currency.
CREATE TABLE subscription_groups (
    id         text PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts (id),
    name       text NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE products (
    id                    text PRIMARY KEY,
    account_id            text NOT NULL REFERENCES accounts (id),
    name                  text NOT NULL,
    description           text,
    subscription_group_id text REFERENCES subscription_groups (id),
    created_at            timestamptz NOT NULL
);
CREATE INDEX products_account_idx ON products (account_id, id);

-- The ways to buy a product: once, as a subscription (every interval_count intervals, optionally after a free
-- trial), or as a payment plan of a fixed number of installments.
CREATE TABLE product_options (
    id             text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts (id),
    product_id     text NOT NULL REFERENCES products (id),
    position       integer NOT NULL,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('one_time', 'subscription', 'payment_plan')),
    amount         bigint NOT NULL CHECK (amount >= 0),
    currency       text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    interval       text CHECK (interval IN ('day', 'week', 'month', 'year')),
    interval_count integer CHECK (interval_count > 0),
    trial_days     integer CHECK (trial_days >= 0),
    installments   integer CHECK (installments >= 2),
    created_at     timestamptz NOT NULL,
    CHECK ((kind = 'one_time') = (interval IS NULL)),
    CHECK ((kind = 'payment_plan') = (installments IS NOT NULL)),
    CHECK (kind = 'subscription' OR trial_days IS NULL)
);
CREATE INDEX product_options_product_idx ON product_options (account_id, product_id, position);

CREATE TABLE promo_codes (
    id              text PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (id),
    code            text NOT NULL,
    percent_off     integer CHECK (percent_off BETWEEN 1 AND 100),
    amount_off      bigint CHECK (amount_off > 0),
    currency        text CHECK (currency ~ '^[a-z]{3}$'),
    expires_at      timestamptz,
    max_redemptions integer CHECK (max_redemptions > 0),
    times_redeemed  integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    CHECK ((percent_off IS NULL) <> (amount_off IS NULL)),
    CHECK ((amount_off IS NULL) = (currency IS NULL)),
    CHECK (max_redemptions IS NULL OR times_redeemed <= max_redemptions)
);
CREATE UNIQUE INDEX promo_codes_account_code_key ON promo_codes (account_id, lower(code));
