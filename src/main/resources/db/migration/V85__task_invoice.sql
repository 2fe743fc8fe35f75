-- The invoice a task is about (a dunning automation's "call this customer about an unpaid invoice"): the inbox says
-- where it stands, so that staff do not call a customer who has paid since.
ALTER TABLE tasks ADD COLUMN invoice_id text;
