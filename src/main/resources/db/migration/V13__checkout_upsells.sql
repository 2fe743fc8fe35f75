-- The upsells offered after a purchase, and the buyer's answer to each. The checkout flow is complete when every one
-- is answered, or two hours after the purchase at the latest.
CREATE TABLE order_upsells (
    account_id  text NOT NULL REFERENCES accounts (id),
    order_id    text NOT NULL REFERENCES orders (id),
    upsell_id   text NOT NULL REFERENCES checkout_upsells (id),
    status      text NOT NULL CHECK (status IN ('offered', 'accepted', 'declined')),
    payment_id  text REFERENCES payments (id),
    answered_at timestamptz,
    PRIMARY KEY (order_id, upsell_id)
);

ALTER TABLE orders ADD COLUMN flow_completed_at timestamptz;
