-- When an invoice was made void: by staff or the API (one bill written off along the way), or as its subscription or
-- plan ended (cancel now, the end of a cancel at period end or of a fixed term), which voids what it still owed. A
-- fixed-term subscription whose term ran out reads "completed" unless an invoice of it was voided as it ended.
ALTER TABLE invoices ADD COLUMN voided_at timestamptz;

-- Voided before this column: staff's and the API's voids, and cancel now's, raised invoice.voided, which says when.
UPDATE invoices i
   SET voided_at = e.occurred_at
  FROM events e
 WHERE i.status = 'void'
   AND e.account_id = i.account_id AND e.type = 'invoice.voided'
   AND e.data -> 'invoice' ->> 'id' = i.id;

-- The others were voided, without an event, as their subscription or plan ended.
UPDATE invoices i
   SET voided_at = coalesce(s.canceled_at, p.updated_at, i.created_at)
  FROM invoices v
  LEFT JOIN subscriptions s ON s.account_id = v.account_id AND s.id = v.subscription_id
  LEFT JOIN payment_plans p ON p.account_id = v.account_id AND p.id = v.payment_plan_id
 WHERE v.account_id = i.account_id AND v.id = i.id
   AND i.status = 'void' AND i.voided_at IS NULL;
