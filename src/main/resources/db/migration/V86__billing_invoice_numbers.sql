-- A number for each invoice, counted per account from 1, as orders are (V79): the sequence an invoice had was its place
-- in its own subscription or plan (period 2, installment 3), so two customers' first invoices after a trial were both
-- "Invoice 2". invoice_numbers holds each account's last number given; issuing an invoice takes the next one in the
-- transaction that writes it (Invoices.issue), so a renewal undone gives its number back (no gaps, no repeats).
CREATE TABLE invoice_numbers (
    account_id  text PRIMARY KEY REFERENCES accounts (id),
    last_number bigint NOT NULL CHECK (last_number > 0)
);

ALTER TABLE invoices ADD COLUMN number bigint;
UPDATE invoices i
   SET number = n.number
  FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY created_at, id) AS number FROM invoices) n
 WHERE n.id = i.id;
ALTER TABLE invoices ALTER COLUMN number SET NOT NULL;
ALTER TABLE invoices ADD CONSTRAINT invoices_number_key UNIQUE (account_id, number);

INSERT INTO invoice_numbers (account_id, last_number)
SELECT account_id, max(number) FROM invoices GROUP BY account_id;
