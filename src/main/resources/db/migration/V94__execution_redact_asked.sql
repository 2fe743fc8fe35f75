-- An erasure of the run's customer while its step is running on some node: the step's result was made from the
-- customer's data before it was erased, so the save that writes it redacts what it brings (its log lines, output,
-- error and state) before anything of it is stored, keeping that the step ran, under its key. Cleared by that save.
ALTER TABLE executions ADD COLUMN redact_asked boolean NOT NULL DEFAULT false;
