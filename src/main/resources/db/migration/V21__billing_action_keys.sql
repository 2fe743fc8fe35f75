-- Credit entries made by an automation step carry the step's idempotency key, so a repeated step grants, notes or
-- applies credit once.
ALTER TABLE credit_entries ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX credit_entries_idempotency_idx ON credit_entries (account_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
