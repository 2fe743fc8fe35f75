-- One answer to an upsell at a time: while an accept's charge is at the gateway, its key and until when it holds the
-- offer (a crashed node's claim runs out), so that a decline sent meanwhile cannot leave that charge off the order.
ALTER TABLE order_upsells ADD COLUMN charging_key text;
ALTER TABLE order_upsells ADD COLUMN charging_until timestamptz;
