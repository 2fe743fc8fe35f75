-- A cancellation at period end asked with skip_automations: the subscription.canceled the billing clock raises when
-- the period ends is marked the same way, so automations ignore it too.
ALTER TABLE subscriptions ADD COLUMN cancel_skip_automations boolean NOT NULL DEFAULT false;
