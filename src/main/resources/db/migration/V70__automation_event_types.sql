-- The event types an account's automations react to, in any version: a trigger's event, a cancel_on event, the event
-- of a wait_for_event step. Events of these types are recorded with an event_inbox row for the matcher; an event of
-- any other type (most custom events of a shop that posts its page views) has nothing to match and leaves none. Rows
-- are only ever added: a version never changes, and a run of an old version may still wait for, or end on, its events.
CREATE TABLE automation_event_types (
    account_id text NOT NULL,
    event_type text NOT NULL,
    PRIMARY KEY (account_id, event_type)
);

-- The versions kept so far: every string named "event" anywhere in a definition (a trigger's, a cancel_on entry's,
-- a step's at any depth; an action parameter so named at worst adds a type that costs an inbox row), and cancel_on's
-- plain strings.
INSERT INTO automation_event_types (account_id, event_type)
SELECT DISTINCT v.account_id, t.type
  FROM automation_versions v
 CROSS JOIN LATERAL (
       SELECT e #>> '{}' AS type FROM jsonb_path_query(v.definition, '$.**.event ? (@.type() == "string")') e
       UNION
       SELECT c #>> '{}' FROM jsonb_array_elements(v.cancel_on) c WHERE jsonb_typeof(c) = 'string') t
ON CONFLICT DO NOTHING;
