-- When a delivery to the endpoint last gave up after every retry, while none has got through since: the account sees
-- the endpoint failing, and the first delivery to give up raises webhook_endpoint.delivery_exhausted. Later ones raise
-- nothing until a delivery succeeds again and clears it, so a receiver down for days makes one event, not one per
-- event it missed, and two failing endpoints that tell each other of their failures stop there.
ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz;
