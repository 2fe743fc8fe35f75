-- An option no longer sold: checkouts, orders and upsells stop offering it; what was bought with it keeps it, and its
-- id still names it in orders, subscriptions, events and automation scopes.
ALTER TABLE product_options ADD COLUMN retired_at timestamptz;
