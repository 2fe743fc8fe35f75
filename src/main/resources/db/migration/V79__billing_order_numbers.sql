-- A short number for each order, counted per account from 1 (1, 2, 3 …), that a buyer can read out and a seller can
-- search for; the id stays the order's key. order_numbers holds each account's last number given: a purchase takes
-- the next one as the last lock of the transaction that writes its order (Orders.insertPending), so the row is held
-- only until that commit, and a purchase undone gives its number back (no gaps, no repeats).
CREATE TABLE order_numbers (
    account_id  text PRIMARY KEY REFERENCES accounts (id),
    last_number bigint NOT NULL CHECK (last_number > 0)
);

ALTER TABLE orders ADD COLUMN number bigint;
UPDATE orders o
   SET number = n.number
  FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY created_at, id) AS number FROM orders) n
 WHERE n.id = o.id;
ALTER TABLE orders ALTER COLUMN number SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (account_id, number);

INSERT INTO order_numbers (account_id, last_number)
SELECT account_id, max(number) FROM orders GROUP BY account_id;
