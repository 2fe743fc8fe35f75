-- wait_for_event takes an event that happened after the run's trigger (or after the event its last wait took), not
-- only after the step began: an event raised with the trigger, or posted in its batch, is not missed. since is that
-- event's occurred_at, after_event its id (events of one instant are in id order); with no id (a run started by hand
-- or on a schedule) every event from since on counts.
ALTER TABLE execution_waits ADD COLUMN after_event text;

-- A cancel asked while the run's step is running on some node (by cancel_on's event, or by hand): the save that
-- writes the step ends the run canceled instead of going on, its log kept. It used to be read from
-- canceled_by_event alone, which a cancel by hand has none of.
ALTER TABLE executions ADD COLUMN cancel_asked boolean NOT NULL DEFAULT false;
UPDATE executions SET cancel_asked = true
 WHERE canceled_by_event IS NOT NULL AND status IN ('pending', 'running', 'waiting');
