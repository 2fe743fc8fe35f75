-- Credit applied to an invoice that is then voided goes back to the customer as an entry of its own, 'returned'
-- (positive, naming the invoice), so that the balance's history says where it came from.
ALTER TABLE credit_entries DROP CONSTRAINT credit_entries_kind_check;
ALTER TABLE credit_entries ADD CONSTRAINT credit_entries_kind_check
    CHECK (kind IN ('grant', 'credit_note', 'applied', 'returned'));
