-- What the accept's charge holding an upsell offer asked the gateway for under its key, and how many times a request
-- went out under it: a retry of the accept asks (and books) exactly that, whatever it would ask now, and a settlement
-- that found no charge at the gateway lets the offer go only if it was not asked again since it looked.
ALTER TABLE order_upsells ADD COLUMN charging_amount bigint;
ALTER TABLE order_upsells ADD COLUMN charging_asks integer NOT NULL DEFAULT 0;

-- A hold taken before this asked the option's price: an accept that asks anything asks that.
UPDATE order_upsells u SET charging_amount = o.amount, charging_asks = 1
  FROM checkout_upsells c
  JOIN product_options o ON o.account_id = c.account_id AND o.id = c.option_id
 WHERE c.account_id = u.account_id AND c.id = u.upsell_id AND u.charging_key IS NOT NULL;
