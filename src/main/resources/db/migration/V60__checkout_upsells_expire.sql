-- An upsell the buyer never answered expires when the checkout flow completes (every other upsell answered, or the
-- two hours of grace over): after that, accepting it would charge a card for an offer that is no longer made.
ALTER TABLE order_upsells DROP CONSTRAINT order_upsells_status_check;
ALTER TABLE order_upsells ADD CONSTRAINT order_upsells_status_check
    CHECK (status IN ('offered', 'accepted', 'declined', 'expired'));

-- The offers left open on flows completed before this: they ended with their flow.
UPDATE order_upsells u SET status = 'expired'
  FROM orders o
 WHERE o.account_id = u.account_id AND o.id = u.order_id
   AND u.status = 'offered' AND o.flow_completed_at IS NOT NULL;
