-- A request that reached a money movement remembers it: money_movement holds the gateway's idempotency key of the
-- charge or refund it was about to make (order:<id>, refund:<id>, …). Such a key is never run again blindly: when its
-- request dies or ends in a server error, the key is left 'interrupted' (not released), and the same request coming
-- back resumes that movement and answers its real outcome. response_body keeps its meaning (the stored answer).
ALTER TABLE idempotency_keys ADD COLUMN money_movement text;

ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check
    CHECK (state IN ('in_flight', 'interrupted', 'completed'));
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_interrupted_check
    CHECK (state <> 'interrupted' OR money_movement IS NOT NULL);
