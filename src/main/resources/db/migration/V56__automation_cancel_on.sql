-- cancel_on: events that end an automation's runs that have not ended (PRODUCT.md §4). The matcher looks, for each
-- batch of events, for versions that cancel on one of the batch's types: the types are kept beside the definition, so
-- that no definition is read unless one does (a prefilter: the definition, parsed, decides).
ALTER TABLE automation_versions
    ADD COLUMN cancel_on jsonb GENERATED ALWAYS AS (
        jsonb_path_query_array(definition, '$.cancel_on[*] ? (@.type() == "string")')
        || jsonb_path_query_array(definition, '$.cancel_on[*].event')) STORED;

-- The event that ended a run through cancel_on; set while the run's step is still running, it asks the save that
-- writes the step to end the run instead of going on.
ALTER TABLE executions ADD COLUMN canceled_by_event text;
