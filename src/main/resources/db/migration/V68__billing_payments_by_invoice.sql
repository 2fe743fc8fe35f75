-- An invoice's charge attempts (its page, pay now, refunds limited by credit notes) are read by invoice; without this
-- index each read scanned all of the account's payments.
CREATE INDEX payments_invoice_idx ON payments (account_id, invoice_id) WHERE invoice_id IS NOT NULL;
