-- Fair across accounts: the matcher first takes a few of the oldest events of each account that has any (visiting the
-- accounts through this index), then fills its batch with the oldest, so one account's flood of events never holds
-- back another account's single one.
CREATE INDEX event_inbox_account_idx ON event_inbox (account_id, event_id);
