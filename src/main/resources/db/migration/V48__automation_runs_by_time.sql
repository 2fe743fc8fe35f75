-- The automations list shows each automation's runs of the last 7 days and its last run. By (automation, created_at)
-- those are a short range of one index instead of a read of every run the automation ever made. created_at is written
-- once, so the runs' many in-place (HOT) updates, step after step, stay HOT.
CREATE INDEX executions_automation_created_idx ON executions (account_id, automation_id, created_at);
