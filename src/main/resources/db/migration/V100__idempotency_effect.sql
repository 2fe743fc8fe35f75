-- What a keyed request reached is no longer only a money movement: a request that records something (an event, a
-- credit, usage) names it here too, in the transaction that records it, so that the same request coming back after a
-- crash or a server error answers that record instead of recording it again.
ALTER TABLE idempotency_keys RENAME COLUMN money_movement TO effect;
ALTER TABLE idempotency_keys RENAME CONSTRAINT idempotency_keys_interrupted_check
    TO idempotency_keys_interrupted_has_effect;
