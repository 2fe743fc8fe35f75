-- An invoice's attempt_count is every charge tried on a card for it, whoever made it (its retry schedule, staff's pay
-- now, an automation's retry_payment): its payments, as the dashboard lists and counts them, and the number the API
-- shows. It is recounted from the payments whenever one is linked to the invoice. The retry schedule keeps its own
-- count, from which it numbers its next attempt and that attempt's gateway key: schedule_attempts, which an
-- automation's retry leaves as it is.
ALTER TABLE invoices RENAME COLUMN attempt_count TO schedule_attempts;
ALTER TABLE invoices ADD COLUMN attempt_count integer NOT NULL DEFAULT 0;

UPDATE invoices i
   SET attempt_count = p.tried
  FROM (SELECT account_id, invoice_id, count(*) AS tried FROM payments
         WHERE invoice_id IS NOT NULL
         GROUP BY account_id, invoice_id) p
 WHERE i.account_id = p.account_id AND i.id = p.invoice_id;
