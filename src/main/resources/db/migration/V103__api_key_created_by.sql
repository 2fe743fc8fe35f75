-- Who made each key: a staff member (their email), another key (its id), or Till at first start. A key made by a key
-- is revoked with it, so a leaked key cannot leave behind a key of its own that outlives its revocation.
ALTER TABLE api_keys
    ADD COLUMN created_by        text CHECK (created_by IN ('staff', 'api_key', 'till')),
    ADD COLUMN created_by_who    text,
    ADD COLUMN created_by_key_id text REFERENCES api_keys (id);

CREATE INDEX api_keys_created_by_key_idx ON api_keys (account_id, created_by_key_id)
    WHERE created_by_key_id IS NOT NULL;
