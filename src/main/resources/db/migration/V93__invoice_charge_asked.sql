-- What the charge holding an invoice asked the gateway for, written just before it asks: should its answer be lost (the
-- node dies, the record fails), the charge is recorded from the gateway's word with these, before anything else may
-- charge or change the invoice. Empty while the charge has not gone to the gateway (its hold then simply runs out).
ALTER TABLE invoices ADD COLUMN charging_card_id text;
ALTER TABLE invoices ADD COLUMN charging_amount bigint;
ALTER TABLE invoices ADD COLUMN charging_by text;
ALTER TABLE invoices ADD COLUMN charging_execution_id text;
ALTER TABLE invoices ADD COLUMN charging_asked_at timestamptz;
