-- A checkout can stop selling (archived: purchases sent to it are refused, and it sells again once reactivated), and
-- its offers can change: an offer bump or upsell taken away is retired, not deleted, since orders, their upsell flows
-- and automations scoped to it still name it.
ALTER TABLE checkouts ADD COLUMN archived_at timestamptz;
ALTER TABLE checkout_addons ADD COLUMN retired_at timestamptz;
ALTER TABLE checkout_upsells ADD COLUMN retired_at timestamptz;
