-- Which of its customer's paid orders an order is (1 for their first), fixed when it is paid: "a new buyer" is an
-- order whose number here is 1, however many orders the customer has placed by the time an automation looks
-- (customer.stats.order_count is read fresh, so two quick purchases would both see 2). Null until the order is paid;
-- an order refunded later keeps its number, as the customer's order count keeps counting it.
ALTER TABLE orders ADD COLUMN customer_order_number integer CHECK (customer_order_number > 0);
UPDATE orders o
   SET customer_order_number = n.number
  FROM (SELECT id, row_number() OVER (PARTITION BY account_id, customer_id ORDER BY created_at, id) AS number
          FROM orders
         WHERE status IN ('paid', 'refunded')) n
 WHERE n.id = o.id;
