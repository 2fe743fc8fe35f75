-- API keys look like till_<mode>_<key id>_<secret>. Only the public part (the prefix, till_<mode>_<key id>) and a
-- SHA-256 of the whole key are kept: the key itself is shown once, when it is created.
CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (id),
    prefix       text NOT NULL UNIQUE,
    key_hash     bytea NOT NULL,
    name         text NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id, id);
