-- When the seller erased the customer's personal data (POST /api/v1/customers/{id}/redact): the row stays, for the
-- orders, payments and invoices that point at it, with its name, email and phone replaced.
ALTER TABLE customers ADD COLUMN redacted_at timestamptz;
