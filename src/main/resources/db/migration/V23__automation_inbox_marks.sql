-- The matcher decides from the inbox row alone, without reading the event's data: the type and customer, and the two
-- marks that keep automations away (skip_automations, and the execution whose action raised the event).
ALTER TABLE event_inbox
    ADD COLUMN type             text,
    ADD COLUMN customer_id      text,
    ADD COLUMN skip_automations boolean NOT NULL DEFAULT false,
    ADD COLUMN caused_by        text;
UPDATE event_inbox i
   SET type = e.type, customer_id = e.customer_id,
       skip_automations = coalesce(e.data ->> 'skip_automations' = 'true', false),
       caused_by = e.data -> 'caused_by' ->> 'execution_id'
  FROM events e
 WHERE e.id = i.event_id;
ALTER TABLE event_inbox ALTER COLUMN type SET NOT NULL;
