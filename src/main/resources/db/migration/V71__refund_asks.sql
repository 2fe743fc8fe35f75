-- When the gateway was last asked to make a refund (with the refund's key): its settlement, which fails a pending refund
-- the gateway has no trace of, waits until that ask is ten minutes old, so that it never fails a refund an ask in
-- flight (a client's retry) may still make.
ALTER TABLE refunds ADD COLUMN asked_at timestamptz;
UPDATE refunds SET asked_at = created_at;
ALTER TABLE refunds ALTER COLUMN asked_at SET NOT NULL;
