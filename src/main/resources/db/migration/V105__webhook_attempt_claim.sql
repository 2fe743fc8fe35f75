-- The claim each attempt was made under: an outcome written again (its first write committed, its answer lost) is
-- known by it, and neither counted nor logged twice.
ALTER TABLE webhook_attempts ADD COLUMN lease_token uuid;
CREATE INDEX webhook_attempts_claim_idx ON webhook_attempts (delivery_id, lease_token) WHERE lease_token IS NOT NULL;
