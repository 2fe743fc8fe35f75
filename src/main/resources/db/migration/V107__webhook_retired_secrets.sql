-- Every secret a rotation replaced keeps signing until its own day of overlap ends, as {secret, expires_at} (sealed,
-- epoch milliseconds of real time): rotated twice within a day (a retry of a rotation whose answer was lost), the
-- first secret, which receivers may still hold, signed no longer once the second rotation took its place.
ALTER TABLE webhook_endpoints ADD COLUMN retired_secrets jsonb NOT NULL DEFAULT '[]';
UPDATE webhook_endpoints
   SET retired_secrets = jsonb_build_array(jsonb_build_object(
           'secret', previous_secret,
           'expires_at', (extract(epoch FROM previous_secret_expires_at) * 1000)::bigint))
 WHERE previous_secret IS NOT NULL AND previous_secret_expires_at IS NOT NULL;
ALTER TABLE webhook_endpoints DROP COLUMN previous_secret, DROP COLUMN previous_secret_expires_at;
