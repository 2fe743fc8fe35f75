-- Saved cards. No card number is ever stored or accepted: only what the gateway tells about the card and its reference
-- there. Detached cards are kept (payments refer to them) but can no longer be charged.
CREATE TABLE cards (
    id                text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES accounts (id),
    customer_id       text NOT NULL REFERENCES customers (id),
    gateway           text NOT NULL,
    gateway_reference text NOT NULL,
    brand             text NOT NULL,
    last4             text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
    exp_month         integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
    exp_year          integer NOT NULL,
    created_at        timestamptz NOT NULL,
    detached_at       timestamptz
);
CREATE INDEX cards_customer_idx ON cards (account_id, customer_id, id);

ALTER TABLE customers ADD COLUMN default_card_id text REFERENCES cards (id);
