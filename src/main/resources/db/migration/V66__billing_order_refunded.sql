-- An order whose money went back in full says so: 'refunded' once every payment of the order that took money has
-- been refunded in full (as each such payment already is 'refunded'). A partly refunded order stays 'paid'; how much
-- went back is the sum of its payments' amount_refunded.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'failed', 'refunded'));

UPDATE orders o SET status = 'refunded'
 WHERE o.status = 'paid'
   AND EXISTS (SELECT 1 FROM payments p
                WHERE p.account_id = o.account_id AND p.order_id = o.id AND p.status = 'refunded')
   AND NOT EXISTS (SELECT 1 FROM payments p
                    WHERE p.account_id = o.account_id AND p.order_id = o.id AND p.status IN ('succeeded', 'disputed'));
