-- Who on the seller's side canceled a subscription, as staff read it on its record: the staff member's email, or
-- "the API" for a key. Null when the buyer canceled, or for cancellations recorded before this column.
ALTER TABLE subscriptions ADD COLUMN canceled_by_who text CHECK (char_length(canceled_by_who) <= 320);
