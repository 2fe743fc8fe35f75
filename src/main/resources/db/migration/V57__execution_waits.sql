-- wait_for_event: a run waiting at such a step, for an event of a type about its customer (and, with record, about
-- the record of that id). The matcher fills event_id with the first such event that occurs after the wait began and
-- makes the run due; the step that goes on reads it, and the save that writes that step drops the row. The run's
-- timer (its timeout) is in execution_timers as any wait's.
CREATE TABLE execution_waits (
    execution_id text PRIMARY KEY,
    account_id   text NOT NULL,
    customer_id  text NOT NULL,
    event_type   text NOT NULL,
    record       text,
    record_id    text,
    since        timestamptz NOT NULL,
    event_id     text
);
CREATE INDEX execution_waits_match_idx ON execution_waits (account_id, event_type, customer_id)
    WHERE event_id IS NULL;
