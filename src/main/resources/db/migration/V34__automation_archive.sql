-- DELETE /api/v1/automations/{id} archives: the automation starts nothing more, but it and its executions stay
-- readable, since runs already made (emails sent, charges retried) must keep their history.
ALTER TABLE automations ADD COLUMN archived_at timestamptz;
