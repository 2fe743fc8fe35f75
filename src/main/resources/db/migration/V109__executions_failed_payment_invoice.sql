-- The recovery report (ExecutionReports.recovery) looks for each invoice's first failed-payment run ever: without an
-- index it read every run of the account, of any automation, since the account began. Only runs started by a failed
-- payment are indexed, a few of all: the runs of other triggers (most of them, and all of the busiest) pay nothing
-- for it when written.
CREATE INDEX executions_failed_payment_invoice_idx
    ON executions (account_id, ((trigger -> 'data' -> 'invoice' ->> 'id')), created_at)
 WHERE (trigger ->> 'type') IN ('payment.failed', 'subscription.payment_failed', 'payment_plan.payment_failed');
