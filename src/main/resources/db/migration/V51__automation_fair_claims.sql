-- Fair across accounts: the matcher and the workers first take a few due rows of each account that has any (visiting
-- the accounts through these indexes), then fill the batch with the oldest, so one account's flood of events or runs
-- never holds back another account's single one.
CREATE INDEX execution_queue_account_due_idx ON execution_queue (account_id, due_at);
CREATE INDEX event_inbox_account_idx ON event_inbox (account_id, event_id);
