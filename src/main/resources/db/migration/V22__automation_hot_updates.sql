-- An execution's row is rewritten after every step, but none of the columns a step changes is indexed: with room
-- left on each page, PostgreSQL updates it in place (a HOT update) instead of adding an entry to each of its indexes.
ALTER TABLE executions SET (fillfactor = 70);
ALTER TABLE execution_queue SET (fillfactor = 70);
