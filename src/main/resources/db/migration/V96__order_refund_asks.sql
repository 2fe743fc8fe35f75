-- How many times a pending order's charge and a pending refund went to the gateway under their key (and when an order's
-- last did): a request asks only while its order or refund is pending, so that one that stalled past its settlement asks
-- nothing, and a settlement that found nothing at the gateway fails either only if it was not asked again since it
-- looked (that request may be there now).
ALTER TABLE orders ADD COLUMN charge_asks integer NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN charge_asked_at timestamptz;
-- The last ask's request ended without an answer (the gateway failed it): no request of it is still on its way, so the
-- gateway's silence is trusted as soon as its search would find a charge made then.
ALTER TABLE orders ADD COLUMN charge_ask_ended boolean NOT NULL DEFAULT false;
ALTER TABLE refunds ADD COLUMN asks integer NOT NULL DEFAULT 0;
