-- What was bought and paid. An order is written as pending before its card is charged and settled (paid or failed)
-- after, so that a charge never happens without a record that it was attempted.
CREATE TABLE orders (
    id            text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (id),
    customer_id   text NOT NULL REFERENCES customers (id),
    checkout_id   text REFERENCES checkouts (id),
    status        text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
    currency      text NOT NULL,
    subtotal      bigint NOT NULL CHECK (subtotal >= 0),
    discount      bigint NOT NULL CHECK (discount >= 0),
    total         bigint NOT NULL CHECK (total >= 0 AND total = subtotal - discount),
    promo_code_id text REFERENCES promo_codes (id),
    card_id       text REFERENCES cards (id),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (account_id, customer_id, id);
CREATE INDEX orders_account_idx ON orders (account_id, id);

CREATE TABLE order_items (
    id         text PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts (id),
    order_id   text NOT NULL REFERENCES orders (id),
    position   integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('option', 'addon', 'upsell')),
    product_id text REFERENCES products (id),
    option_id  text REFERENCES product_options (id),
    addon_id   text REFERENCES checkout_addons (id),
    upsell_id  text REFERENCES checkout_upsells (id),
    name       text NOT NULL,
    amount     bigint NOT NULL CHECK (amount >= 0)
);
CREATE INDEX order_items_order_idx ON order_items (account_id, order_id, position);

CREATE TABLE subscriptions (
    id                    text PRIMARY KEY,
    account_id            text NOT NULL REFERENCES accounts (id),
    customer_id           text NOT NULL REFERENCES customers (id),
    order_id              text REFERENCES orders (id),
    product_id            text NOT NULL REFERENCES products (id),
    option_id             text NOT NULL REFERENCES product_options (id),
    subscription_group_id text REFERENCES subscription_groups (id),
    card_id               text REFERENCES cards (id),
    status                text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'unpaid', 'canceling',
                                                           'canceled', 'paused')),
    amount                bigint NOT NULL CHECK (amount > 0),
    currency              text NOT NULL,
    interval              text NOT NULL,
    interval_count        integer NOT NULL,
    current_period_start  timestamptz NOT NULL,
    current_period_end    timestamptz NOT NULL,
    trial_end             timestamptz,
    canceled_at           timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    version               integer NOT NULL DEFAULT 0
);
CREATE INDEX subscriptions_customer_idx ON subscriptions (account_id, customer_id, id);
-- The billing clock finds what is due across accounts by this index.
CREATE INDEX subscriptions_due_idx ON subscriptions (current_period_end) WHERE status IN ('trialing', 'active', 'past_due', 'canceling');

CREATE TABLE payment_plans (
    id                 text PRIMARY KEY,
    account_id         text NOT NULL REFERENCES accounts (id),
    customer_id        text NOT NULL REFERENCES customers (id),
    order_id           text REFERENCES orders (id),
    product_id         text NOT NULL REFERENCES products (id),
    option_id          text NOT NULL REFERENCES product_options (id),
    card_id            text REFERENCES cards (id),
    status             text NOT NULL CHECK (status IN ('active', 'completed', 'unpaid', 'canceled')),
    installment_amount bigint NOT NULL CHECK (installment_amount > 0),
    currency           text NOT NULL,
    installments       integer NOT NULL CHECK (installments >= 2),
    installments_paid  integer NOT NULL CHECK (installments_paid BETWEEN 0 AND installments),
    interval           text NOT NULL,
    interval_count     integer NOT NULL,
    next_bill_at       timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    version            integer NOT NULL DEFAULT 0
);
CREATE INDEX payment_plans_customer_idx ON payment_plans (account_id, customer_id, id);
CREATE INDEX payment_plans_due_idx ON payment_plans (next_bill_at) WHERE status = 'active';

CREATE TABLE payments (
    id                text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES accounts (id),
    customer_id       text NOT NULL REFERENCES customers (id),
    order_id          text REFERENCES orders (id),
    subscription_id   text REFERENCES subscriptions (id),
    payment_plan_id   text REFERENCES payment_plans (id),
    card_id           text REFERENCES cards (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    amount_refunded   bigint NOT NULL DEFAULT 0 CHECK (amount_refunded BETWEEN 0 AND amount),
    currency          text NOT NULL,
    status            text NOT NULL CHECK (status IN ('succeeded', 'failed', 'refunded', 'disputed')),
    failure_code      text,
    failure_message   text,
    hard_decline      boolean,
    gateway           text NOT NULL,
    gateway_reference text,
    -- Derived from what the payment is for; the gateway charges once per key, whatever retries happen.
    idempotency_key   text NOT NULL,
    created_at        timestamptz NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
CREATE INDEX payments_customer_idx ON payments (account_id, customer_id, id);
CREATE INDEX payments_order_idx ON payments (account_id, order_id);
