-- Fair across accounts when runs are claimed, as when events are matched (V51): a claim visits the accounts that have
-- queued runs through this index, takes a few of each one's earliest due runs first, then fills up with the earliest.
CREATE INDEX execution_queue_account_due_idx ON execution_queue (account_id, due_at);
