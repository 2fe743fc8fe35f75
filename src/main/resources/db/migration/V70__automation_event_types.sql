-- The event types an account's automations react to, in any version: a trigger's event, a cancel_on event, the event
-- of a wait_for_event step. Events of these types are recorded with an event_inbox row for the matcher; an event of
-- any other type (most custom events of a shop that posts its page views) has nothing to match and leaves none. Rows
-- are only ever added: a version never changes, and a run of an old version may still wait for, or end on, its events.
CREATE TABLE automation_event_types (
    account_id text NOT NULL,
    event_type text NOT NULL,
    PRIMARY KEY (account_id, event_type)
);

-- A version's types: every string named "event" anywhere in its definition (a trigger's, a cancel_on entry's, a
-- step's at any depth; an action parameter so named at worst adds a type that costs an inbox row), and cancel_on's
-- plain strings. Kept by the database as each version is inserted, in its transaction, whichever code inserts it (a
-- node of an older release during a rolling upgrade, too), so that no event of them recorded once the version exists
-- slips past the matcher.
CREATE FUNCTION automation_version_event_types(definition jsonb, cancel_on jsonb) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT e #>> '{}' FROM jsonb_path_query(definition, '$.**.event ? (@.type() == "string")') e
    UNION
    SELECT c #>> '{}' FROM jsonb_array_elements(cancel_on) c WHERE jsonb_typeof(c) = 'string'
$$;

CREATE FUNCTION automation_versions_keep_event_types() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO automation_event_types (account_id, event_type)
    SELECT NEW.account_id, t FROM automation_version_event_types(NEW.definition, NEW.cancel_on) t
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER automation_versions_event_types AFTER INSERT ON automation_versions
    FOR EACH ROW EXECUTE FUNCTION automation_versions_keep_event_types();

-- The versions kept so far.
INSERT INTO automation_event_types (account_id, event_type)
SELECT DISTINCT v.account_id, t
  FROM automation_versions v
 CROSS JOIN LATERAL automation_version_event_types(v.definition, v.cancel_on) t
ON CONFLICT DO NOTHING;
