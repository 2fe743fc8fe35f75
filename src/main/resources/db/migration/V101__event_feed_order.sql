-- The feed (GET /api/v1/events?after=) reads events in the order of the transactions that wrote them, and only those
-- that no transaction still running can precede: an event's id comes from the clock when it is recorded, inside the
-- change that raises it, and a change that recorded an older id may commit after a younger one was read (the poller,
-- past the younger, never saw the older). Events from before this column read as written by transaction 0.
ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE events ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX events_account_tx_idx ON events (account_id, tx, id);
