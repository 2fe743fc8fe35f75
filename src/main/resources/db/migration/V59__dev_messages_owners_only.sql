-- A message that carries a credential to staff rights (a staff invitation): in the dev mailbox only an owner reads it,
-- or a staff member could accept an invitation meant for someone else and become an owner.
ALTER TABLE dev_messages ADD COLUMN owners_only boolean NOT NULL DEFAULT false;
