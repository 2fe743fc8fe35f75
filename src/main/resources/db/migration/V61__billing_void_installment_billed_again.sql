-- A voided installment is billed again under its own number, so that a plan still completes after every installment
-- is paid: a plan may hold a void invoice and a later one of the same sequence, of which only the later one counts.
DROP INDEX invoices_plan_sequence_key;
CREATE UNIQUE INDEX invoices_plan_sequence_key ON invoices (payment_plan_id, sequence)
    WHERE payment_plan_id IS NOT NULL AND status <> 'void';
