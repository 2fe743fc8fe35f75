-- Who asked for a charge made on demand (pay now of an invoice): a staff member by email, or "the API" for a key. Null
-- for every other payment: the billing schedule's attempts, an automation's retries (their key says so), purchases.
ALTER TABLE payments ADD COLUMN charged_by text;
