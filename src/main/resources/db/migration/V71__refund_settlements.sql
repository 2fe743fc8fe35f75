-- A refund is settled by the billing clock when its answer from the gateway never came (REFUND_SETTLEMENT, scheduled
-- with every refund from now on). Those left pending before: settled at the clock's next tick.
INSERT INTO billing_jobs (id, account_id, kind, subject_id, due_at)
SELECT 'job_' || substr(md5('refund_settlement:' || id), 1, 26), account_id, 'REFUND_SETTLEMENT', id, now()
  FROM refunds
 WHERE status = 'pending'
ON CONFLICT DO NOTHING;
