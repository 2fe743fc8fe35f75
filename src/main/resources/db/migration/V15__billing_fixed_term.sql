-- Fixed-term subscriptions: an option may bill a set number of periods (cycles), after which the subscription ends on
-- its own, announced by subscription.ending_soon a few days before.
ALTER TABLE product_options ADD COLUMN cycles integer CHECK (cycles > 0);
ALTER TABLE product_options ADD CONSTRAINT product_options_cycles_for_subscriptions
    CHECK (kind = 'subscription' OR cycles IS NULL);
ALTER TABLE subscriptions ADD COLUMN ends_at timestamptz;
