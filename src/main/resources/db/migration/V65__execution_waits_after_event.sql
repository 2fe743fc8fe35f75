-- wait_for_event takes an event that happened after the run's trigger (or after the event its last wait took), not
-- only after the step began: an event raised with the trigger, or posted in its batch, is not missed. since is that
-- event's occurred_at, after_event its id (events of one instant are in id order); with no id (a run started by hand
-- or on a schedule) every event from since on counts.
ALTER TABLE execution_waits ADD COLUMN after_event text;
