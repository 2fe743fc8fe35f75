-- Why a subscription was canceled and who asked (the buyer in the portal, or staff), kept on the subscription and
-- carried in subscription.canceling and subscription.canceled. "Keep my subscription" clears them again.
ALTER TABLE subscriptions
    ADD COLUMN cancel_reason       text,
    ADD COLUMN cancel_reason_text  text,
    ADD COLUMN canceled_by         text CHECK (canceled_by IN ('staff', 'customer')),
    ADD COLUMN cancel_requested_at timestamptz;
