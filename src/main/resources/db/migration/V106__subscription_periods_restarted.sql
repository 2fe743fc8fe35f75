-- When a subscription's periods last started again (resumed, or back in good standing, after its period ended):
-- the day of the month its periods keep from then on. Null when they never restarted: then the end of the trial,
-- else its start.
ALTER TABLE subscriptions ADD COLUMN periods_restarted_at timestamptz;
