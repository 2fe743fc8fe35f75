-- One charge of an invoice at a time: the gateway key of the charge under way and until when it holds the invoice
-- (a crashed node's claim runs out; the same key may always go on, as a charge resumed after a crash does).
ALTER TABLE invoices ADD COLUMN charging_key text;
ALTER TABLE invoices ADD COLUMN charging_until timestamptz;
