-- Staff accounts (issue 12 item 7): two roles, owner and staff ('admin' was the only other value and was never
-- given to anyone but tests: it becomes 'staff'). An owner manages API keys, integrations and the staff; an account
-- always keeps one owner (io.till.access.StaffMembers checks it under a lock on the account's staff rows).
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
UPDATE staff_users SET role = 'staff' WHERE role = 'admin';
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('owner', 'staff'));

-- session_epoch: every dashboard session remembers the value it started with and ends when it changes ("sign out
-- everywhere", a new password, a new role). Real time, as sessions are.
ALTER TABLE staff_users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;
ALTER TABLE staff_users ADD COLUMN last_signed_in_at timestamptz;

-- Invitations to join an account's staff: a single-use link. Only the SHA-256 of its token is kept; it is used by one
-- conditional UPDATE ... RETURNING (used_at still null, not revoked, not expired), so two clicks cannot both win.
CREATE TABLE staff_invites (
    id          text PRIMARY KEY,
    account_id  text        NOT NULL REFERENCES accounts (id),
    email       text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('owner', 'staff')),
    token_hash  bytea       NOT NULL UNIQUE,
    invited_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX staff_invites_account_idx ON staff_invites (account_id, created_at);
