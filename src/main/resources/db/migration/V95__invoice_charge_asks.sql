-- How many times the charge holding an invoice has gone to the gateway under its key (a resumed charge asks again): a
-- settlement that found no charge there lets the invoice go only if it was not asked again since it looked.
ALTER TABLE invoices ADD COLUMN charging_asks integer NOT NULL DEFAULT 0;
