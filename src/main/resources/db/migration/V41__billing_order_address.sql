-- The buyer's billing address, kept on each order (seed 004: "Billing Information (Addresses) can be found from within
-- the individual Order Records"), printed on its receipts. All optional; country is an ISO 3166-1 alpha-2 code. The
-- limits repeat the API's (io.till.billing.BillingAddress) so that no other writer can store more.
ALTER TABLE orders
    ADD COLUMN billing_name        text CHECK (length(billing_name) <= 200),
    ADD COLUMN billing_line1       text CHECK (length(billing_line1) <= 200),
    ADD COLUMN billing_line2       text CHECK (length(billing_line2) <= 200),
    ADD COLUMN billing_city        text CHECK (length(billing_city) <= 100),
    ADD COLUMN billing_postal_code text CHECK (length(billing_postal_code) <= 20),
    ADD COLUMN billing_region      text CHECK (length(billing_region) <= 100),
    ADD COLUMN billing_country     text CHECK (billing_country ~ '^[A-Z]{2}$');
