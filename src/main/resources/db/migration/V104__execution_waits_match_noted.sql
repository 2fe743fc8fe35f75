-- A wait ended with a later event than one another node matches at the same moment takes the earlier one
-- (ExecutionWaits.arrive): the matcher looks among the noted waits too. They are few (the run takes its event and
-- drops the row moments later), so the index loses its predicate at little cost.
DROP INDEX execution_waits_match_idx;
CREATE INDEX execution_waits_match_idx ON execution_waits (account_id, event_type, customer_id);
