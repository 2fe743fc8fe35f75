-- Whether the order's purchase saved the card it charges (a new one, not one on file): declined, that card leaves the
-- customer's wallet, whether the purchase itself heard the decline or the clock settled it after a crash.
ALTER TABLE orders ADD COLUMN saved_card boolean NOT NULL DEFAULT false;
