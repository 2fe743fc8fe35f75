-- A message that carries a credential to staff rights (a staff invitation): in the dev mailbox only an owner reads it,
-- or a staff member could accept an invitation meant for someone else and become an owner.
ALTER TABLE dev_messages ADD COLUMN owners_only boolean NOT NULL DEFAULT false;

-- Invitations already in the mailbox (valid for 7 days) are an owner's too.
UPDATE dev_messages SET owners_only = true WHERE headers ->> 'X-Till-Idempotency-Key' LIKE 'staff\_invite:%';
