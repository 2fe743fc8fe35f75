-- The engine's hot tables check their references in the statements that write them, not with foreign keys.
-- A foreign key costs a lookup and a row lock (FOR KEY SHARE) for every row inserted: every execution started locked its
-- automation's and its account's row, shared by every concurrent start (PostgreSQL then tracks the lockers in a
-- MultiXact), and every log line locked its execution. Measured on the durable embedded database (bench/automation-engine, 2
-- cores): 1-step executions 5,600/s with them, 8,800/s without; their checks were most of the time of each write.
-- What they guarded cannot happen here: an execution is inserted only for an automation version the matcher has just
-- read, under an account taken from that automation; its queue row, timer and log lines are written only by the
-- statement that inserts or locks the execution itself (ExecutionQueue); and nothing deletes executions, automations or
-- accounts. EngineResilienceTest checks that no row points nowhere after two engines race and after a node dies
-- mid-step.
ALTER TABLE execution_steps DROP CONSTRAINT execution_steps_execution_id_fkey;
ALTER TABLE execution_queue DROP CONSTRAINT execution_queue_execution_id_fkey;
ALTER TABLE execution_timers DROP CONSTRAINT execution_timers_execution_id_fkey;
ALTER TABLE executions DROP CONSTRAINT executions_automation_id_fkey;
ALTER TABLE executions DROP CONSTRAINT executions_account_id_fkey;
