-- The card that pays what a pending order starts (a subscription, a plan): the order's own card when it is written,
-- moved while the order is pending by a change of the default or a removal, as the customer's subscriptions are
-- (CardRecovery), so that what a purchase starts ends on the card it would have had had the change come after it.
-- card_id stays the card the order was charged to.
ALTER TABLE orders ADD COLUMN recurring_card_id text REFERENCES cards (id);
UPDATE orders SET recurring_card_id = card_id WHERE status = 'pending';
